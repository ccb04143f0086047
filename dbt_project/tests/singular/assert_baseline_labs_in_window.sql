-- Baseline window: a baseline lab is sampled 0 to 30 days before the ICI start, and there
-- is at most one baseline value per patient and test.
with

labs as (
    select * from {{ ref('lab_results') }}
),

outside_window as (
    select
        patient_key,
        test,
        'outside_window' as problem
    from labs
    where
        is_baseline
        and (sample_day > 0 or sample_day < -{{ var('baseline_lab_window_days') }})
),

several as (
    select
        patient_key,
        test,
        'several_baselines' as problem
    from labs
    where is_baseline
    group by patient_key, test
    having count(*) > 1
),

final as (
    select * from outside_window
    union all
    select * from several
)

select * from final
