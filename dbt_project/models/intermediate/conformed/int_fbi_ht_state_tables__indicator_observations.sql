-- The FBI's state table in long form: offenses and clearances of each state for commercial
-- sex acts (NIBRS 64A, FBI subcategory 81) and involuntary servitude (64B, 82).
{#- measure: (NIBRS code, FBI subcategory, unit, slice dimension, slice value) -#}
{% set measures = {
    'sex_acts_offenses': ('64A', '81', 'offenses', 'all', 'all'),
    'sex_acts_cleared': ('64A', '81', 'clearances', 'all', 'all'),
    'sex_acts_cleared_juvenile': ('64A', '81', 'clearances', 'age', 'juvenile'),
    'servitude_offenses': ('64B', '82', 'offenses', 'all', 'all'),
    'servitude_cleared': ('64B', '82', 'clearances', 'all', 'all'),
    'servitude_cleared_juvenile': ('64B', '82', 'clearances', 'age', 'juvenile'),
} %}

with

state_years as (

    select * from {{ ref('stg_fbi_ht_state_tables__state_years') }}

),

located as (

    select
        *,
        {{ state_fips_of('state') }} as state_fips
    from state_years

),

observations as (

    {% for measure, (nibrs_code, subcategory, unit, slice_dimension, slice_value) in measures.items() %}
    select
        'fbi_ht_state_tables' as data_set,
        '{{ nibrs_code }}' as indicator,
        cast({{ measure }} as double) as observed_value,
        '{{ unit }}' as unit,
        cast(null as varchar) as reporting_unit,
        'state' as geography_level,
        state_fips,
        cast(null as varchar) as county_fips,
        cast(null as varchar) as country_iso3,
        try_cast(report_year as integer) as period_year,
        make_date(report_year, 1, 1) as period_start,
        make_date(report_year, 12, 31) as period_end,
        '{{ slice_dimension }}' as slice_dimension,
        '{{ slice_value }}' as slice_value,
        {{ taxonomy_cells('fbi_ht_state_tables', 'fbi_offense_subcat', "['" ~ subcategory ~ "']") }}
            as taxonomy_cells,
        raw_key,
        delivery,
        contributor
    from located
    where {{ measure }} is not null
    {% if not loop.last %}union all{% endif %}
    {% endfor %}

)

select * from observations
