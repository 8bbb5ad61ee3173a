-- Advertisement counts by place and week in long form. A city keeps its county; a metro
-- area spans several counties, so it keeps its state only.
{#- measure: (indicator, unit) -#}
{% set measures = {
    'ads_posted': ('ads_posted', 'ads'),
    'unique_phones': ('unique_phone_numbers', 'phone_numbers'),
    'new_phones': ('new_phone_numbers', 'phone_numbers'),
    'median_price_usd': ('median_price', 'usd'),
    'share_youth_terms': ('share_with_youth_terms', 'share'),
    'share_multi_city': ('share_in_several_cities', 'share'),
} %}

with

place_weeks as (

    select * from {{ ref('stg_commercial_sex_ads__place_weeks') }}

),

metro_areas as (

    select * from {{ ref('metro_areas') }}

),

located as (

    select
        place_weeks.*,
        coalesce(place_weeks.city, place_weeks.metro) as place,
        case when place_weeks.city is not null then 'city' else 'metro' end as place_level,
        {{ state_fips_of('coalesce(place_weeks.state_abbr, metro_areas.state_abbr)') }}
            as state_fips
    from place_weeks
    left join metro_areas on lower(metro_areas.metro_name) = lower(place_weeks.metro)

),

observations as (

    {% for measure, (indicator, unit) in measures.items() %}
    select
        'commercial_sex_ads' as data_set,
        '{{ indicator }}' as indicator,
        cast({{ measure }} as double) as observed_value,
        '{{ unit }}' as unit,
        place as reporting_unit,
        place_level as geography_level,
        state_fips,
        county_fips,
        cast(null as varchar) as country_iso3,
        cast(year(week_start) as integer) as period_year,
        week_start as period_start,
        week_start + 6 as period_end,
        'all' as slice_dimension,
        'all' as slice_value,
        {{ taxonomy_cells('commercial_sex_ads') }} as taxonomy_cells,
        raw_key,
        delivery,
        contributor
    from located
    where {{ measure }} is not null
    {% if not loop.last %}union all{% endif %}
    {% endfor %}

)

select * from observations
