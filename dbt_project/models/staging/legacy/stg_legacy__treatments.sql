with

source as (
    select * from {{ source('legacy', 'treatments') }}
),

renamed as (
    select
        'legacy' as center_id,
        {{ legacy_text('"PAT_NO"') }} as source_patient_id,
        {{ legacy_text('"DRUG"') }} as drug_source_value,
        {{ legacy_date('"START"') }} as start_date,
        {{ legacy_text('"START"') }} as start_date_source_value,
        {{ legacy_date('"STOP"') }} as end_date,
        {{ legacy_text('"STOP"') }} as end_date_source_value,
        {{ legacy_text('"REASON"') }} as stop_reason_source_value,
        _source_file,
        cast(_source_line as {{ dbt.type_bigint() }}) as _source_line
    from source
)

select * from renamed
