-- Screened youth from every screening contributor, in the person_records shape.
with

screenings as (

    select * from {{ ref('stg_screenings__screenings') }}

),

located as (

    -- the state as sent, else the county's, else the state the contributor reports for
    select
        *,
        coalesce(
            {{ state_fips_of('state_abbr') }},
            left(county_fips, 2),
            {{ contributor_state_fips('contributor') }}
        ) as state_fips
    from screenings

),

conformed as (

    select
        'screenings' as data_set,
        hub_pseudonym(concat_ws('|', contributor, screening_id)) as record_key,
        person_key,
        'screened_youth' as role,
        {{ age_band('age_at_event') }} as age_band,
        {{ canonical_code('sex_codes', 'sex_code') }} as sex,
        {{ canonical_code('race_ethnicity_codes', 'race_code') }} as race_ethnicity,
        'unknown' as nationality,
        state_fips,
        coalesce(county_fips, {{ county_fips_of('state_fips', 'county_name') }}) as county_fips,
        cast(null as varchar) as country_iso3,
        cast(null as varchar) as subdivision,
        screened_on as event_date,
        year(screened_on) as period_year,
        cast(null as varchar) as trafficking_type,
        {{ canonical_code('concern_level_codes', 'concern_level') }} as outcome,
        {{ taxonomy_cells(
            'screenings',
            'screening_item',
            "list_concat(answered_items, "
            ~ "case when concern_level is not null then ['concern_level'] else [] end)"
        ) }} as taxonomy_cells,
        raw_key,
        landed_at,
        delivery,
        contributor
    from located

)

select * from conformed
