{#-
    A text number as a double: surrounding blanks removed, a decimal comma read as a point
    (French exports), anything else unparseable -> null. Cross-database.
-#}
{% macro parse_number(expression) -%}
    {{ dbt.safe_cast("replace(trim(" ~ expression ~ "), ',', '.')", type_double()) }}
{%- endmacro %}

{#- a text integer (e.g. '2', ' 2 ', '2.0' is rejected) -> integer; else null -#}
{% macro parse_integer(expression) -%}
    {{ dbt.safe_cast("trim(" ~ expression ~ ")", dbt.type_int()) }}
{%- endmacro %}
