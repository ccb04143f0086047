{#-
    DuckDB-only: parse a text date written in one of several formats (first match wins).
    `formats` are strptime patterns, e.g. ['%Y-%m-%d', '%d/%m/%Y']. Unparseable -> null.
    A dbt-spark port replaces try_strptime with coalesce(to_date(expr, fmt), ...).
-#}
{% macro parse_date(expression, formats=['%Y-%m-%d']) -%}
    {%- if formats | length == 1 -%}
    cast(try_strptime(nullif(trim({{ expression }}), ''), '{{ formats[0] }}') as date)
    {%- else -%}
    coalesce(
        {%- for fmt in formats %}
        cast(try_strptime(nullif(trim({{ expression }}), ''), '{{ fmt }}') as date)
        {{- "," if not loop.last }}
        {%- endfor %}
    )
    {%- endif -%}
{%- endmacro %}
