-- Every dropped copy of an exact duplicate row, and every row of a patient id sent with
-- different contents (conflicting duplicate), each with its file and line.
{%- set entities = ['patients', 'treatments', 'labs', 'assessments', 'adverse_events'] %}
with

crosswalk as (
    select * from {{ ref('int_patient_crosswalk') }}
),

patients_deduplicated as (
    select * from {{ ref('int_patients_deduplicated') }}
),

{% for entity in entities %}
{%- set content_columns = common_staging_columns(entity)
    | reject('in', ['_source_file', '_source_line']) | list %}
{{ entity }}_copies as (
    select
        center_id,
        source_patient_id,
        '{{ entity }}' as table_name,
        _source_file,
        _source_line,
        row_number() over (
            partition by {{ content_columns | join(', ') }}
            order by _source_file, _source_line
        ) as copy_rank
    from {{ ref('int_' ~ entity ~ '_unioned') }}
),

{% endfor %}
copies as (
    {%- for entity in entities %}
    select
        center_id,
        source_patient_id,
        table_name,
        _source_file,
        _source_line,
        'duplicate_row' as issue
    from {{ entity }}_copies
    where copy_rank > 1
    union all
    {%- endfor %}
    select
        patients_copies.center_id,
        patients_copies.source_patient_id,
        patients_copies.table_name,
        patients_copies._source_file,
        patients_copies._source_line,
        'conflicting_duplicate_patient' as issue
    from patients_copies
    inner join patients_deduplicated
        on
            patients_copies.center_id = patients_deduplicated.center_id
            and patients_copies.source_patient_id = patients_deduplicated.source_patient_id
    where
        patients_copies.copy_rank = 1
        and patients_deduplicated.is_conflicting_duplicate
),

final as (
    select
        crosswalk.patient_key,
        copies.center_id,
        copies.table_name,
        copies._source_file,
        copies._source_line,
        copies.issue
    from copies
    left join crosswalk
        on
            copies.center_id = crosswalk.center_id
            and copies.source_patient_id = crosswalk.source_patient_id
)

select * from final
