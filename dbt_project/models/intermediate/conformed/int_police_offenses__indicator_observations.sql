-- Police offense and arrest counts by agency, year and NIBRS offense; the NIBRS code is the
-- indicator and feeds the cells its rules map it to.
{#- measure: (unit, slice dimension, slice value) -#}
{% set measures = {
    'offenses': ('offenses', 'all', 'all'),
    'arrests': ('arrests', 'all', 'all'),
    'juvenile_arrests': ('arrests', 'age', 'juvenile'),
} %}

with

offense_counts as (

    select * from {{ ref('stg_police_offenses__offense_counts') }}

),

located as (

    select
        *,
        {{ state_fips_of('state_abbr') }} as state_fips,
        {{ canonical_code('nibrs_offense_code_map', 'offense_code') }} as nibrs_code
    from offense_counts

),

counties as (

    select
        *,
        coalesce(county_fips, {{ county_fips_of('state_fips', 'county_name') }})
            as agency_county_fips
    from located

),

observations as (

    {% for measure, (unit, slice_dimension, slice_value) in measures.items() %}
    select
        'police_offenses' as data_set,
        nibrs_code as indicator,
        cast({{ measure }} as double) as observed_value,
        '{{ unit }}' as unit,
        ori as reporting_unit,
        case when agency_county_fips is null then 'state' else 'county' end as geography_level,
        state_fips,
        agency_county_fips as county_fips,
        cast(null as varchar) as country_iso3,
        try_cast(report_year as integer) as period_year,
        make_date(report_year, 1, 1) as period_start,
        make_date(report_year, 12, 31) as period_end,
        '{{ slice_dimension }}' as slice_dimension,
        '{{ slice_value }}' as slice_value,
        {{ taxonomy_cells('police_offenses', 'nibrs_offense', '[nibrs_code]') }} as taxonomy_cells,
        raw_key,
        delivery,
        contributor
    from counties
    where {{ measure }} is not null
    {% if not loop.last %}union all{% endif %}
    {% endfor %}

)

select * from observations
