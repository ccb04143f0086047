with

source as (
    select * from {{ source('ref', 'adverse_events') }}
),

renamed as (
    select
        'ref' as center_id,
        trim(patient_id) as source_patient_id,
        ae_term as ae_term_source_value,
        grade as grade_source_value,
        {{ parse_date('onset_date') }} as onset_date,
        onset_date as onset_date_source_value,
        led_to_discontinuation as led_to_discontinuation_source_value,
        _source_file,
        cast(_source_line as {{ dbt.type_bigint() }}) as _source_line
    from source
)

select * from renamed
