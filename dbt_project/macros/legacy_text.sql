{#- center `legacy`: a text field trimmed, its missing markers ('NA', '?', 'inconnu') null -#}
{% macro legacy_text(column) -%}
    {{ clean_text(column, var('legacy_missing_markers')) }}
{%- endmacro %}

{#- center `legacy`: a date in any of its three formats (dd/mm/yyyy, ISO, dd-Mon-yyyy) -#}
{% macro legacy_date(column) -%}
    {{ parse_date(legacy_text(column), ['%d/%m/%Y', '%Y-%m-%d', '%d-%b-%Y']) }}
{%- endmacro %}
