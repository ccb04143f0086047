with

source as (
    select * from {{ source('legacy', 'assessments') }}
),

renamed as (
    select
        'legacy' as center_id,
        {{ legacy_text('"PAT_NO"') }} as source_patient_id,
        {{ legacy_date('"EXAM_DATE"') }} as assessment_date,
        {{ legacy_text('"EXAM_DATE"') }} as assessment_date_source_value,
        {{ legacy_text('"RESP"') }} as response_source_value,
        _source_file,
        cast(_source_line as {{ dbt.type_bigint() }}) as _source_line
    from source
)

select * from renamed
