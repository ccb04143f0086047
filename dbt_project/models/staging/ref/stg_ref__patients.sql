with

source as (
    select * from {{ source('ref', 'patients') }}
),

renamed as (
    select
        'ref' as center_id,
        trim(patient_id) as source_patient_id,
        sex as sex_source_value,
        {{ parse_date('birth_date') }} as birth_date,
        birth_date as birth_date_source_value,
        cast(null as {{ dbt.type_string() }}) as age_at_ici_start_source_value,
        {{ parse_date('diagnosis_date') }} as diagnosis_date,
        diagnosis_date as diagnosis_date_source_value,
        histotype as histotype_source_value,
        smarca4_deficient as smarca4_deficient_source_value,
        nf1_altered as nf1_altered_source_value,
        ecog_ps as ecog_ps_source_value,
        prior_lines as prior_lines_source_value,
        metastatic_sites as metastatic_sites_source_value,
        nullif(trim(metastatic_sites), '') as metastatic_sites,
        {{ parse_date('last_contact_date') }} as last_contact_date,
        last_contact_date as last_contact_date_source_value,
        {{ parse_date('death_date') }} as death_date,
        death_date as death_date_source_value,
        {{ parse_date('next_line_start_date') }} as next_line_start_date,
        next_line_start_date as next_line_start_date_source_value,
        _source_file,
        cast(_source_line as {{ dbt.type_bigint() }}) as _source_line
    from source
)

select * from renamed
