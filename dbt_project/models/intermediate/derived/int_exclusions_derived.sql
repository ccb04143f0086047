-- Every patient id of every center with its exclusion reason (null when analysable).
with

crosswalk as (
    select * from {{ ref('int_patient_crosswalk') }}
),

patients as (
    select * from {{ ref('int_patients_recoded') }}
),

index_dates as (
    select * from {{ ref('int_index_dates_derived') }}
),

classified as (
    select
        crosswalk.patient_key,
        crosswalk.center_id,
        case
            when patients.patient_key is null then 'no_patient_record'
            when patients.is_conflicting_duplicate then 'conflicting_duplicate_patient'
            when index_dates.start_date is null then 'no_ici_start_date'
            when index_dates.death_date < index_dates.start_date then 'death_before_ici_start'
        end as reason,
        patients._source_file,
        patients._source_line
    from crosswalk
    left join patients
        on crosswalk.patient_key = patients.patient_key
    left join index_dates
        on crosswalk.patient_key = index_dates.patient_key
),

final as (
    select
        *,
        reason is null as is_analysable
    from classified
)

select * from final
