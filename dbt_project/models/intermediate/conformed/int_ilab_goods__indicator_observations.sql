-- The list of goods counted by country: how many goods are made there with child labor,
-- with forced labor, and with forced child labor, in the list's edition.
{#- measure: indicator -#}
{% set measures = {
    'has_child_labor': 'goods_made_with_child_labor',
    'has_forced_labor': 'goods_made_with_forced_labor',
    'has_forced_child_labor': 'goods_made_with_forced_child_labor',
} %}

with

good_countries as (

    select * from {{ ref('stg_ilab_goods__good_countries') }}

),

located as (

    select
        *,
        {{ country_iso3_of('country_name') }} as country_iso3
    from good_countries

),

counts as (

    select
        country_iso3,
        edition_year,
        raw_key,
        delivery,
        contributor,
        {%- for measure in measures %}
        count(*) filter (where {{ measure }}) as {{ measure }}{% if not loop.last %},{% endif %}
        {%- endfor %}
    from located
    group by all

),

observations as (

    {% for measure, indicator in measures.items() %}
    select
        'ilab_goods' as data_set,
        '{{ indicator }}' as indicator,
        cast({{ measure }} as double) as observed_value,
        'goods' as unit,
        cast(null as varchar) as reporting_unit,
        'country' as geography_level,
        cast(null as varchar) as state_fips,
        cast(null as varchar) as county_fips,
        country_iso3,
        try_cast(edition_year as integer) as period_year,
        make_date(edition_year, 1, 1) as period_start,
        make_date(edition_year, 12, 31) as period_end,
        'all' as slice_dimension,
        'all' as slice_value,
        {{ taxonomy_cells('ilab_goods') }} as taxonomy_cells,
        raw_key,
        delivery,
        contributor
    from counts
    {% if not loop.last %}union all{% endif %}
    {% endfor %}

)

select * from observations
