-- Best overall response per analysable patient (RECIST 1.1, unconfirmed and confirmed).
with

bor as (
    select * from {{ ref('int_bor_derived') }}
),

exclusions as (
    select * from {{ ref('int_exclusions_derived') }}
),

final as (
    select
        bor.patient_key,
        bor.center_id,
        bor.n_assessments_considered,
        bor.bor,
        bor.bor_confirmed,
        bor.is_responder,
        bor.is_disease_control,
        bor.is_confirmed_responder
    from bor
    inner join exclusions
        on bor.patient_key = exclusions.patient_key
    where exclusions.is_analysable
)

select * from final
