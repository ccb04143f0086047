-- Lab values recoded to the study's tests and converted to SI units (factor from vocab).
with

labs as (
    select * from {{ ref('int_labs_unioned') }}
),

crosswalk as (
    select * from {{ ref('int_patient_crosswalk') }}
),

lab_tests as (
    select * from {{ ref('vocab_lab_tests') }}
),

lab_units as (
    select * from {{ ref('vocab_lab_units') }}
),

deduplicated as (
    {{ deduplicate_exact('labs', 'labs') }}
),

tested as (
    select
        deduplicated.*,
        case
            when {{ normalize_code('deduplicated.test_source_value') }} is null then null
            else coalesce(lab_tests.test, 'unmapped')
        end as test
    from deduplicated
    left join lab_tests
        on
            {{ normalize_code('deduplicated.test_source_value') }}
            = {{ normalize_code('lab_tests.source_value') }}
),

final as (
    select
        crosswalk.patient_key,
        tested.center_id,
        tested.sample_date,
        tested.test,
        tested.test_source_value,
        tested.value_as_number * lab_units.factor as value_si,
        lab_units.si_unit as unit_si,
        tested.uln_as_number * lab_units.factor as uln_si,
        tested.value_source_value,
        tested.unit_source_value,
        tested.value_as_number as value_source_number,
        lab_units.factor as conversion_factor,
        tested.test not in ('unmapped') and lab_units.factor is null as is_unit_unmapped,
        {{ normalize_code('tested.value_source_value') }} is not null
        and tested.value_as_number is null as is_value_invalid,
        tested.n_identical_rows,
        tested._source_file,
        tested._source_line,
        tested.record_id
    from tested
    inner join crosswalk
        on
            tested.center_id = crosswalk.center_id
            and tested.source_patient_id = crosswalk.source_patient_id
    left join lab_units
        on
            tested.test = lab_units.test
            and {{ normalize_code('tested.unit_source_value') }}
            = {{ normalize_code('lab_units.source_unit') }}
)

select * from final
