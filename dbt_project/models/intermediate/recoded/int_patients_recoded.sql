-- Patients recoded to the common vocabularies; every *_source_value kept beside its code.
with

patients as (
    select * from {{ ref('int_patients_deduplicated') }}
),

histotype_synonyms as (
    select * from {{ ref('vocab_histotype_synonyms') }}
),

histotypes as (
    select * from {{ ref('vocab_histotypes') }}
),

sex_codes as (
    select * from {{ ref('vocab_sex') }}
),

yes_no as (
    select * from {{ ref('vocab_yes_no') }}
),

ecog_codes as (
    select * from {{ ref('vocab_ecog') }}
),

normalized as (
    select
        *,
        {{ normalize_code('histotype_source_value') }} as histotype_lookup,
        {{ normalize_code('sex_source_value') }} as sex_lookup,
        {{ normalize_code('smarca4_deficient_source_value') }} as smarca4_lookup,
        {{ normalize_code('nf1_altered_source_value') }} as nf1_lookup,
        {{ normalize_code('ecog_ps_source_value') }} as ecog_lookup,
        {{ parse_number('prior_lines_source_value') }} as prior_lines_number
    from patients
),

recoded as (
    select
        normalized.*,
        case
            when normalized.histotype_lookup is null then null
            else coalesce(histotype_synonyms.histotype, 'unmapped')
        end as histotype,
        case
            when normalized.sex_lookup is null then null
            else coalesce(sex_codes.sex, 'unmapped')
        end as sex,
        smarca4.value as smarca4_deficient,
        nf1.value as nf1_altered,
        normalized.smarca4_lookup is not null and smarca4.value is null
            as is_smarca4_unmapped,
        normalized.nf1_lookup is not null and nf1.value is null as is_nf1_unmapped,
        ecog_codes.ecog_ps,
        normalized.prior_lines_number >= 0
        and normalized.prior_lines_number = floor(normalized.prior_lines_number)
            as is_prior_lines_valid
    from normalized
    left join histotype_synonyms
        on normalized.histotype_lookup = {{ normalize_code('histotype_synonyms.source_value') }}
    left join sex_codes
        on normalized.sex_lookup = {{ normalize_code('sex_codes.source_value') }}
    left join yes_no as smarca4
        on normalized.smarca4_lookup = {{ normalize_code('smarca4.source_value') }}
    left join yes_no as nf1
        on normalized.nf1_lookup = {{ normalize_code('nf1.source_value') }}
    left join ecog_codes
        on normalized.ecog_lookup = {{ normalize_code('ecog_codes.source_value') }}
),

final as (
    select
        recoded.patient_key,
        recoded.center_id,
        recoded.source_patient_id,
        recoded.sex,
        recoded.sex_source_value,
        recoded.birth_date,
        recoded.age_at_ici_start_source_value,
        recoded.diagnosis_date,
        recoded.histotype,
        histotypes.who_2020_family,
        case
            when recoded.histotype = 'unmapped' then 'unmapped'
            else histotypes.histotype_group
        end as histotype_group,
        recoded.histotype_source_value,
        recoded.smarca4_deficient,
        recoded.smarca4_deficient_source_value,
        recoded.is_smarca4_unmapped,
        recoded.nf1_altered,
        recoded.nf1_altered_source_value,
        recoded.is_nf1_unmapped,
        recoded.ecog_ps,
        recoded.ecog_ps_source_value,
        recoded.ecog_lookup is not null and recoded.ecog_ps is null as is_ecog_ps_invalid,
        case
            when recoded.is_prior_lines_valid
                then {{ dbt.safe_cast('recoded.prior_lines_number', dbt.type_int()) }}
        end as prior_lines,
        recoded.prior_lines_source_value,
        recoded.prior_lines_source_value is not null
        and trim(recoded.prior_lines_source_value) != ''
        and not coalesce(recoded.is_prior_lines_valid, false) as is_prior_lines_invalid,
        recoded.metastatic_sites,
        recoded.metastatic_sites_source_value,
        case
            when recoded.metastatic_sites is null or trim(recoded.metastatic_sites) = '' then 0
            else
                {{ dbt.length('recoded.metastatic_sites') }}
                - {{ dbt.length(dbt.replace('recoded.metastatic_sites', "'|'", "''")) }}
                + 1
        end as n_metastatic_sites,
        recoded.last_contact_date,
        recoded.death_date,
        recoded.next_line_start_date,
        recoded.n_source_rows,
        recoded.n_versions,
        recoded.is_conflicting_duplicate,
        recoded._source_file,
        recoded._source_line
    from recoded
    left join histotypes
        on recoded.histotype = histotypes.histotype
)

select * from final
