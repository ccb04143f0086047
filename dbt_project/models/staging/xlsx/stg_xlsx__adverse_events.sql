with

source as (
    select * from {{ source('xlsx', 'adverse_events') }}
),

renamed as (
    select
        'xlsx' as center_id,
        {{ integer_cell_text('"N° dossier"') }} as source_patient_id,
        "Terme CTCAE" as ae_term_source_value,
        "Grade" as grade_source_value,
        {{ parse_timestamp_date('"Date de début"') }} as onset_date,
        "Date de début" as onset_date_source_value,
        "Arrêt du traitement" as led_to_discontinuation_source_value,
        _source_file,
        cast(_source_line as {{ dbt.type_bigint() }}) as _source_line
    from source
)

select * from renamed
