-- The pseudonymisation crosswalk: patient_key <-> (center_id, source_patient_id).
-- Internal: lives in schema `intermediate`, never published in the marts.
with

patients as (
    select
        center_id,
        source_patient_id
    from {{ ref('int_patients_unioned') }}
),

treatments as (
    select
        center_id,
        source_patient_id
    from {{ ref('int_treatments_unioned') }}
),

labs as (
    select
        center_id,
        source_patient_id
    from {{ ref('int_labs_unioned') }}
),

assessments as (
    select
        center_id,
        source_patient_id
    from {{ ref('int_assessments_unioned') }}
),

adverse_events as (
    select
        center_id,
        source_patient_id
    from {{ ref('int_adverse_events_unioned') }}
),

all_ids as (
    select
        center_id,
        source_patient_id,
        1 as in_patients
    from patients
    union all
    select
        center_id,
        source_patient_id,
        0 as in_patients
    from treatments
    union all
    select
        center_id,
        source_patient_id,
        0 as in_patients
    from labs
    union all
    select
        center_id,
        source_patient_id,
        0 as in_patients
    from assessments
    union all
    select
        center_id,
        source_patient_id,
        0 as in_patients
    from adverse_events
),

distinct_ids as (
    select
        center_id,
        source_patient_id,
        max(in_patients) = 1 as is_in_patients_table
    from all_ids
    where source_patient_id is not null and source_patient_id != ''
    group by center_id, source_patient_id
),

final as (
    select
        {{ pseudonymize('center_id', 'source_patient_id') }} as patient_key,
        center_id,
        source_patient_id,
        is_in_patients_table
    from distinct_ids
)

select * from final
