{#-
    DuckDB-only: the comparison form of a free-text code before a vocabulary look-up:
    accents stripped, lower case, inner whitespace collapsed, trimmed; '' -> null.
    (strip_accents and the regexp flag are DuckDB's; Spark would use translate().)
-#}
{% macro normalize_code(expression) -%}
    nullif(trim(regexp_replace(lower(strip_accents({{ expression }})), '\s+', ' ', 'g')), '')
{%- endmacro %}
