-- Center `wide`: assessment groups eval_<k>_* unpivoted to one row per assessment.
{%- set groups = wide_group_indexes(source('wide', 'patients'), 'eval') %}
with

source as (
    select * from {{ source('wide', 'patients') }}
),

unpivoted as (
    {%- for k in groups %}
    select
        'wide' as center_id,
        trim(patient_ref) as source_patient_id,
        {{ parse_timestamp_date('eval_' ~ k ~ '_date') }} as assessment_date,
        eval_{{ k }}_date as assessment_date_source_value,
        eval_{{ k }}_recist as response_source_value,
        _source_file,
        cast(_source_line as {{ dbt.type_bigint() }}) as _source_line,
        {{ k }} as group_index
    from source
    where
        nullif(trim(eval_{{ k }}_date), '') is not null
        or nullif(trim(eval_{{ k }}_recist), '') is not null
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
)

select * from unpivoted
