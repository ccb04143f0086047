-- Data-quality findings of the harmonization (unmapped codes, invalid values, duplicates),
-- each pointing at the extract file and line; no local patient id.
with

findings as (
    select * from {{ ref('int_data_quality_issues_listed') }}
),

final as (
    select
        patient_key,
        center_id,
        table_name,
        column_name,
        source_value,
        issue,
        _source_file,
        _source_line
    from findings
)

select * from final
