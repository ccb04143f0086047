{#-
    A text field trimmed, with the missing-value markers of a center read as null
    (default: the empty string only). Cross-database.
-#}
{% macro clean_text(expression, missing_markers=[]) -%}
    case
        when trim({{ expression }}) = '' then null
        {%- if missing_markers %}
        when lower(trim({{ expression }})) in (
            {%- for marker in missing_markers -%}
            '{{ marker | lower }}'{{ ", " if not loop.last }}
            {%- endfor -%}
        ) then null
        {%- endif %}
        else trim({{ expression }})
    end
{%- endmacro %}

{#- an integer cell read as text ('40123456' or '40123456.0') -> '40123456' -#}
{% macro integer_cell_text(expression) -%}
    case
        when trim({{ expression }}) like '%.0'
            then {{ dbt.safe_cast(
                dbt.safe_cast(
                    dbt.safe_cast('trim(' ~ expression ~ ')', type_double()),
                    dbt.type_bigint(),
                ),
                dbt.type_string(),
            ) }}
        else nullif(trim({{ expression }}), '')
    end
{%- endmacro %}
