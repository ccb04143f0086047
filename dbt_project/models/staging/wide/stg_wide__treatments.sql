-- Center `wide`: treatment groups trt_<k>_* unpivoted to one row per drug.
{%- set groups = wide_group_indexes(source('wide', 'patients'), 'trt') %}
with

source as (
    select * from {{ source('wide', 'patients') }}
),

unpivoted as (
    {%- for k in groups %}
    select
        'wide' as center_id,
        trim(patient_ref) as source_patient_id,
        trt_{{ k }}_drug as drug_source_value,
        {{ parse_timestamp_date('trt_' ~ k ~ '_start') }} as start_date,
        trt_{{ k }}_start as start_date_source_value,
        {{ parse_timestamp_date('trt_' ~ k ~ '_end') }} as end_date,
        trt_{{ k }}_end as end_date_source_value,
        trt_{{ k }}_stop_reason as stop_reason_source_value,
        _source_file,
        cast(_source_line as {{ dbt.type_bigint() }}) as _source_line,
        {{ k }} as group_index
    from source
    where nullif(trim(trt_{{ k }}_drug), '') is not null
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
)

select * from unpivoted
