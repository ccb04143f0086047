{#- every key of `model` appears in exactly one of the listed relations -#}
{% test partitioned_by(model, column_name, relations) %}

with

universe as (
    select distinct {{ column_name }} as key_value from {{ model }}
),

{% for relation in relations %}
part_{{ loop.index }} as (
    select {{ column_name }} as key_value, count(*) as n_rows
    from {{ relation }}
    group by {{ column_name }}
),
{% endfor %}

counted as (
    select
        universe.key_value,
        0
        {%- for relation in relations %}
        + coalesce(part_{{ loop.index }}.n_rows, 0)
        {%- endfor %} as n_rows
    from universe
    {%- for relation in relations %}
    left join part_{{ loop.index }}
        on universe.key_value = part_{{ loop.index }}.key_value
    {%- endfor %}
)

select * from counted where n_rows != 1

{% endtest %}
