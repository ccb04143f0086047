-- Progression-free survival per patient: primary rule and sensitivity variant (see yml).
with

considered as (
    select * from {{ ref('int_assessments_considered') }}
),

index_dates as (
    select * from {{ ref('int_index_dates_derived') }}
),

first_progression as (
    select
        patient_key,
        assessment_date as pd_date,
        _source_file as pd_source_file,
        _source_line as pd_source_line
    from considered
    where response = 'PD'
),

adequate as (
    select * from considered
    where response != 'NE'
),

last_adequate as (
    select
        patient_key,
        assessment_date as last_adequate_date,
        _source_file as last_adequate_source_file,
        _source_line as last_adequate_source_line,
        row_number() over (
            partition by patient_key order by assessment_date desc
        ) as recency
    from adequate
),

patients as (
    select
        index_dates.patient_key,
        index_dates.center_id,
        index_dates.start_date,
        index_dates.start_date_source_file,
        index_dates.start_date_source_line,
        index_dates.death_date,
        index_dates.patient_source_file,
        index_dates.patient_source_line,
        first_progression.pd_date,
        first_progression.pd_source_file,
        first_progression.pd_source_line,
        last_adequate.last_adequate_date,
        last_adequate.last_adequate_source_file,
        last_adequate.last_adequate_source_line
    from index_dates
    left join first_progression
        on index_dates.patient_key = first_progression.patient_key
    left join last_adequate
        on
            index_dates.patient_key = last_adequate.patient_key
            and last_adequate.recency = 1
    where index_dates.start_date is not null
),

primary_rule as (
    select
        *,
        case
            when pd_date is not null and (death_date is null or pd_date <= death_date)
                then 'progression'
            when death_date is not null then 'death'
            when last_adequate_date is not null then 'censored_last_adequate_assessment'
            else 'censored_start_date'
        end as reason
    from patients
),

-- last adequate assessment strictly before the event (the start date when none)
before_event as (
    select
        primary_rule.patient_key,
        adequate.assessment_date as prior_adequate_date,
        adequate._source_file as prior_adequate_source_file,
        adequate._source_line as prior_adequate_source_line,
        row_number() over (
            partition by primary_rule.patient_key
            order by adequate.assessment_date desc
        ) as recency
    from primary_rule
    inner join adequate
        on
            primary_rule.patient_key = adequate.patient_key
            and adequate.assessment_date < case
                when primary_rule.reason = 'progression' then primary_rule.pd_date
                else primary_rule.death_date
            end
    where primary_rule.reason in ('progression', 'death')
),

ends as (
    select
        primary_rule.*,
        case primary_rule.reason
            when 'progression' then primary_rule.pd_date
            when 'death' then primary_rule.death_date
            when 'censored_last_adequate_assessment' then primary_rule.last_adequate_date
            else primary_rule.start_date
        end as end_date,
        before_event.prior_adequate_date,
        before_event.prior_adequate_source_file,
        before_event.prior_adequate_source_line
    from primary_rule
    left join before_event
        on
            primary_rule.patient_key = before_event.patient_key
            and before_event.recency = 1
),

with_sensitivity as (
    select
        *,
        case
            when
                reason in ('progression', 'death')
                and {{ days_between('coalesce(prior_adequate_date, start_date)', 'end_date') }}
                > {{ var('missed_assessments_threshold') }}
                * {{ assessment_interval_days('center_id') }}
                then case
                        when prior_adequate_date is not null
                            then 'censored_after_missed_assessments'
                        else 'censored_start_date_after_missed_assessments'
                    end
            else reason
        end as sens_reason
    from ends
),

shaped as (
    select
        patient_key,
        center_id,
        start_date,
        end_date,
        {{ days_between('start_date', 'end_date') }} + 1 as days,
        reason in ('progression', 'death') as is_event,
        reason as event_or_censor_reason,
        case reason
            when 'progression' then 'assessments'
            when 'death' then 'patients'
            when 'censored_last_adequate_assessment' then 'assessments'
            else 'treatments'
        end as end_date_source_table,
        case reason
            when 'progression' then 'assessment_date'
            when 'death' then 'death_date'
            when 'censored_last_adequate_assessment' then 'assessment_date'
            else 'start_date'
        end as end_date_source_column,
        case reason
            when 'progression' then pd_source_file
            when 'death' then patient_source_file
            when 'censored_last_adequate_assessment' then last_adequate_source_file
            else start_date_source_file
        end as end_date_source_file,
        case reason
            when 'progression' then pd_source_line
            when 'death' then patient_source_line
            when 'censored_last_adequate_assessment' then last_adequate_source_line
            else start_date_source_line
        end as end_date_source_line,
        case sens_reason
            when 'censored_after_missed_assessments' then prior_adequate_date
            when 'censored_start_date_after_missed_assessments' then start_date
            else end_date
        end as sens_end_date,
        sens_reason in ('progression', 'death') as sens_is_event,
        sens_reason as sens_event_or_censor_reason,
        case sens_reason
            when 'censored_after_missed_assessments' then 'assessments'
            when 'censored_start_date_after_missed_assessments' then 'treatments'
            when 'progression' then 'assessments'
            when 'death' then 'patients'
            when 'censored_last_adequate_assessment' then 'assessments'
            else 'treatments'
        end as sens_end_date_source_table,
        case sens_reason
            when 'censored_after_missed_assessments' then 'assessment_date'
            when 'censored_start_date_after_missed_assessments' then 'start_date'
            when 'progression' then 'assessment_date'
            when 'death' then 'death_date'
            when 'censored_last_adequate_assessment' then 'assessment_date'
            else 'start_date'
        end as sens_end_date_source_column,
        case sens_reason
            when 'censored_after_missed_assessments' then prior_adequate_source_file
            when 'censored_start_date_after_missed_assessments' then start_date_source_file
            when 'progression' then pd_source_file
            when 'death' then patient_source_file
            when 'censored_last_adequate_assessment' then last_adequate_source_file
            else start_date_source_file
        end as sens_end_date_source_file,
        case sens_reason
            when 'censored_after_missed_assessments' then prior_adequate_source_line
            when 'censored_start_date_after_missed_assessments' then start_date_source_line
            when 'progression' then pd_source_line
            when 'death' then patient_source_line
            when 'censored_last_adequate_assessment' then last_adequate_source_line
            else start_date_source_line
        end as sens_end_date_source_line
    from with_sensitivity
),

final as (
    select
        *,
        cast(days as {{ type_double() }}) / {{ var('days_per_month') }} as months,
        {{ days_between('start_date', 'sens_end_date') }} + 1 as sens_days,
        cast({{ days_between('start_date', 'sens_end_date') }} + 1 as {{ type_double() }})
        / {{ var('days_per_month') }} as sens_months
    from shaped
)

select * from final
