with

source as (
    select * from {{ source('frcsv', 'assessments') }}
),

renamed as (
    select
        'frcsv' as center_id,
        trim("IPP") as source_patient_id,
        {{ parse_date('"Date d\'évaluation"', ['%d/%m/%Y']) }} as assessment_date,
        "Date d'évaluation" as assessment_date_source_value,
        "Réponse RECIST" as response_source_value,
        _source_file,
        cast(_source_line as {{ dbt.type_bigint() }}) as _source_line
    from source
)

select * from renamed
