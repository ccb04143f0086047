{#-
    DuckDB-only: dbt's cross-database safe_cast falls back on a plain cast on DuckDB (an
    unparseable text fails the model); DuckDB's try_cast returns null instead, like Spark's
    cast (non-ANSI mode) and Snowflake's try_cast. Picked up by dbt.safe_cast() on DuckDB.
-#}
{% macro duckdb__safe_cast(field, type) -%}
    try_cast({{ field }} as {{ type }})
{%- endmacro %}
