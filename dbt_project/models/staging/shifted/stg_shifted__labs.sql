with

source as (
    select * from {{ source('shifted', 'labs') }}
),

day_zero as (
    select * from {{ ref('stg_shifted__day_zero') }}
),

renamed as (
    select
        'shifted' as center_id,
        trim(source.pseudo_id) as source_patient_id,
        {{ shifted_date('source.sample_day') }} as sample_date,
        source.sample_day as sample_date_source_value,
        source.test as test_source_value,
        source.value as value_source_value,
        {{ parse_number('source.value') }} as value_as_number,
        source.unit as unit_source_value,
        {{ parse_number('source.uln') }} as uln_as_number,
        source._source_file,
        cast(source._source_line as {{ dbt.type_bigint() }}) as _source_line
    from source
    left join day_zero
        on trim(source.pseudo_id) = day_zero.source_patient_id
)

select * from renamed
