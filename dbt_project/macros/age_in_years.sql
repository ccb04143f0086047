{#- completed years between two dates (age at `at_date` of someone born `birth_date`) -#}
{% macro age_in_years(birth_date, at_date) -%}
    (
        extract(year from {{ at_date }}) - extract(year from {{ birth_date }})
        - case
            when
                extract(month from {{ at_date }}) * 100 + extract(day from {{ at_date }})
                < extract(month from {{ birth_date }}) * 100 + extract(day from {{ birth_date }})
                then 1
            else 0
        end
    )
{%- endmacro %}
