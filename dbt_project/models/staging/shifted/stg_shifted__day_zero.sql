-- Center `shifted` sends day offsets from the ICI start and the month of the ICI start only.
-- Day zero of each pseudonymised patient = the first day of that month (documented rule:
-- endpoints in days are unaffected; calendar dates are approximate by up to 30 days).
with

source as (
    select * from {{ source('shifted', 'patients') }}
),

renamed as (
    select
        trim(pseudo_id) as source_patient_id,
        min(
            {{ parse_date("trim(ici_start_month) || '-01'", ['%Y-%m-%d']) }}
        ) as day_zero,
        min(ici_start_month) as ici_start_month_source_value
    from source
    group by trim(pseudo_id)
)

select * from renamed
