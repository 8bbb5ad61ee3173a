-- Federal prosecution cases (one defendant in one case) by state, filing year and trafficking
-- type, unsuppressed. Never published as is: the Dagster asset gold/cases_by_state_year_type
-- writes the suppressed mart from it. A defendant case is the grain so the counts add up
-- across types; distinct case numbers would not.
{{ config(materialized='table') }}

with

defendant_cases as (

    select
        state_fips,
        period_year,
        coalesce(trafficking_type, 'unknown') as trafficking_type
    from {{ ref('cases') }}
    where data_set = 'prosecutions'
      and state_fips is not null
      and period_year is not null

)

select
    state_fips,
    period_year,
    trafficking_type,
    count(*) as defendant_cases
from defendant_cases
group by state_fips, period_year, trafficking_type
