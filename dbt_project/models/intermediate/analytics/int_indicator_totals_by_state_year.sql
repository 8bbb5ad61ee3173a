-- Aggregate indicators that count people, cases or events, by data set, indicator, state and
-- year, unsuppressed. Never published as is: the Dagster asset
-- gold/indicator_totals_by_state_year writes the suppressed mart from it.
-- Only units that are counts add up (a rate, a share or a price summed over counties means
-- nothing); a unit missing from the list below is left out, not summed.
{{ config(materialized='table') }}

with

figures as (

    -- A figure restated by several deliveries (a yearly file and a multi-year web table)
    -- counts once: the largest restatement.
    select
        data_set,
        indicator,
        unit,
        geography_level,
        reporting_unit,
        state_fips,
        county_fips,
        period_year,
        max(observed_value) as observed_value
    from {{ ref('indicator_observations') }}
    where slice_dimension = 'all'
      and geography_level in ('state', 'county')
      and unit in (
          'persons', 'cases', 'signals', 'offenses', 'unfounded_offenses', 'arrests',
          'clearances', 'contacts', 'stays', 'sessions'
      )
      and state_fips is not null
      and period_year is not null
      and observed_value is not null
    group by
        data_set, indicator, unit, geography_level, reporting_unit, state_fips, county_fips,
        period_year

),

-- A figure for the whole state (no reporting unit below it) wins over any sum of parts.
state_figures as (

    select data_set, indicator, unit, state_fips, period_year, max(observed_value) as observed_total
    from figures
    where geography_level = 'state' and reporting_unit is null
    group by data_set, indicator, unit, state_fips, period_year

),

-- Otherwise counties and reporting units (agencies) add up to the state.
summed_parts as (

    select data_set, indicator, unit, state_fips, period_year, sum(observed_value) as observed_total
    from figures
    where not (geography_level = 'state' and reporting_unit is null)
    group by data_set, indicator, unit, state_fips, period_year

)

select * from state_figures
union all
select summed_parts.*
from summed_parts
anti join state_figures
    using (data_set, indicator, unit, state_fips, period_year)
