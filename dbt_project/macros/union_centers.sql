{#-
    The union of one entity's staging models over the centers of the run.
    Every stg_<center>__<entity> model exposes the same columns (listed in
    common_staging_columns()), selected here by name, so a center's staging model may
    compute them in any order. The centers come from the var `centers` (the flow may narrow
    it to the centers that loaded).
-#}
{% macro union_centers(entity) -%}
    {%- set columns = common_staging_columns(entity) -%}
    {%- for center_id in var('centers') %}
    select
        {%- for column in columns %}
        {{ column }}{{ "," if not loop.last }}
        {%- endfor %}
    from {{ ref('stg_' ~ center_id ~ '__' ~ entity) }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
{%- endmacro %}

{#- the common staging schema: one list of columns per entity -#}
{% macro common_staging_columns(entity) -%}
    {%- set lineage = ['_source_file', '_source_line'] -%}
    {%- set columns = {
        'patients': [
            'center_id', 'source_patient_id', 'sex_source_value', 'birth_date',
            'age_at_ici_start_source_value', 'diagnosis_date', 'histotype_source_value',
            'smarca4_deficient_source_value', 'nf1_altered_source_value',
            'ecog_ps_source_value', 'prior_lines_source_value',
            'metastatic_sites_source_value', 'metastatic_sites',
            'last_contact_date', 'death_date', 'next_line_start_date',
        ],
        'treatments': [
            'center_id', 'source_patient_id', 'drug_source_value', 'start_date', 'end_date',
            'stop_reason_source_value',
        ],
        'labs': [
            'center_id', 'source_patient_id', 'sample_date', 'test_source_value',
            'value_source_value', 'value_as_number', 'unit_source_value', 'uln_as_number',
        ],
        'assessments': [
            'center_id', 'source_patient_id', 'assessment_date', 'response_source_value',
        ],
        'adverse_events': [
            'center_id', 'source_patient_id', 'ae_term_source_value', 'grade_source_value',
            'onset_date', 'led_to_discontinuation_source_value',
        ],
    } -%}
    {{- return(columns[entity] + lineage) -}}
{%- endmacro %}
