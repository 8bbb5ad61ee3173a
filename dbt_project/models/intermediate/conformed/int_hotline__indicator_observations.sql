-- Hotline figures by state and year in long form. Cases of sex or labor trafficking also
-- feed the cells their kind of exploitation maps to.
{#- measure: (unit, HTCDS exploitation type its cases are) -#}
{% set measures = {
    'signals': ('signals', none),
    'cases': ('cases', none),
    'potential_victims': ('persons', none),
    'sex_trafficking_cases': ('cases', 'sex'),
    'labor_trafficking_cases': ('cases', 'labor'),
} %}

with

hotline as (

    select * from {{ ref('stg_hotline__state_years') }}

),

located as (

    select
        *,
        {{ state_fips_of('state') }} as state_fips
    from hotline

),

observations as (

    {% for measure, (unit, exploitation_type) in measures.items() %}
    select
        'hotline' as data_set,
        'hotline_{{ measure }}' as indicator,
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
        'all' as slice_dimension,
        'all' as slice_value,
        {% if exploitation_type -%}
        {{ taxonomy_cells('hotline', 'htcds_exploitation_type', "['" ~ exploitation_type ~ "']") }}
        {%- else -%}
        {{ taxonomy_cells('hotline') }}
        {%- endif %} as taxonomy_cells,
        raw_key,
        delivery,
        contributor
    from located
    where {{ measure }} is not null
    {% if not loop.last %}union all{% endif %}
    {% endfor %}

)

select * from observations
