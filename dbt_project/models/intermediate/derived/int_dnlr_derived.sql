-- Baseline blood counts per patient and the derived dNLR, LDH > ULN and LIPI group.
with

baseline as (
    select * from {{ ref('int_labs_baseline_selected') }}
),

index_dates as (
    select * from {{ ref('int_index_dates_derived') }}
),

pivoted as (
    select
        patient_key,
        max(case when test = 'wbc' then value_si end) as wbc,
        max(case when test = 'anc' then value_si end) as anc,
        max(case when test = 'alc' then value_si end) as alc,
        max(case when test = 'ldh' then value_si end) as ldh,
        max(case when test = 'ldh' then uln_si end) as ldh_uln,
        max(case when test = 'albumin' then value_si end) as albumin
    from baseline
    group by patient_key
),

derived as (
    select
        index_dates.patient_key,
        index_dates.center_id,
        pivoted.wbc,
        pivoted.anc,
        pivoted.alc,
        pivoted.ldh,
        pivoted.ldh_uln,
        pivoted.albumin,
        case
            when pivoted.wbc - pivoted.anc > 0
                then pivoted.anc / (pivoted.wbc - pivoted.anc)
        end as dnlr,
        case
            when pivoted.ldh is not null and pivoted.ldh_uln is not null
                then pivoted.ldh > pivoted.ldh_uln
        end as ldh_above_uln
    from index_dates
    left join pivoted
        on index_dates.patient_key = pivoted.patient_key
    where index_dates.start_date is not null
),

final as (
    select
        *,
        dnlr > {{ var('dnlr_threshold') }} as dnlr_high,
        case
            when dnlr is null or ldh_above_uln is null then null
            when dnlr > {{ var('dnlr_threshold') }} and ldh_above_uln then 'poor'
            when dnlr > {{ var('dnlr_threshold') }} or ldh_above_uln then 'intermediate'
            else 'good'
        end as lipi_group
    from derived
)

select * from final
