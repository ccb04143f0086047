{#-
    DuckDB-only: the fields of the row with the greatest `order_by` key, per group, as one
    struct (one hash aggregate; a row_number() window sorts every row instead). `fields` and
    `order_by` map struct field names to expressions; the key compares field by field, in the
    order given. Spark: max_by(named_struct(...), named_struct(...)).
-#}
{% macro latest_record(fields, order_by) -%}
    arg_max(
        {{ _struct_literal(fields) }},
        {{ _struct_literal(order_by) }}
    )
{%- endmacro %}

{#-
    DuckDB-only: a hash of several columns, to narrow rows to candidate duplicates before a
    sort (equal contents hash equal; a collision only adds a candidate). Spark: hash(...).
-#}
{% macro content_hash(columns) -%}
    hash({{ columns | join(', ') }})
{%- endmacro %}

{% macro _struct_literal(mapping) -%}
    { {%- for name, expression in mapping.items() %}
        '{{ name }}': {{ expression }}{{ "," if not loop.last }}
    {%- endfor %} }
{%- endmacro %}
