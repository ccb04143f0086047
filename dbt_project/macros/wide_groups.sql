{#-
    Center `wide` repeats column groups `<prefix>_<k>_<field>` for k = 1..K, K depending on
    the extract. Returns the sorted list of k present in `relation` for `prefix`, read from
    the database at execution time ([1] while parsing, so that the SQL still compiles).
-#}
{% macro wide_group_indexes(relation, prefix) -%}
    {%- if not execute -%}
        {{- return([1]) -}}
    {%- endif -%}
    {%- set found = [] -%}
    {%- for column in adapter.get_columns_in_relation(relation) -%}
        {%- set parts = column.name.split('_') -%}
        {%- if parts | length >= 3 and parts[0] == prefix and parts[1].isdigit() -%}
            {%- if parts[1] | int not in found -%}
                {%- do found.append(parts[1] | int) -%}
            {%- endif -%}
        {%- endif -%}
    {%- endfor -%}
    {{- return(found | sort) -}}
{%- endmacro %}
