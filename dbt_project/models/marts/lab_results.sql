-- One row per lab value (long), in SI units, flagged when it is the patient's baseline.
with

labs as (
    select * from {{ ref('int_labs_converted') }}
),

index_dates as (
    select * from {{ ref('int_index_dates_derived') }}
),

baseline_rows as (
    select * from {{ ref('int_labs_baseline_selected') }}
),

final as (
    select
        labs.patient_key,
        labs.center_id,
        labs.sample_date,
        {{ days_between('index_dates.start_date', 'labs.sample_date') }} as sample_day,
        labs.test,
        labs.value_si as value,
        labs.unit_si as unit,
        labs.uln_si as uln,
        baseline_rows.record_id is not null as is_baseline,
        labs.test_source_value,
        labs.value_source_value,
        labs.unit_source_value,
        labs.conversion_factor,
        labs.is_unit_unmapped,
        labs.is_value_invalid,
        labs._source_file,
        labs._source_line
    from labs
    left join index_dates
        on labs.patient_key = index_dates.patient_key
    left join baseline_rows
        on labs.record_id = baseline_rows.record_id
)

select * from final
