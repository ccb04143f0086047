-- Tumour assessments recoded to canonical RECIST 1.1 codes, exact duplicates removed.
with

assessments as (
    select * from {{ ref('int_assessments_unioned') }}
),

crosswalk as (
    select * from {{ ref('int_patient_crosswalk') }}
),

responses as (
    select * from {{ ref('vocab_recist_responses') }}
),

deduplicated as (
    {{ deduplicate_exact('assessments', 'assessments') }}
),

final as (
    select
        crosswalk.patient_key,
        deduplicated.center_id,
        deduplicated.assessment_date,
        case
            when {{ normalize_code('deduplicated.response_source_value') }} is null then null
            else coalesce(responses.response, 'unmapped')
        end as response,
        deduplicated.response_source_value,
        deduplicated.n_identical_rows,
        deduplicated._source_file,
        deduplicated._source_line,
        deduplicated.record_id
    from deduplicated
    inner join crosswalk
        on
            deduplicated.center_id = crosswalk.center_id
            and deduplicated.source_patient_id = crosswalk.source_patient_id
    left join responses
        on
            {{ normalize_code('deduplicated.response_source_value') }}
            = {{ normalize_code('responses.source_value') }}
)

select * from final
