with

source as (
    select * from {{ source('legacy', 'patients') }}
),

renamed as (
    select
        'legacy' as center_id,
        {{ legacy_text('"PAT_NO"') }} as source_patient_id,
        {{ legacy_text('"SEX"') }} as sex_source_value,
        {{ legacy_date('"DOB"') }} as birth_date,
        {{ legacy_text('"DOB"') }} as birth_date_source_value,
        cast(null as {{ dbt.type_string() }}) as age_at_ici_start_source_value,
        {{ legacy_date('"DIAG_DATE"') }} as diagnosis_date,
        {{ legacy_text('"DIAG_DATE"') }} as diagnosis_date_source_value,
        {{ legacy_text('"HISTO"') }} as histotype_source_value,
        {{ legacy_text('"SMARCA4"') }} as smarca4_deficient_source_value,
        {{ legacy_text('"NF1"') }} as nf1_altered_source_value,
        {{ legacy_text('"PS"') }} as ecog_ps_source_value,
        {{ legacy_text('"PRIOR_LINES"') }} as prior_lines_source_value,
        {{ legacy_text('"METS"') }} as metastatic_sites_source_value,
        replace({{ legacy_text('"METS"') }}, '/', '|') as metastatic_sites,
        {{ legacy_date('"LAST_FU"') }} as last_contact_date,
        {{ legacy_text('"LAST_FU"') }} as last_contact_date_source_value,
        {{ legacy_date('"DOD"') }} as death_date,
        {{ legacy_text('"DOD"') }} as death_date_source_value,
        {{ legacy_date('"NEXT_LINE"') }} as next_line_start_date,
        {{ legacy_text('"NEXT_LINE"') }} as next_line_start_date_source_value,
        _source_file,
        cast(_source_line as {{ dbt.type_bigint() }}) as _source_line
    from source
)

select * from renamed
