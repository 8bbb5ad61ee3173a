-- Massage businesses counted by county and year: a business counts in every year it was
-- seen (or licensed), so the points become county figures and no location is kept.
with

businesses as (

    select * from {{ ref('stg_massage_businesses__businesses') }}

),

located as (

    select
        *,
        coalesce(
            {{ state_fips_of('state_abbr') }},
            left(county_fips, 2),
            {{ contributor_state_fips('contributor') }}
        ) as state_fips
    from businesses

),

business_years as (

    select
        *,
        coalesce(county_fips, {{ county_fips_of('state_fips', 'county_name') }})
            as business_county_fips,
        unnest(generate_series(
            year(listed_from), year(coalesce(listed_until, listed_from))
        )) as active_year
    from located
    where listed_from is not null

),

observations as (

    select
        'massage_businesses' as data_set,
        'massage_businesses_listed' as indicator,
        cast(count(*) as double) as observed_value,
        'businesses' as unit,
        cast(null as varchar) as reporting_unit,
        case when business_county_fips is null then 'state' else 'county' end
            as geography_level,
        state_fips,
        business_county_fips as county_fips,
        cast(null as varchar) as country_iso3,
        try_cast(active_year as integer) as period_year,
        make_date(active_year, 1, 1) as period_start,
        make_date(active_year, 12, 31) as period_end,
        'all' as slice_dimension,
        'all' as slice_value,
        {{ taxonomy_cells('massage_businesses') }} as taxonomy_cells,
        raw_key,
        delivery,
        contributor
    from business_years
    group by state_fips, business_county_fips, active_year, raw_key, delivery, contributor

)

select * from observations
