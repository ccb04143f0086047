-- Pseudonymisation: patient_key is the HMAC of "<center_id>:<source_patient_id>" (recomputed
-- here through the macro) and never collides.
with

crosswalk as (
    select * from {{ ref('int_patient_crosswalk') }}
),

recomputed as (
    select
        patient_key,
        {{ pseudonymize('center_id', 'source_patient_id') }} as recomputed_key
    from crosswalk
),

collisions as (
    select patient_key
    from crosswalk
    group by patient_key
    having count(*) > 1
),

final as (
    select patient_key from recomputed
    where patient_key != recomputed_key
    union all
    select patient_key from collisions
)

select * from final
