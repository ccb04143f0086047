-- One row per adverse event (after exact de-duplication), CTCAE grade as an integer.
with

adverse_events as (
    select * from {{ ref('int_adverse_events_recoded') }}
),

index_dates as (
    select * from {{ ref('int_index_dates_derived') }}
),

final as (
    select
        adverse_events.patient_key,
        adverse_events.center_id,
        adverse_events.ae_term,
        adverse_events.grade,
        adverse_events.grade_source_value,
        adverse_events.grade >= 3 as is_grade3plus,
        adverse_events.onset_date,
        {{ days_between('index_dates.start_date', 'adverse_events.onset_date') }}
            as onset_day,
        {{ days_between('index_dates.start_date', 'index_dates.death_date') }} as death_day,
        adverse_events.led_to_discontinuation,
        adverse_events.led_to_discontinuation_source_value,
        adverse_events._source_file,
        adverse_events._source_line
    from adverse_events
    left join index_dates
        on adverse_events.patient_key = index_dates.patient_key
)

select * from final
