with

source as (
    select * from {{ source('ref', 'labs') }}
),

renamed as (
    select
        'ref' as center_id,
        trim(patient_id) as source_patient_id,
        {{ parse_date('sample_date') }} as sample_date,
        sample_date as sample_date_source_value,
        test as test_source_value,
        value as value_source_value,
        {{ parse_number('value') }} as value_as_number,
        unit as unit_source_value,
        {{ parse_number('uln') }} as uln_as_number,
        _source_file,
        cast(_source_line as {{ dbt.type_bigint() }}) as _source_line
    from source
)

select * from renamed
