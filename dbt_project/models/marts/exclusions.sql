-- Patients left out of the analysis dataset, one row each, with the reason.
with

exclusions as (
    select * from {{ ref('int_exclusions_derived') }}
),

final as (
    select
        patient_key,
        center_id,
        reason,
        _source_file,
        _source_line
    from exclusions
    where not is_analysable
)

select * from final
