{#-
    The expected interval between two scheduled tumour assessments, in days, as SQL.
    var `assessment_interval_days` is either one number for every center or a mapping
    {center_id: days, ...} whose key `default` (or 56 days) serves the unlisted centers.
-#}
{% macro assessment_interval_days(center_id_column) -%}
    {%- set setting = var('assessment_interval_days') -%}
    {%- if setting is mapping -%}
    case {{ center_id_column }}
        {%- for center_id, days in setting.items() if center_id != 'default' %}
        when '{{ center_id }}' then {{ days }}
        {%- endfor %}
        else {{ setting.get('default', 56) }}
    end
    {%- else -%}
    {{ setting }}
    {%- endif -%}
{%- endmacro %}
