-- Center `wide`: adverse-event groups ae_<k>_* unpivoted to one row per event.
{%- set groups = wide_group_indexes(source('wide', 'patients'), 'ae') %}
with

source as (
    select * from {{ source('wide', 'patients') }}
),

unpivoted as (
    {%- for k in groups %}
    select
        'wide' as center_id,
        trim(patient_ref) as source_patient_id,
        ae_{{ k }}_term as ae_term_source_value,
        ae_{{ k }}_grade as grade_source_value,
        {{ parse_timestamp_date('ae_' ~ k ~ '_date') }} as onset_date,
        ae_{{ k }}_date as onset_date_source_value,
        ae_{{ k }}_stopped_treatment as led_to_discontinuation_source_value,
        _source_file,
        cast(_source_line as {{ dbt.type_bigint() }}) as _source_line,
        {{ k }} as group_index
    from source
    where nullif(trim(ae_{{ k }}_term), '') is not null
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
)

select * from unpivoted
