with

source as (
    select * from {{ source('xlsx', 'treatments') }}
),

renamed as (
    select
        'xlsx' as center_id,
        {{ integer_cell_text('"N° dossier"') }} as source_patient_id,
        "Spécialité" as drug_source_value,
        {{ parse_timestamp_date('"Début"') }} as start_date,
        "Début" as start_date_source_value,
        {{ parse_timestamp_date('"Fin"') }} as end_date,
        "Fin" as end_date_source_value,
        "Motif d'arrêt" as stop_reason_source_value,
        _source_file,
        cast(_source_line as {{ dbt.type_bigint() }}) as _source_line
    from source
)

select * from renamed
