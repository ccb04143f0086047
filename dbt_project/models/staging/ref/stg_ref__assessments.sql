with

source as (
    select * from {{ source('ref', 'assessments') }}
),

renamed as (
    select
        'ref' as center_id,
        trim(patient_id) as source_patient_id,
        {{ parse_date('assessment_date') }} as assessment_date,
        assessment_date as assessment_date_source_value,
        overall_response as response_source_value,
        _source_file,
        cast(_source_line as {{ dbt.type_bigint() }}) as _source_line
    from source
)

select * from renamed
