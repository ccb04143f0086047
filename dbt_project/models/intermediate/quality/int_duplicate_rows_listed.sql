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

{#- Copies are rare: rows are first narrowed to the contents seen more than once (by a
    hash of the content, macro content_hash: equal contents hash equal, a collision only adds
    candidates), so that only those are sorted. Patients keep every row: their first copies
    feed the conflicting duplicates below. #}
{% for entity in entities %}
{%- set content_columns = common_staging_columns(entity)
    | reject('in', ['_source_file', '_source_line']) | list %}
{%- if entity != 'patients' %}
{{ entity }}_hashed as (
    select
        *,
        {{ content_hash(content_columns) }} as content_hash
    from {{ ref('int_' ~ entity ~ '_unioned') }}
),

{{ entity }}_repeated as (
    select content_hash
    from {{ entity }}_hashed
    group by content_hash
    having count(*) > 1
),
{%- endif %}

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
    {%- if entity != 'patients' %}
    from {{ entity }}_hashed
    where content_hash in (select {{ entity }}_repeated.content_hash from {{ entity }}_repeated)
    {%- else %}
    from {{ ref('int_' ~ entity ~ '_unioned') }}
    {%- endif %}
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
