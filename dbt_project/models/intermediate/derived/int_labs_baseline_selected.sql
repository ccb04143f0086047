-- Baseline lab per patient and test: the last value sampled in [start - 30 d, start].
with

labs as (
    select * from {{ ref('int_labs_converted') }}
),

index_dates as (
    select * from {{ ref('int_index_dates_derived') }}
),

in_window as (
    select
        labs.patient_key,
        labs.test,
        labs.sample_date,
        labs.value_si,
        labs.uln_si,
        labs._source_file,
        labs._source_line,
        labs.record_id,
        row_number() over (
            partition by labs.patient_key, labs.test
            order by labs.sample_date desc, labs._source_file desc, labs._source_line desc
        ) as recency
    from labs
    inner join index_dates
        on labs.patient_key = index_dates.patient_key
    where
        index_dates.start_date is not null
        and labs.value_si is not null
        and labs.test in ('wbc', 'anc', 'alc', 'ldh', 'albumin')
        and labs.sample_date <= index_dates.start_date
        and labs.sample_date >= {{ dbt.dateadd(
            'day', '-1 * ' ~ var('baseline_lab_window_days'), 'index_dates.start_date'
        ) }}
),

final as (
    select
        patient_key,
        test,
        sample_date,
        value_si,
        uln_si,
        record_id,
        _source_file,
        _source_line
    from in_window
    where recency = 1
)

select * from final
