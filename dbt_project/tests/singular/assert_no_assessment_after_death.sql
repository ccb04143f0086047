-- Temporal plausibility: no tumour assessment is dated after the patient's death.
with

assessments as (
    select * from {{ ref('tumor_assessments') }}
),

patients as (
    select * from {{ ref('patients') }}
),

final as (
    select
        assessments.patient_key,
        assessments.assessment_date,
        patients.death_date,
        assessments._source_file,
        assessments._source_line
    from assessments
    inner join patients
        on assessments.patient_key = patients.patient_key
    where
        not patients.is_excluded
        and assessments.assessment_date > patients.death_date
)

select * from final
