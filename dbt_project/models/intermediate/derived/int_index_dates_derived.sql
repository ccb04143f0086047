-- Per patient: the ICI start date (day 0 of every endpoint) and the regimen's classes.
with

patients as (
    select * from {{ ref('int_patients_recoded') }}
),

treatments as (
    select * from {{ ref('int_treatments_recoded') }}
),

ici_starts as (
    select
        patient_key,
        start_date,
        _source_file,
        _source_line,
        row_number() over (
            partition by patient_key
            order by start_date, _source_file, _source_line
        ) as start_rank
    from treatments
    where is_ici and start_date is not null
),

regimen as (
    select
        patient_key,
        max(case when drug_class = 'anti_pd1' then 1 else 0 end) as has_anti_pd1,
        max(case when drug_class = 'anti_pdl1' then 1 else 0 end) as has_anti_pdl1,
        max(case when drug_class = 'anti_ctla4' then 1 else 0 end) as has_anti_ctla4,
        max(case when drug = 'cyclophosphamide' then 1 else 0 end) as has_cyclophosphamide,
        max(case when is_ici and stop_reason = 'toxicity' then 1 else 0 end)
            as stopped_for_toxicity,
        count(distinct case when is_ici then start_date end) as n_ici_start_dates
    from treatments
    group by patient_key
),

final as (
    select
        patients.patient_key,
        patients.center_id,
        ici_starts.start_date,
        ici_starts._source_file as start_date_source_file,
        ici_starts._source_line as start_date_source_line,
        case
            when regimen.has_anti_pdl1 = 1 then 'anti_pdl1'
            when regimen.has_anti_pd1 = 1 then 'anti_pd1'
        end as icis_class,
        coalesce(regimen.has_anti_ctla4, 0) = 1 as has_anti_ctla4,
        coalesce(regimen.has_cyclophosphamide, 0) = 1 as has_cyclophosphamide,
        coalesce(regimen.stopped_for_toxicity, 0) = 1 as stopped_for_toxicity,
        coalesce(regimen.n_ici_start_dates, 0) as n_ici_start_dates,
        patients.death_date,
        patients.next_line_start_date,
        patients.last_contact_date,
        patients._source_file as patient_source_file,
        patients._source_line as patient_source_line
    from patients
    left join ici_starts
        on
            patients.patient_key = ici_starts.patient_key
            and ici_starts.start_rank = 1
    left join regimen
        on patients.patient_key = regimen.patient_key
)

select * from final
