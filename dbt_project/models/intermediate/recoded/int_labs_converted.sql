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

-- codes are normalized once per distinct code, not per row (regular expressions are the
-- costly part of this model at scale), then joined back on the code as written
test_codes as (
    select
        codes.test_source_value,
        case
            when codes.normalized_code is null then null
            else coalesce(lab_tests.test, 'unmapped')
        end as test
    from (
        select distinct
            labs.test_source_value,
            {{ normalize_code('labs.test_source_value') }} as normalized_code
        from labs
    ) as codes
    left join lab_tests
        on codes.normalized_code = {{ normalize_code('lab_tests.source_value') }}
),

unit_codes as (
    select distinct
        labs.unit_source_value,
        {{ normalize_code('labs.unit_source_value') }} as normalized_code
    from labs
),

tested as (
    select
        deduplicated.*,
        test_codes.test,
        unit_codes.normalized_code as unit_code
    from deduplicated
    left join test_codes
        on deduplicated.test_source_value = test_codes.test_source_value
    left join unit_codes
        on deduplicated.unit_source_value = unit_codes.unit_source_value
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
        -- (a case, so that only the rows without a number have their text normalized)
        case
            when tested.value_as_number is not null then false
            else {{ normalize_code('tested.value_source_value') }} is not null
        end as is_value_invalid,
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
            and tested.unit_code = {{ normalize_code('lab_units.source_unit') }}
)

select * from final
