with

source as (
    select * from {{ source('frcsv', 'treatments') }}
),

renamed as (
    select
        'frcsv' as center_id,
        trim("IPP") as source_patient_id,
        "Molécule" as drug_source_value,
        {{ parse_date('"Date de début"', ['%d/%m/%Y']) }} as start_date,
        "Date de début" as start_date_source_value,
        {{ parse_date('"Date de fin"', ['%d/%m/%Y']) }} as end_date,
        "Date de fin" as end_date_source_value,
        "Motif d'arrêt" as stop_reason_source_value,
        _source_file,
        cast(_source_line as {{ dbt.type_bigint() }}) as _source_line
    from source
)

select * from renamed
