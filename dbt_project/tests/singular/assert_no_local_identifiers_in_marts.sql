-- Privacy: no mart has a column holding a local patient id, a name or an exact birth date.
with

columns as (
    select
        table_name,
        column_name
    from information_schema.columns
    where table_schema = '{{ ref("analysis_dataset").schema }}'
),

final as (
    select *
    from columns
    where
        lower(column_name) like '%source_patient_id%'
        or lower(column_name) like '%birth%'
        or (
            lower(column_name) like '%name%'
            and lower(column_name) not in ('table_name', 'column_name')
        )
        or lower(column_name) in ('patient_id', 'ipp', 'pseudo_id', 'pat_no', 'patient_ref')
)

select * from final
