with

source as (
    select * from {{ source('legacy', 'adverse_events') }}
),

renamed as (
    select
        'legacy' as center_id,
        {{ legacy_text('"PAT_NO"') }} as source_patient_id,
        {{ legacy_text('"AE"') }} as ae_term_source_value,
        {{ legacy_text('"GRADE"') }} as grade_source_value,
        {{ legacy_date('"ONSET"') }} as onset_date,
        {{ legacy_text('"ONSET"') }} as onset_date_source_value,
        {{ legacy_text('"STOPPED"') }} as led_to_discontinuation_source_value,
        _source_file,
        cast(_source_line as {{ dbt.type_bigint() }}) as _source_line
    from source
)

select * from renamed
