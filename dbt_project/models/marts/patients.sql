-- One row per patient of every center (analysable or excluded), pseudonymised.
with

patients as (
    select * from {{ ref('int_patients_recoded') }}
),

index_dates as (
    select * from {{ ref('int_index_dates_derived') }}
),

exclusions as (
    select * from {{ ref('int_exclusions_derived') }}
),

final as (
    select
        patients.patient_key,
        patients.center_id,
        patients.sex,
        patients.sex_source_value,
        cast(coalesce(
            {{ age_in_years('patients.birth_date', 'index_dates.start_date') }},
            {{ dbt.safe_cast('patients.age_at_ici_start_source_value', dbt.type_int()) }}
        ) as {{ dbt.type_int() }}) as age_at_ici_start,
        patients.diagnosis_date,
        patients.histotype,
        patients.histotype_group,
        patients.who_2020_family,
        patients.histotype_source_value,
        patients.smarca4_deficient,
        patients.smarca4_deficient_source_value,
        patients.nf1_altered,
        patients.nf1_altered_source_value,
        patients.ecog_ps,
        patients.ecog_ps_source_value,
        patients.is_ecog_ps_invalid,
        patients.prior_lines,
        patients.prior_lines_source_value,
        patients.n_metastatic_sites,
        patients.metastatic_sites_source_value,
        index_dates.start_date as ici_start_date,
        index_dates.n_ici_start_dates,
        index_dates.icis_class,
        index_dates.has_anti_ctla4,
        index_dates.has_cyclophosphamide,
        patients.death_date,
        patients.last_contact_date,
        patients.next_line_start_date,
        patients.n_source_rows,
        patients.is_conflicting_duplicate,
        not exclusions.is_analysable as is_excluded,
        exclusions.reason as exclusion_reason,
        patients._source_file,
        patients._source_line
    from patients
    left join index_dates
        on patients.patient_key = index_dates.patient_key
    left join exclusions
        on patients.patient_key = exclusions.patient_key
)

select * from final
