-- Aggregate statistics in long form: one row per indicator, geography, period and slice.
with

hotline as (

    select * from {{ ref('stg_hotline__state_years') }}

),

states as (

    select * from {{ ref('us_states') }}

),

hotline_long as (

    unpivot hotline
    on signals, cases, potential_victims, sex_trafficking_cases, labor_trafficking_cases
    into name indicator value observed_value

),

hotline_observations as (

    select
        'hotline' as data_set,
        'hotline_' || hotline_long.indicator as indicator,
        cast(hotline_long.observed_value as double) as observed_value,
        case
            when hotline_long.indicator = 'potential_victims' then 'persons'
            when hotline_long.indicator = 'signals' then 'signals'
            else 'cases'
        end as unit,
        'state' as geography_level,
        states.state_fips,
        cast(null as varchar) as county_fips,
        hotline_long.report_year as period_year,
        make_date(hotline_long.report_year, 1, 1) as period_start,
        make_date(hotline_long.report_year, 12, 31) as period_end,
        'all' as slice_dimension,
        'all' as slice_value,
        {{ taxonomy_cells(
            'hotline',
            'htcds_exploitation_type',
            "case hotline_long.indicator "
            ~ "when 'sex_trafficking_cases' then ['sex'] "
            ~ "when 'labor_trafficking_cases' then ['labor'] "
            ~ "else []::varchar[] end"
        ) }} as taxonomy_cells,
        hotline_long.raw_key,
        hotline_long.delivery,
        hotline_long.contributor
    from hotline_long
    left join states on states.state_abbr = hotline_long.state_abbr

)

select * from hotline_observations
