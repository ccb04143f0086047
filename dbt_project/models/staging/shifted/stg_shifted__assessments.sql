with

source as (
    select * from {{ source('shifted', 'assessments') }}
),

day_zero as (
    select * from {{ ref('stg_shifted__day_zero') }}
),

renamed as (
    select
        'shifted' as center_id,
        trim(source.pseudo_id) as source_patient_id,
        {{ shifted_date('source.assessment_day') }} as assessment_date,
        source.assessment_day as assessment_date_source_value,
        source.overall_response as response_source_value,
        source._source_file,
        cast(source._source_line as {{ dbt.type_bigint() }}) as _source_line
    from source
    left join day_zero
        on trim(source.pseudo_id) = day_zero.source_patient_id
)

select * from renamed
