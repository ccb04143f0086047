-- Center `wide`: lab groups lab_<k>_* unpivoted to one row per sample and test.
-- Neutrophils and lymphocytes are sent as % of WBC: converted here to absolute counts
-- (10^9/L) = WBC x pct / 100; the percentage stays in value_source_value ('<pct> % of WBC').
{%- set groups = wide_group_indexes(source('wide', 'patients'), 'lab') %}
{%- set tests = [
    ('wbc', 'wbc', '10^9/L'),
    ('neutrophils_pct', 'neutrophils', '10^9/L'),
    ('lymphocytes_pct', 'lymphocytes', '10^9/L'),
    ('ldh', 'ldh', 'U/L'),
    ('albumin', 'albumin', 'g/L'),
] %}
with

source as (
    select * from {{ source('wide', 'patients') }}
),

unpivoted as (
    {%- for k in groups %}
    {%- set outer_loop = loop %}
    {%- for field, test, unit in tests %}
    {%- set column = 'lab_' ~ k ~ '_' ~ field %}
    select
        'wide' as center_id,
        trim(patient_ref) as source_patient_id,
        {{ parse_timestamp_date('lab_' ~ k ~ '_date') }} as sample_date,
        lab_{{ k }}_date as sample_date_source_value,
        '{{ test }}' as test_source_value,
        {%- if field.endswith('_pct') %}
        {{ column }} || ' % of WBC' as value_source_value,
        {{ parse_number('lab_' ~ k ~ '_wbc') }} * {{ parse_number(column) }} / 100
            as value_as_number,
        {%- else %}
        {{ column }} as value_source_value,
        {{ parse_number(column) }} as value_as_number,
        {%- endif %}
        '{{ unit }}' as unit_source_value,
        {%- if test == 'ldh' %}
        {{ parse_number('ldh_uln') }} as uln_as_number,
        {%- else %}
        cast(null as {{ type_double() }}) as uln_as_number,
        {%- endif %}
        _source_file,
        cast(_source_line as {{ dbt.type_bigint() }}) as _source_line,
        {{ k }} as group_index
    from source
    where nullif(trim({{ column }}), '') is not null
    {%- if not (outer_loop.last and loop.last) %}
    union all
    {%- endif %}
    {%- endfor %}
    {%- endfor %}
)

select * from unpivoted
