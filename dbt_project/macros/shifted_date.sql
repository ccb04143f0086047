{#-
    center `shifted`: a calendar date rebuilt from a day offset (text, days from ICI start)
    and the patient's day zero (first day of the ICI start month). Cross-database.
-#}
{% macro shifted_date(day_offset, day_zero='day_zero.day_zero') -%}
    cast(
        {{ dbt.dateadd('day', dbt.safe_cast('trim(' ~ day_offset ~ ')', dbt.type_int()), day_zero) }}
        as date
    )
{%- endmacro %}
