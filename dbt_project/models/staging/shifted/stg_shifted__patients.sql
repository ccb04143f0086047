with

source as (
    select * from {{ source('shifted', 'patients') }}
),

day_zero as (
    select * from {{ ref('stg_shifted__day_zero') }}
),

renamed as (
    select
        'shifted' as center_id,
        trim(source.pseudo_id) as source_patient_id,
        source.sex as sex_source_value,
        cast(null as date) as birth_date,
        cast(null as {{ dbt.type_string() }}) as birth_date_source_value,
        source.age_at_ici_start as age_at_ici_start_source_value,
        {{ shifted_date('source.diagnosis_day') }} as diagnosis_date,
        source.diagnosis_day as diagnosis_date_source_value,
        source.morphology_icdo3 as histotype_source_value,
        source.smarca4_deficient as smarca4_deficient_source_value,
        source.nf1_altered as nf1_altered_source_value,
        source.ecog_ps as ecog_ps_source_value,
        source.prior_lines as prior_lines_source_value,
        source.metastatic_sites as metastatic_sites_source_value,
        nullif(trim(source.metastatic_sites), '') as metastatic_sites,
        {{ shifted_date('source.last_contact_day') }} as last_contact_date,
        source.last_contact_day as last_contact_date_source_value,
        {{ shifted_date('source.death_day') }} as death_date,
        source.death_day as death_date_source_value,
        {{ shifted_date('source.next_line_start_day') }} as next_line_start_date,
        source.next_line_start_day as next_line_start_date_source_value,
        source._source_file,
        cast(source._source_line as {{ dbt.type_bigint() }}) as _source_line
    from source
    left join day_zero
        on trim(source.pseudo_id) = day_zero.source_patient_id
)

select * from renamed
