with

source as (
    select * from {{ source('legacy', 'labs') }}
),

renamed as (
    select
        'legacy' as center_id,
        {{ legacy_text('"PAT_NO"') }} as source_patient_id,
        {{ legacy_date('"DATE"') }} as sample_date,
        {{ legacy_text('"DATE"') }} as sample_date_source_value,
        {{ legacy_text('"TEST"') }} as test_source_value,
        {{ legacy_text('"RESULT"') }} as value_source_value,
        {{ parse_number(legacy_text('"RESULT"')) }} as value_as_number,
        {{ legacy_text('"UNIT"') }} as unit_source_value,
        {{ parse_number(legacy_text('"ULN"')) }} as uln_as_number,
        _source_file,
        cast(_source_line as {{ dbt.type_bigint() }}) as _source_line
    from source
)

select * from renamed
