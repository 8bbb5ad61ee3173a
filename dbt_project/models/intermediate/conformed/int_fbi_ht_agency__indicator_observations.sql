-- FBI offense and clearance counts by agency, year and offense, with the NIBRS code as the
-- indicator. An agency serving several counties is placed in its state only. The agency file
-- holds some agency, year and offense more than once; such rows are added up.
{#- measure: (unit, slice dimension, slice value) -#}
{% set measures = {
    'offenses': ('offenses', 'all', 'all'),
    'unfounded_offenses': ('unfounded_offenses', 'all', 'all'),
    'cleared': ('clearances', 'all', 'all'),
    'cleared_juvenile': ('clearances', 'age', 'juvenile'),
} %}

with

agency_offenses as (

    select * from {{ ref('stg_fbi_ht_agency__agency_offenses') }}

),

totals as (

    select
        ori,
        state_abbr,
        county_names,
        offense_subcat_id,
        offense_subcat_name,
        report_year,
        raw_key,
        delivery,
        contributor,
        {%- for measure in measures %}
        sum({{ measure }}) as {{ measure }}{% if not loop.last %},{% endif %}
        {%- endfor %}
    from agency_offenses
    group by all

),

located as (

    select
        *,
        {{ state_fips_of('state_abbr') }} as state_fips,
        {{ canonical_code('nibrs_offense_code_map', 'offense_subcat_name') }} as nibrs_code
    from totals

),

counties as (

    select
        *,
        case
            when not contains(county_names, ';')
                then {{ county_fips_of('state_fips', 'county_names') }}
        end as county_fips
    from located

),

observations as (

    {% for measure, (unit, slice_dimension, slice_value) in measures.items() %}
    select
        'fbi_ht_agency' as data_set,
        nibrs_code as indicator,
        cast({{ measure }} as double) as observed_value,
        '{{ unit }}' as unit,
        ori as reporting_unit,
        case when county_fips is null then 'state' else 'county' end as geography_level,
        state_fips,
        county_fips,
        cast(null as varchar) as country_iso3,
        try_cast(report_year as integer) as period_year,
        make_date(report_year, 1, 1) as period_start,
        make_date(report_year, 12, 31) as period_end,
        '{{ slice_dimension }}' as slice_dimension,
        '{{ slice_value }}' as slice_value,
        {{ taxonomy_cells(
            'fbi_ht_agency', 'fbi_offense_subcat', '[cast(offense_subcat_id as varchar)]'
        ) }} as taxonomy_cells,
        raw_key,
        delivery,
        contributor
    from counties
    where {{ measure }} is not null
    {% if not loop.last %}union all{% endif %}
    {% endfor %}

)

select * from observations
