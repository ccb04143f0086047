with

source as (
    select * from {{ source('shifted', 'adverse_events') }}
),

day_zero as (
    select * from {{ ref('stg_shifted__day_zero') }}
),

renamed as (
    select
        'shifted' as center_id,
        trim(source.pseudo_id) as source_patient_id,
        source.ae_term as ae_term_source_value,
        source.grade as grade_source_value,
        {{ shifted_date('source.onset_day') }} as onset_date,
        source.onset_day as onset_date_source_value,
        source.led_to_discontinuation as led_to_discontinuation_source_value,
        source._source_file,
        cast(source._source_line as {{ dbt.type_bigint() }}) as _source_line
    from source
    left join day_zero
        on trim(source.pseudo_id) = day_zero.source_patient_id
)

select * from renamed
