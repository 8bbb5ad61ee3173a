-- Which data sets cover which state in which year: a row where a data set has at least one
-- record. Presence only, no counts, so nothing here needs suppression.
with

records as (

    select distinct data_set, state_year.state_fips, state_year.period_year
    from (
        select data_set, unnest(state_years) as state_year
        from {{ ref('int_silver_object_profiles') }}
    )

),

states as (

    select * from {{ ref('us_states') }}

)

select
    records.data_set,
    records.state_fips,
    states.state_abbr,
    states.state_name,
    records.period_year
from records
inner join states on states.state_fips = records.state_fips
