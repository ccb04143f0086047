{#-
    DuckDB-only: the study pseudonym of a patient,
    first 16 hex characters of HMAC-SHA256(key, '<center_id>:<source_patient_id>').
    The key comes from the environment variable IMPRESARC_PSEUDONYM_KEY, read by the Python
    UDF impresarc_hmac16 that the dbt-duckdb plugin dbt_project/plugins/impresarc_udfs.py
    registers on every connection. Only table models may call this macro (a view calling a
    UDF would be unreadable in the published warehouse).
-#}
{% macro pseudonymize(center_id, source_patient_id) -%}
    impresarc_hmac16({{ center_id }}, {{ source_patient_id }})
{%- endmacro %}
