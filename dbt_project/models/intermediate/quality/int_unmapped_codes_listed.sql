-- Every code not found in its vocabulary, by center, file and line (never guessed).
with

patients as (
    select * from {{ ref('int_patients_recoded') }}
),

treatments as (
    select * from {{ ref('int_treatments_recoded') }}
),

labs as (
    select * from {{ ref('int_labs_converted') }}
),

assessments as (
    select * from {{ ref('int_assessments_recoded') }}
),

adverse_events as (
    select * from {{ ref('int_adverse_events_recoded') }}
),

unmapped as (
    {%- set checks = [
        ('patients', 'histotype', "histotype = 'unmapped'", 'histotype_source_value'),
        ('patients', 'sex', "sex = 'unmapped'", 'sex_source_value'),
        ('patients', 'smarca4_deficient', 'is_smarca4_unmapped', 'smarca4_deficient_source_value'),
        ('patients', 'nf1_altered', 'is_nf1_unmapped', 'nf1_altered_source_value'),
        ('treatments', 'drug', "drug = 'unmapped'", 'drug_source_value'),
        ('treatments', 'stop_reason', "stop_reason = 'unmapped'", 'stop_reason_source_value'),
        ('labs', 'test', "test = 'unmapped'", 'test_source_value'),
        ('labs', 'unit', 'is_unit_unmapped', 'unit_source_value'),
        ('assessments', 'response', "response = 'unmapped'", 'response_source_value'),
        ('adverse_events', 'grade', 'is_grade_unmapped', 'grade_source_value'),
        ('adverse_events', 'led_to_discontinuation', 'is_led_to_discontinuation_unmapped',
            'led_to_discontinuation_source_value'),
    ] %}
    {%- for table_name, column_name, condition, source_column in checks %}
    select
        patient_key,
        center_id,
        '{{ table_name }}' as table_name,
        '{{ column_name }}' as column_name,
        {{ source_column }} as source_value,
        _source_file,
        _source_line
    from {{ table_name }}
    where {{ condition }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

final as (
    select * from unmapped
)

select * from final
