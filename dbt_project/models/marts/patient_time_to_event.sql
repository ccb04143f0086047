-- Time-to-event endpoints, long: one row per analysable patient and parameter.
-- PFS and OS are the study's endpoints; PFS_SENS is the sensitivity variant of PFS.
with

pfs as (
    select * from {{ ref('int_pfs_derived') }}
),

os as (
    select * from {{ ref('int_os_derived') }}
),

exclusions as (
    select * from {{ ref('int_exclusions_derived') }}
),

stacked as (
    select
        patient_key,
        center_id,
        'PFS' as parameter,
        start_date,
        end_date,
        days,
        months,
        is_event,
        event_or_censor_reason,
        end_date_source_table,
        end_date_source_column,
        end_date_source_file,
        end_date_source_line
    from pfs
    union all
    select
        patient_key,
        center_id,
        'PFS_SENS' as parameter,
        start_date,
        sens_end_date,
        sens_days,
        sens_months,
        sens_is_event,
        sens_event_or_censor_reason,
        sens_end_date_source_table,
        sens_end_date_source_column,
        sens_end_date_source_file,
        sens_end_date_source_line
    from pfs
    union all
    select
        patient_key,
        center_id,
        'OS' as parameter,
        start_date,
        end_date,
        days,
        months,
        is_event,
        event_or_censor_reason,
        end_date_source_table,
        end_date_source_column,
        end_date_source_file,
        end_date_source_line
    from os
),

final as (
    select stacked.*
    from stacked
    inner join exclusions
        on stacked.patient_key = exclusions.patient_key
    where exclusions.is_analysable
)

select * from final
