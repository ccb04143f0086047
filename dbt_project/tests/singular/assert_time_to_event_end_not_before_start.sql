-- Temporal plausibility: every end date is on or after its start date, and days agree.
with

time_to_event as (
    select * from {{ ref('patient_time_to_event') }}
),

final as (
    select *
    from time_to_event
    where
        end_date < start_date
        or days != {{ days_between('start_date', 'end_date') }} + 1
)

select * from final
