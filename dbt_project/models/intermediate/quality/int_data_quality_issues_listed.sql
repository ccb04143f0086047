-- Data-quality findings of the harmonization, each pointing at a file and line.
with

unmapped as (
    select * from {{ ref('int_unmapped_codes_listed') }}
),

patients as (
    select * from {{ ref('int_patients_recoded') }}
),

labs as (
    select * from {{ ref('int_labs_converted') }}
),

duplicates as (
    select * from {{ ref('int_duplicate_rows_listed') }}
),

dnlr as (
    select * from {{ ref('int_dnlr_derived') }}
),

findings as (
    select
        patient_key,
        center_id,
        table_name,
        column_name,
        source_value,
        'unmapped_code' as issue,
        _source_file,
        _source_line
    from unmapped
    union all
    select
        patient_key,
        center_id,
        'patients' as table_name,
        'ecog_ps' as column_name,
        ecog_ps_source_value as source_value,
        'invalid_value' as issue,
        _source_file,
        _source_line
    from patients
    where is_ecog_ps_invalid
    union all
    select
        patient_key,
        center_id,
        'patients' as table_name,
        'prior_lines' as column_name,
        prior_lines_source_value as source_value,
        'invalid_value' as issue,
        _source_file,
        _source_line
    from patients
    where is_prior_lines_invalid
    union all
    select
        patient_key,
        center_id,
        table_name,
        cast(null as {{ dbt.type_string() }}) as column_name,
        cast(null as {{ dbt.type_string() }}) as source_value,
        issue,
        _source_file,
        _source_line
    from duplicates
    union all
    select
        patient_key,
        center_id,
        'labs' as table_name,
        'value' as column_name,
        value_source_value as source_value,
        'invalid_value' as issue,
        _source_file,
        _source_line
    from labs
    where is_value_invalid
    union all
    select
        dnlr.patient_key,
        dnlr.center_id,
        'labs' as table_name,
        case
            when dnlr.wbc is null and dnlr.anc is null then 'wbc, anc'
            when dnlr.wbc is null then 'wbc'
            else 'anc'
        end as column_name,
        cast(null as {{ dbt.type_string() }}) as source_value,
        'missing_baseline_labs' as issue,
        patients._source_file,
        patients._source_line
    from dnlr
    inner join patients
        on dnlr.patient_key = patients.patient_key
    where dnlr.wbc is null or dnlr.anc is null
),

final as (
    select * from findings
)

select * from final
