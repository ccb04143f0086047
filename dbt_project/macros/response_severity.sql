{#-
    Rank of a canonical RECIST 1.1 overall response, worst first:
    PD (6) > NE (5) > NON-CR/NON-PD (4) > SD (3) > PR (2) > CR (1).
    Two assessments on the same date keep the higher rank (the worse response).
-#}
{% macro response_severity(response) -%}
    case {{ response }}
        when 'PD' then 6
        when 'NE' then 5
        when 'NON-CR/NON-PD' then 4
        when 'SD' then 3
        when 'PR' then 2
        when 'CR' then 1
    end
{%- endmacro %}
