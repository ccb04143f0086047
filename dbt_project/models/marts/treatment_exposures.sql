-- One row per drug of the ICI regimen, recoded, with days relative to the ICI start.
with

treatments as (
    select * from {{ ref('int_treatments_recoded') }}
),

index_dates as (
    select * from {{ ref('int_index_dates_derived') }}
),

final as (
    select
        treatments.patient_key,
        treatments.center_id,
        treatments.drug,
        treatments.atc_code,
        treatments.drug_class,
        treatments.is_ici,
        treatments.drug_source_value,
        treatments.start_date,
        treatments.end_date,
        {{ days_between('index_dates.start_date', 'treatments.start_date') }}
            as start_day,
        {{ days_between('index_dates.start_date', 'treatments.end_date') }}
            as end_day,
        treatments.stop_reason,
        treatments.stop_reason_source_value,
        treatments._source_file,
        treatments._source_line
    from treatments
    left join index_dates
        on treatments.patient_key = index_dates.patient_key
)

select * from final
