-- Treatment rows recoded (drug -> INN, ATC, class; stop reason), exact duplicates removed.
with

treatments as (
    select * from {{ ref('int_treatments_unioned') }}
),

crosswalk as (
    select * from {{ ref('int_patient_crosswalk') }}
),

drug_synonyms as (
    select * from {{ ref('vocab_drug_synonyms') }}
),

drugs as (
    select * from {{ ref('vocab_drugs') }}
),

stop_reasons as (
    select * from {{ ref('vocab_stop_reasons') }}
),

deduplicated as (
    {{ deduplicate_exact('treatments', 'treatments') }}
),

final as (
    select
        crosswalk.patient_key,
        deduplicated.center_id,
        case
            when {{ normalize_code('deduplicated.drug_source_value') }} is null then null
            else coalesce(drugs.drug, 'unmapped')
        end as drug,
        drugs.atc_code,
        coalesce(drugs.drug_class, 'unmapped') as drug_class,
        coalesce(drugs.is_ici, false) as is_ici,
        deduplicated.drug_source_value,
        deduplicated.start_date,
        deduplicated.end_date,
        case
            when {{ normalize_code('deduplicated.stop_reason_source_value') }} is null then null
            else coalesce(stop_reasons.stop_reason, 'unmapped')
        end as stop_reason,
        deduplicated.stop_reason_source_value,
        deduplicated.n_identical_rows,
        deduplicated._source_file,
        deduplicated._source_line,
        deduplicated.record_id
    from deduplicated
    inner join crosswalk
        on
            deduplicated.center_id = crosswalk.center_id
            and deduplicated.source_patient_id = crosswalk.source_patient_id
    left join drug_synonyms
        on
            {{ normalize_code('deduplicated.drug_source_value') }}
            = {{ normalize_code('drug_synonyms.source_value') }}
    left join drugs
        on drug_synonyms.drug = drugs.drug
    left join stop_reasons
        on
            {{ normalize_code('deduplicated.stop_reason_source_value') }}
            = {{ normalize_code('stop_reasons.source_value') }}
)

select * from final
