{#-
    passes when none of `columns` holds a null; fails with one row per column that does,
    naming the column (`column_name`) and counting its null rows (`n_null_rows`).

    Why one test for many columns: dbt spends ~0.1 s of overhead on every node (compile,
    connection, artifacts) whatever the size of the data, and the per-column `not_null`
    tests of staging, intermediate and seeds were a third of the build's nodes. This test
    is one node per model instead of one per column, and reads the model once.
    (Marts enforce not_null through their contracts and do not use it.)
-#}
{% test not_null_columns(model, columns) %}

with null_counts as (
    select
        {%- for column in columns %}
        sum(case when {{ column }} is null then 1 else 0 end) as n_null_{{ loop.index }}
        {{- ',' if not loop.last }}
        {%- endfor %}
    from {{ model }}
),

per_column as (
    {%- for column in columns %}
    {%- if not loop.first %}
    union all
    {%- endif %}
    select
        '{{ column }}' as column_name,
        n_null_{{ loop.index }} as n_null_rows
    from null_counts
    {%- endfor %}
)

select
    column_name,
    n_null_rows
from per_column
where n_null_rows > 0

{% endtest %}
