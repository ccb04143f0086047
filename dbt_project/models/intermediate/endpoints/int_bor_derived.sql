-- Best overall response per patient, unconfirmed (study default) and confirmed.
with

considered as (
    select * from {{ ref('int_assessments_considered') }}
),

index_dates as (
    select * from {{ ref('int_index_dates_derived') }}
),

running as (
    select
        patient_key,
        assessment_seq,
        assessment_date,
        days_from_start,
        response,
        sum(case when response = 'NE' then 1 else 0 end) over (
            partition by patient_key order by assessment_seq
            rows between unbounded preceding and current row
        ) as cum_ne,
        sum(case when response not in ('CR', 'NE') then 1 else 0 end) over (
            partition by patient_key order by assessment_seq
            rows between unbounded preceding and current row
        ) as cum_not_cr_ne,
        sum(case when response = 'PD' then 1 else 0 end) over (
            partition by patient_key order by assessment_seq
            rows between unbounded preceding and current row
        ) as cum_pd
    from considered
),

-- a CR or PR (first) with a later response (second) that may confirm it;
-- counts "between" exclude both ends (second is CR or PR, never NE or PD)
pairs as (
    select
        first_resp.patient_key,
        first_resp.assessment_seq,
        first_resp.response as first_response,
        second_resp.response as second_response,
        second_resp.cum_ne - first_resp.cum_ne as n_ne_between,
        second_resp.cum_not_cr_ne - first_resp.cum_not_cr_ne as n_not_cr_ne_between,
        second_resp.cum_pd - first_resp.cum_pd as n_pd_between
    from running as first_resp
    inner join running as second_resp
        on
            first_resp.patient_key = second_resp.patient_key
            and first_resp.assessment_seq < second_resp.assessment_seq
            and {{ days_between('first_resp.assessment_date', 'second_resp.assessment_date') }}
            >= {{ var('confirmation_min_days') }}
    where
        first_resp.response in ('CR', 'PR')
        and second_resp.response in ('CR', 'PR')
),

confirmed as (
    select
        patient_key,
        assessment_seq,
        max(case
            when
                first_response = 'CR' and second_response = 'CR'
                and n_not_cr_ne_between = 0 and n_ne_between <= 1
                then 1
            else 0
        end) as is_confirmed_cr,
        max(case
            when
                first_response = 'PR'
                and n_pd_between = 0 and n_ne_between <= 1
                then 1
            else 0
        end) as is_confirmed_pr
    from pairs
    group by patient_key, assessment_seq
),

flagged as (
    select
        running.patient_key,
        running.response,
        running.days_from_start >= {{ var('sd_min_days') }} as is_after_sd_minimum,
        coalesce(confirmed.is_confirmed_cr, 0) = 1 as is_confirmed_cr,
        coalesce(confirmed.is_confirmed_pr, 0) = 1 as is_confirmed_pr
    from running
    left join confirmed
        on
            running.patient_key = confirmed.patient_key
            and running.assessment_seq = confirmed.assessment_seq
),

per_patient as (
    select
        patient_key,
        count(*) as n_assessments,
        max(case when response = 'CR' then 1 else 0 end) as has_cr,
        max(case when response = 'PR' then 1 else 0 end) as has_pr,
        max(case when response = 'SD' and is_after_sd_minimum then 1 else 0 end) as has_sd,
        max(case
            when response = 'NON-CR/NON-PD' and is_after_sd_minimum then 1 else 0
        end) as has_non_cr_non_pd,
        max(case when response = 'PD' then 1 else 0 end) as has_pd,
        max(case when is_confirmed_cr then 1 else 0 end) as has_confirmed_cr,
        max(case when is_confirmed_pr then 1 else 0 end) as has_confirmed_pr,
        max(case
            when
                response in ('CR', 'PR') and is_after_sd_minimum
                and not is_confirmed_cr and not is_confirmed_pr
                then 1
            else 0
        end) as has_unconfirmed_cr_pr_as_sd
    from flagged
    group by patient_key
),

derived as (
    select
        index_dates.patient_key,
        index_dates.center_id,
        coalesce(per_patient.n_assessments, 0) as n_assessments_considered,
        case
            when per_patient.has_cr = 1 then 'CR'
            when per_patient.has_pr = 1 then 'PR'
            when per_patient.has_sd = 1 then 'SD'
            when per_patient.has_non_cr_non_pd = 1 then 'NON-CR/NON-PD'
            when per_patient.has_pd = 1 then 'PD'
            when per_patient.n_assessments > 0 then 'NE'
            else 'MISSING'
        end as bor,
        case
            when per_patient.has_confirmed_cr = 1 then 'CR'
            when per_patient.has_confirmed_pr = 1 then 'PR'
            when per_patient.has_sd = 1 or per_patient.has_unconfirmed_cr_pr_as_sd = 1 then 'SD'
            when per_patient.has_non_cr_non_pd = 1 then 'NON-CR/NON-PD'
            when per_patient.has_pd = 1 then 'PD'
            when per_patient.n_assessments > 0 then 'NE'
            else 'MISSING'
        end as bor_confirmed
    from index_dates
    left join per_patient
        on index_dates.patient_key = per_patient.patient_key
    where index_dates.start_date is not null
),

final as (
    select
        *,
        bor in ('CR', 'PR') as is_responder,
        bor in ('CR', 'PR', 'SD', 'NON-CR/NON-PD') as is_disease_control,
        bor_confirmed in ('CR', 'PR') as is_confirmed_responder
    from derived
)

select * from final
