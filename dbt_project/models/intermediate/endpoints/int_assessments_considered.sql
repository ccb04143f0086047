-- Tumour assessments that count for the response and PFS endpoints (rules in the yml).
with

assessments as (
    select * from {{ ref('int_assessments_recoded') }}
),

index_dates as (
    select * from {{ ref('int_index_dates_derived') }}
),

in_window as (
    select
        assessments.patient_key,
        assessments.center_id,
        assessments.assessment_date,
        assessments.response,
        assessments._source_file,
        assessments._source_line,
        assessments.record_id,
        index_dates.start_date,
        {{ days_between('index_dates.start_date', 'assessments.assessment_date') }}
            as days_from_start,
        {{ response_severity('assessments.response') }} as severity
    from assessments
    inner join index_dates
        on assessments.patient_key = index_dates.patient_key
    where
        index_dates.start_date is not null
        and assessments.assessment_date is not null
        and assessments.response in ('CR', 'PR', 'SD', 'NON-CR/NON-PD', 'PD', 'NE')
        and assessments.assessment_date >= index_dates.start_date
        and (
            index_dates.next_line_start_date is null
            or assessments.assessment_date < index_dates.next_line_start_date
        )
),

worst_of_day as (
    select
        *,
        row_number() over (
            partition by patient_key, assessment_date
            order by severity desc, _source_file asc, _source_line asc
        ) as rank_in_day
    from in_window
),

one_per_day as (
    select * from worst_of_day
    where rank_in_day = 1
),

first_progression as (
    select
        patient_key,
        min(assessment_date) as first_pd_date
    from one_per_day
    where response = 'PD'
    group by patient_key
),

final as (
    select
        one_per_day.patient_key,
        one_per_day.center_id,
        one_per_day.assessment_date,
        one_per_day.days_from_start,
        one_per_day.response,
        one_per_day.severity,
        one_per_day._source_file,
        one_per_day._source_line,
        one_per_day.record_id,
        row_number() over (
            partition by one_per_day.patient_key
            order by one_per_day.assessment_date
        ) as assessment_seq
    from one_per_day
    left join first_progression
        on one_per_day.patient_key = first_progression.patient_key
    where
        first_progression.first_pd_date is null
        or one_per_day.assessment_date <= first_progression.first_pd_date
)

select * from final
