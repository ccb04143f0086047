{#- whole days from `start_date` to `end_date` (end - start), cross-database -#}
{% macro days_between(start_date, end_date) -%}
    {{ dbt.datediff(start_date, end_date, 'day') }}
{%- endmacro %}
