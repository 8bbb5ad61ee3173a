-- Screenings by state, year and concern level, unsuppressed. Never published as is: the
-- Dagster asset gold/screenings_by_state_year writes the suppressed mart from it.
-- A table, not a view, so it reads the same whatever name the warehouse file is attached as.
{{ config(materialized='table') }}

with

screenings as (

    select
        state_fips,
        period_year,
        coalesce(outcome, 'unknown') as concern_level
    from {{ ref('person_records') }}
    where data_set = 'screenings'
      and state_fips is not null
      and period_year is not null

)

select
    state_fips,
    period_year,
    concern_level,
    count(*) as screenings
from screenings
group by state_fips, period_year, concern_level
