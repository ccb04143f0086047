-- One row per analysable patient: covariates and endpoints of the IMPRESARC analyses.
{%- set sensitivity = var('pfs_censor_after_missed_assessments') %}
with

patients as (
    select * from {{ ref('patients') }}
),

exclusions as (
    select * from {{ ref('int_exclusions_derived') }}
),

dnlr as (
    select * from {{ ref('int_dnlr_derived') }}
),

bor as (
    select * from {{ ref('int_bor_derived') }}
),

pfs as (
    select * from {{ ref('int_pfs_derived') }}
),

os as (
    select * from {{ ref('int_os_derived') }}
),

index_dates as (
    select * from {{ ref('int_index_dates_derived') }}
),

adverse_events as (
    select * from {{ ref('int_adverse_events_recoded') }}
),

ae_summary as (
    select
        patient_key,
        max(case when grade >= 3 then 1 else 0 end) as has_grade3plus
    from adverse_events
    group by patient_key
),

final as (
    select
        patients.patient_key,
        patients.center_id,
        patients.sex,
        patients.age_at_ici_start,
        patients.histotype,
        patients.histotype_group,
        patients.smarca4_deficient,
        patients.nf1_altered,
        patients.ecog_ps,
        patients.ecog_ps >= 1 as ecog_ge1,
        patients.prior_lines,
        patients.n_metastatic_sites,
        patients.icis_class,
        patients.has_anti_ctla4,
        patients.has_cyclophosphamide,
        dnlr.wbc,
        dnlr.anc,
        dnlr.alc,
        dnlr.ldh_above_uln,
        dnlr.albumin,
        dnlr.dnlr,
        dnlr.dnlr_high,
        dnlr.lipi_group,
        bor.bor,
        bor.bor_confirmed,
        bor.is_responder,
        bor.is_disease_control,
        {%- if sensitivity %}
        pfs.sens_days as pfs_days,
        pfs.sens_months as pfs_months,
        pfs.sens_is_event as pfs_event,
        {%- else %}
        pfs.days as pfs_days,
        pfs.months as pfs_months,
        pfs.is_event as pfs_event,
        {%- endif %}
        os.days as os_days,
        os.months as os_months,
        os.is_event as os_event,
        coalesce(ae_summary.has_grade3plus, 0) = 1 as any_grade3plus_ae,
        index_dates.stopped_for_toxicity as discontinued_for_toxicity,
        pfs.sens_days as pfs_sens_days,
        pfs.sens_months as pfs_sens_months,
        pfs.sens_is_event as pfs_sens_event
    from patients
    inner join exclusions
        on patients.patient_key = exclusions.patient_key
    left join dnlr
        on patients.patient_key = dnlr.patient_key
    left join bor
        on patients.patient_key = bor.patient_key
    left join pfs
        on patients.patient_key = pfs.patient_key
    left join os
        on patients.patient_key = os.patient_key
    left join index_dates
        on patients.patient_key = index_dates.patient_key
    left join ae_summary
        on patients.patient_key = ae_summary.patient_key
    where exclusions.is_analysable
)

select * from final
