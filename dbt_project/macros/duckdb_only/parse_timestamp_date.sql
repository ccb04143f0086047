{#-
    DuckDB-only: the date part of a text timestamp or date as written by the loaders
    ('YYYY-MM-DD HH:MM:SS', 'YYYY-MM-DDTHH:MM:SS', 'YYYY-MM-DD'), or of an Excel date serial
    number (days since 1899-12-30) when a loader hands the raw cell value over.
-#}
{% macro parse_timestamp_date(expression) -%}
    coalesce(
        {{ parse_date(expression, ['%Y-%m-%d %H:%M:%S', '%Y-%m-%dT%H:%M:%S', '%Y-%m-%d']) }},
        {{ excel_serial_date(expression) }}
    )
{%- endmacro %}
