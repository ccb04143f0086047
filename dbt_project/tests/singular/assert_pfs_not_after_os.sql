-- Temporal plausibility: the PFS end date is never after the OS end date (death or the last
-- date the patient was known alive).
with

time_to_event as (
    select * from {{ ref('patient_time_to_event') }}
),

pfs as (
    select * from time_to_event
    where parameter = 'PFS'
),

os as (
    select * from time_to_event
    where parameter = 'OS'
),

final as (
    select
        pfs.patient_key,
        pfs.end_date as pfs_end_date,
        os.end_date as os_end_date
    from pfs
    inner join os
        on pfs.patient_key = os.patient_key
    where pfs.end_date > os.end_date
)

select * from final
