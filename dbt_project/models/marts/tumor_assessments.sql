-- One row per tumour assessment (after exact de-duplication), with its use by the endpoints.
with

assessments as (
    select * from {{ ref('int_assessments_recoded') }}
),

index_dates as (
    select * from {{ ref('int_index_dates_derived') }}
),

considered as (
    select * from {{ ref('int_assessments_considered') }}
),

final as (
    select
        assessments.patient_key,
        assessments.center_id,
        assessments.assessment_date,
        {{ days_between('index_dates.start_date', 'assessments.assessment_date') }}
            as assessment_day,
        {{ days_between(
            'lag(assessments.assessment_date) over ('
            ~ 'partition by assessments.patient_key order by assessments.assessment_date)',
            'assessments.assessment_date',
        ) }} as days_since_previous_assessment,
        {{ days_between('index_dates.start_date', 'index_dates.death_date') }} as death_day,
        assessments.response,
        assessments.response_source_value,
        considered.patient_key is not null as is_considered,
        assessments._source_file,
        assessments._source_line
    from assessments
    left join index_dates
        on assessments.patient_key = index_dates.patient_key
    left join considered
        on assessments.record_id = considered.record_id
)

select * from final
