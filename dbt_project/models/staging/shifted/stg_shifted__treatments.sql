with

source as (
    select * from {{ source('shifted', 'treatments') }}
),

day_zero as (
    select * from {{ ref('stg_shifted__day_zero') }}
),

renamed as (
    select
        'shifted' as center_id,
        trim(source.pseudo_id) as source_patient_id,
        source.drug as drug_source_value,
        {{ shifted_date('source.start_day') }} as start_date,
        source.start_day as start_date_source_value,
        {{ shifted_date('source.end_day') }} as end_date,
        source.end_day as end_date_source_value,
        source.stop_reason as stop_reason_source_value,
        source._source_file,
        cast(source._source_line as {{ dbt.type_bigint() }}) as _source_line
    from source
    left join day_zero
        on trim(source.pseudo_id) = day_zero.source_patient_id
)

select * from renamed
