with

source as (
    select * from {{ source('ref', 'treatments') }}
),

renamed as (
    select
        'ref' as center_id,
        trim(patient_id) as source_patient_id,
        drug as drug_source_value,
        {{ parse_date('start_date') }} as start_date,
        start_date as start_date_source_value,
        {{ parse_date('end_date') }} as end_date,
        end_date as end_date_source_value,
        stop_reason as stop_reason_source_value,
        _source_file,
        cast(_source_line as {{ dbt.type_bigint() }}) as _source_line
    from source
)

select * from renamed
