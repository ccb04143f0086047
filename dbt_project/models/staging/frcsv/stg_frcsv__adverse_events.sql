with

source as (
    select * from {{ source('frcsv', 'adverse_events') }}
),

renamed as (
    select
        'frcsv' as center_id,
        trim("IPP") as source_patient_id,
        "Effet indésirable" as ae_term_source_value,
        "Grade CTCAE" as grade_source_value,
        {{ parse_date('"Date de début"', ['%d/%m/%Y']) }} as onset_date,
        "Date de début" as onset_date_source_value,
        "Arrêt du traitement" as led_to_discontinuation_source_value,
        _source_file,
        cast(_source_line as {{ dbt.type_bigint() }}) as _source_line
    from source
)

select * from renamed
