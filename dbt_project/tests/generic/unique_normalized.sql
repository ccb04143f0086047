{#-
    Vocabulary keys stay unique after normalize_code() (case, accents, blanks), so that a
    look-up never fans out. `partition_by`: further key columns (e.g. the lab test of a unit).
-#}
{% test unique_normalized(model, column_name, partition_by=[]) %}

select
    {%- for column in partition_by %}
    {{ column }},
    {%- endfor %}
    {{ normalize_code(column_name) }} as normalized_value,
    count(*) as n_rows
from {{ model }}
group by
    {%- for column in partition_by %}
    {{ column }},
    {%- endfor %}
    {{ normalize_code(column_name) }}
having count(*) > 1

{% endtest %}
