{#-
    A 64-bit floating point type. dbt.type_float() is 32-bit on DuckDB (FLOAT), which would
    round lab values (7.45 -> 7.4499998) and months; every double of the project uses this.
-#}
{% macro type_double() -%}
    {{ return(adapter.dispatch('type_double')()) }}
{%- endmacro %}

{% macro default__type_double() -%}
    double precision
{%- endmacro %}

{% macro duckdb__type_double() -%}
    double
{%- endmacro %}

{% macro spark__type_double() -%}
    double
{%- endmacro %}
