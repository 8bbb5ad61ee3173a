-- Person-level records of every data set, conformed: pseudonymized keys, canonical
-- demographic codes and age bands instead of dates of birth, county-level geography at most.
with

screenings as (

    select * from {{ ref('stg_screenings__screenings') }}

),

states as (

    select * from {{ ref('us_states') }}

),

screened_youth as (

    select
        'screenings' as data_set,
        hub_pseudonym(concat_ws('|', screenings.contributor, screenings.screening_id))
            as record_key,
        screenings.person_key,
        'screened_youth' as role,
        {{ age_band('screenings.age_at_event') }} as age_band,
        {{ canonical_code('sex_codes', 'screenings.sex_code') }} as sex,
        {{ canonical_code('race_ethnicity_codes', 'screenings.race_code') }} as race_ethnicity,
        'unknown' as nationality,
        states.state_fips,
        screenings.county_fips,
        screenings.screened_on as event_date,
        year(screenings.screened_on) as period_year,
        cast(null as varchar) as trafficking_type,
        screenings.concern_level as outcome,
        {{ taxonomy_cells(
            'screenings',
            'screening_item',
            "list_concat(screenings.answered_items, "
            ~ "case when screenings.concern_level is not null "
            ~ "then ['concern_level'] else [] end)"
        ) }} as taxonomy_cells,
        screenings.raw_key,
        screenings.delivery,
        screenings.contributor
    from screenings
    left join states on states.state_abbr = screenings.state_abbr

)

select * from screened_youth
