with

source as (
    select * from {{ source('xlsx', 'assessments') }}
),

renamed as (
    select
        'xlsx' as center_id,
        {{ integer_cell_text('"N° dossier"') }} as source_patient_id,
        {{ parse_timestamp_date('"Date"') }} as assessment_date,
        "Date" as assessment_date_source_value,
        "Réponse" as response_source_value,
        _source_file,
        cast(_source_line as {{ dbt.type_bigint() }}) as _source_line
    from source
)

select * from renamed
