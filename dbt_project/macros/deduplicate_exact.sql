{#-
    Rows of `relation` with exact duplicates (same center, patient and content columns)
    collapsed to one; the lineage of the first copy is kept, the copies counted, and a
    `record_id` (hash of the content and lineage) identifies the row in later joins
    (center `wide` sends several records on one source line).
-#}
{% macro deduplicate_exact(relation, entity) -%}
    {%- set content_columns = common_staging_columns(entity)
        | reject('in', ['_source_file', '_source_line'])
        | list -%}
    {%- set hashed = [] -%}
    {%- for column in content_columns + ['min(_source_file)', 'min(_source_line)'] -%}
        {%- do hashed.append(
            "coalesce(cast(" ~ column ~ " as " ~ dbt.type_string() ~ "), '~')"
        ) -%}
    {%- endfor -%}
    select
        {%- for column in content_columns %}
        {{ column }},
        {%- endfor %}
        count(*) as n_identical_rows,
        min(_source_file) as _source_file,
        min(_source_line) as _source_line,
        {{ dbt.hash(hashed | join(" || '|' || ")) }} as record_id
    from {{ relation }}
    group by
        {%- for column in content_columns %}
        {{ column }}{{ "," if not loop.last }}
        {%- endfor %}
{%- endmacro %}
