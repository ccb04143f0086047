{#- an Excel (1900 system) date serial number in text -> date; anything else -> null -#}
{% macro excel_serial_date(expression) -%}
    case
        when {{ dbt.safe_cast(expression, type_double()) }} between 1 and 2958465
            then cast({{ dbt.dateadd(
                'day',
                dbt.safe_cast(dbt.safe_cast(expression, type_double()), dbt.type_int()),
                "cast('1899-12-30' as date)",
            ) }} as date)
    end
{%- endmacro %}
