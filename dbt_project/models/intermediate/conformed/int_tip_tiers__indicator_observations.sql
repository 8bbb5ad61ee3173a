-- Tier placements by country and report year, as the tier's rank (1 best, 2.5 the Tier 2
-- Watch List, 3 worst). Years before a country was ranked hold no placement.
with

placements as (

    select * from {{ ref('stg_tip_tiers__tier_placements') }}

),

tiers as (

    select * from {{ ref('tip_tier_codes') }}

),

ranked as (

    select
        placements.*,
        {{ country_iso3_of('placements.country_iso3') }} as country_code,
        tiers.tier_rank
    from placements
    left join tiers on lower(trim(tiers.source_code)) = lower(placements.tier)
    where placements.tier is not null

),

observations as (

    select
        'tip_tiers' as data_set,
        'tip_tier' as indicator,
        tier_rank as observed_value,
        'tier_rank' as unit,
        cast(null as varchar) as reporting_unit,
        'country' as geography_level,
        cast(null as varchar) as state_fips,
        cast(null as varchar) as county_fips,
        country_code as country_iso3,
        try_cast(report_year as integer) as period_year,
        make_date(report_year, 1, 1) as period_start,
        make_date(report_year, 12, 31) as period_end,
        'all' as slice_dimension,
        'all' as slice_value,
        {{ taxonomy_cells('tip_tiers') }} as taxonomy_cells,
        raw_key,
        delivery,
        contributor
    from ranked

)

select * from observations
