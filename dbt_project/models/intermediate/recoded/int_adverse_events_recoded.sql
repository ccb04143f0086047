-- Adverse events recoded (CTCAE grade, discontinuation flag), exact duplicates removed.
with

adverse_events as (
    select * from {{ ref('int_adverse_events_unioned') }}
),

crosswalk as (
    select * from {{ ref('int_patient_crosswalk') }}
),

grades as (
    select * from {{ ref('vocab_ctcae_grades') }}
),

yes_no as (
    select * from {{ ref('vocab_yes_no') }}
),

deduplicated as (
    {{ deduplicate_exact('adverse_events', 'adverse_events') }}
),

final as (
    select
        crosswalk.patient_key,
        deduplicated.center_id,
        deduplicated.ae_term_source_value as ae_term,
        grades.grade,
        deduplicated.grade_source_value,
        {{ normalize_code('deduplicated.grade_source_value') }} is not null
        and grades.grade is null as is_grade_unmapped,
        deduplicated.onset_date,
        yes_no.value as led_to_discontinuation,
        deduplicated.led_to_discontinuation_source_value,
        {{ normalize_code('deduplicated.led_to_discontinuation_source_value') }} is not null
        and yes_no.value is null as is_led_to_discontinuation_unmapped,
        deduplicated.n_identical_rows,
        deduplicated._source_file,
        deduplicated._source_line,
        deduplicated.record_id
    from deduplicated
    inner join crosswalk
        on
            deduplicated.center_id = crosswalk.center_id
            and deduplicated.source_patient_id = crosswalk.source_patient_id
    left join grades
        on
            {{ normalize_code('deduplicated.grade_source_value') }}
            = {{ normalize_code('grades.source_value') }}
    left join yes_no
        on
            {{ normalize_code('deduplicated.led_to_discontinuation_source_value') }}
            = {{ normalize_code('yes_no.source_value') }}
)

select * from final
