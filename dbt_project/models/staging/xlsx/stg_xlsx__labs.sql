with

source as (
    select * from {{ source('xlsx', 'labs') }}
),

renamed as (
    select
        'xlsx' as center_id,
        {{ integer_cell_text('"N° dossier"') }} as source_patient_id,
        {{ parse_timestamp_date('"Date"') }} as sample_date,
        "Date" as sample_date_source_value,
        "Paramètre" as test_source_value,
        "Valeur" as value_source_value,
        {{ parse_number('"Valeur"') }} as value_as_number,
        "Unité" as unit_source_value,
        {{ parse_number('"LSN"') }} as uln_as_number,
        _source_file,
        cast(_source_line as {{ dbt.type_bigint() }}) as _source_line
    from source
)

select * from renamed
