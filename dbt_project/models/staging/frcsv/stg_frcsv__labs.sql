with

source as (
    select * from {{ source('frcsv', 'labs') }}
),

renamed as (
    select
        'frcsv' as center_id,
        trim("IPP") as source_patient_id,
        {{ parse_date('"Date de prélèvement"', ['%d/%m/%Y']) }} as sample_date,
        "Date de prélèvement" as sample_date_source_value,
        "Examen" as test_source_value,
        "Valeur" as value_source_value,
        {{ parse_number('"Valeur"') }} as value_as_number,
        "Unité" as unit_source_value,
        {{ parse_number('"LSN"') }} as uln_as_number,
        _source_file,
        cast(_source_line as {{ dbt.type_bigint() }}) as _source_line
    from source
)

select * from renamed
