-- One row per patient: exact duplicate rows removed, conflicting duplicates flagged.
{%- set content_columns = common_staging_columns('patients')
    | reject('in', ['center_id', 'source_patient_id', '_source_file', '_source_line'])
    | list %}
with

patients as (
    select * from {{ ref('int_patients_unioned') }}
),

crosswalk as (
    select * from {{ ref('int_patient_crosswalk') }}
),

-- one row per distinct content of a patient; exact duplicates collapse here
versions as (
    select
        center_id,
        source_patient_id,
        {%- for column in content_columns %}
        {{ column }},
        {%- endfor %}
        count(*) as n_identical_rows,
        min(_source_file) as _source_file,
        min(_source_line) as _source_line
    from patients
    where source_patient_id is not null and source_patient_id != ''
    group by
        center_id,
        source_patient_id,
        {{ content_columns | join(',\n        ') }}
),

counted as (
    select
        *,
        count(*) over (partition by center_id, source_patient_id) as n_versions,
        cast(sum(n_identical_rows) over (
            partition by center_id, source_patient_id
        ) as {{ dbt.type_bigint() }}) as n_source_rows,
        row_number() over (
            partition by center_id, source_patient_id
            order by _source_file, _source_line
        ) as version_rank
    from versions
),

final as (
    select
        crosswalk.patient_key,
        counted.center_id,
        counted.source_patient_id,
        {%- for column in content_columns %}
        counted.{{ column }},
        {%- endfor %}
        counted.n_source_rows,
        counted.n_versions,
        counted.n_versions > 1 as is_conflicting_duplicate,
        counted._source_file,
        counted._source_line
    from counted
    inner join crosswalk
        on
            counted.center_id = crosswalk.center_id
            and counted.source_patient_id = crosswalk.source_patient_id
    where counted.version_rank = 1
)

select * from final
