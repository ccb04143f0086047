with

source as (
    select * from {{ source('xlsx', 'patients') }}
),

renamed as (
    select
        'xlsx' as center_id,
        {{ integer_cell_text('"N° dossier"') }} as source_patient_id,
        "Sexe" as sex_source_value,
        {{ parse_timestamp_date('"Date de naissance"') }} as birth_date,
        "Date de naissance" as birth_date_source_value,
        cast(null as {{ dbt.type_string() }}) as age_at_ici_start_source_value,
        {{ parse_timestamp_date('"Date du diagnostic"') }} as diagnosis_date,
        "Date du diagnostic" as diagnosis_date_source_value,
        "Histologie" as histotype_source_value,
        "SMARCA4" as smarca4_deficient_source_value,
        "NF1" as nf1_altered_source_value,
        "ECOG" as ecog_ps_source_value,
        "Nb lignes antérieures" as prior_lines_source_value,
        "Sites métastatiques" as metastatic_sites_source_value,
        nullif(replace(trim("Sites métastatiques"), ', ', '|'), '') as metastatic_sites,
        {{ parse_timestamp_date('"Dernières nouvelles"') }} as last_contact_date,
        "Dernières nouvelles" as last_contact_date_source_value,
        {{ parse_timestamp_date('"Date de décès"') }} as death_date,
        "Date de décès" as death_date_source_value,
        {{ parse_timestamp_date('"Début ligne suivante"') }} as next_line_start_date,
        "Début ligne suivante" as next_line_start_date_source_value,
        _source_file,
        cast(_source_line as {{ dbt.type_bigint() }}) as _source_line
    from source
)

select * from renamed
