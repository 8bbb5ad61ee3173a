-- Survivors in service providers' case records, in the person_records shape. The records
-- name no place: a provider's survivors are counted in the state it serves.
with

service_cases as (

    select * from {{ ref('stg_service_cases__cases') }}

),

coded as (

    select
        *,
        {{ canonical_code('htcds_code_map', 'exploitation_type', 'exploitation_type') }}
            as trafficking_type
    from service_cases

),

conformed as (

    select
        'service_cases' as data_set,
        hub_pseudonym(concat_ws('|', contributor, case_key)) as record_key,
        person_key,
        'victim' as role,
        {{ age_band('age_at_intake') }} as age_band,
        {{ canonical_code('sex_codes', 'sex_code') }} as sex,
        {{ canonical_code('race_ethnicity_codes', 'race_code') }} as race_ethnicity,
        case
            when nationality is null then 'unknown'
            else coalesce({{ country_iso3_of('nationality') }}, 'unmapped')
        end as nationality,
        {{ contributor_state_fips('contributor') }} as state_fips,
        cast(null as varchar) as county_fips,
        cast(null as varchar) as country_iso3,
        cast(null as varchar) as subdivision,
        intake_on as event_date,
        year(intake_on) as period_year,
        trafficking_type,
        cast(null as varchar) as outcome,
        {{ taxonomy_cells('service_cases', {
            'htcds_role': "['victim']",
            'htcds_exploitation_type': "[trafficking_type]"
        }) }} as taxonomy_cells,
        raw_key,
        landed_at,
        delivery,
        contributor
    from coded

)

select * from conformed
