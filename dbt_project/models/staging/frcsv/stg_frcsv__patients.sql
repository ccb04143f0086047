with

source as (
    select * from {{ source('frcsv', 'patients') }}
),

renamed as (
    select
        'frcsv' as center_id,
        trim("IPP") as source_patient_id,
        "Sexe" as sex_source_value,
        {{ parse_date('"Date de naissance"', ['%d/%m/%Y']) }} as birth_date,
        "Date de naissance" as birth_date_source_value,
        cast(null as {{ dbt.type_string() }}) as age_at_ici_start_source_value,
        {{ parse_date('"Date de diagnostic"', ['%d/%m/%Y']) }} as diagnosis_date,
        "Date de diagnostic" as diagnosis_date_source_value,
        "Histologie" as histotype_source_value,
        "SMARCA4 déficient" as smarca4_deficient_source_value,
        "NF1 altéré" as nf1_altered_source_value,
        "ECOG" as ecog_ps_source_value,
        "Lignes antérieures" as prior_lines_source_value,
        "Sites métastatiques" as metastatic_sites_source_value,
        nullif(replace(trim("Sites métastatiques"), ', ', '|'), '') as metastatic_sites,
        {{ parse_date('"Date des dernières nouvelles"', ['%d/%m/%Y']) }} as last_contact_date,
        "Date des dernières nouvelles" as last_contact_date_source_value,
        {{ parse_date('"Date de décès"', ['%d/%m/%Y']) }} as death_date,
        "Date de décès" as death_date_source_value,
        {{ parse_date('"Date début ligne suivante"', ['%d/%m/%Y']) }} as next_line_start_date,
        "Date début ligne suivante" as next_line_start_date_source_value,
        _source_file,
        cast(_source_line as {{ dbt.type_bigint() }}) as _source_line
    from source
)

select * from renamed
