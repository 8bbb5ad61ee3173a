-- Every silver record in one shape, so each quality criterion is measured the same way for
-- every data set whatever its grain. Each keeps the silver table and raw object it came from,
-- and the object's version where silver is loaded by version (person_records).
with

person_records as (

    select
        'person_records' as silver_table,
        raw_key,
        landed_at,
        data_set,
        event_date as record_date,
        period_year,
        state_fips,
        county_fips,
        country_iso3,
        taxonomy_cells,
        [sex, race_ethnicity, nationality] as coded_values,
        age_band,
        sex,
        race_ethnicity,
        nationality
    from {{ ref('person_records') }}

),

cases as (

    select
        'cases' as silver_table,
        raw_key,
        cast(null as timestamptz) as landed_at,
        data_set,
        coalesce(disposed_on, filed_on) as record_date,
        period_year,
        state_fips,
        county_fips,
        country_iso3,
        taxonomy_cells,
        -- an employer has no sex, age or race: its blanks are neither mapped nor unmapped
        list_filter(
            [defendant_sex, defendant_race_ethnicity, trafficking_type], code -> code is not null
        ) as coded_values,
        coalesce(defendant_age_band, 'unknown') as age_band,
        coalesce(defendant_sex, 'unknown') as sex,
        coalesce(defendant_race_ethnicity, 'unknown') as race_ethnicity,
        'unknown' as nationality
    from {{ ref('cases') }}

),

indicator_observations as (

    select
        'indicator_observations' as silver_table,
        raw_key,
        cast(null as timestamptz) as landed_at,
        data_set,
        period_end as record_date,
        period_year,
        state_fips,
        county_fips,
        country_iso3,
        taxonomy_cells,
        -- the indicator is a code where it was mapped (a NIBRS offense, say)
        [indicator] as coded_values,
        case when slice_dimension = 'age' then slice_value else 'unknown' end as age_band,
        case when slice_dimension = 'sex' then slice_value else 'unknown' end as sex,
        case
            when slice_dimension = 'race_ethnicity' then slice_value else 'unknown'
        end as race_ethnicity,
        case when slice_dimension = 'nationality' then slice_value else 'unknown' end
            as nationality
    from {{ ref('indicator_observations') }}

),

policies as (

    select
        'policies' as silver_table,
        raw_key,
        cast(null as timestamptz) as landed_at,
        data_set,
        -- a tracker gives the year adopted only: the record dates from the year's start
        coalesce(enacted_on, make_date(enacted_year, 1, 1)) as record_date,
        period_year,
        state_fips,
        cast(null as varchar) as county_fips,
        cast(null as varchar) as country_iso3,
        taxonomy_cells,
        [policy_code, category] as coded_values,
        'unknown' as age_band,
        'unknown' as sex,
        'unknown' as race_ethnicity,
        'unknown' as nationality
    from {{ ref('policies') }}

)

select * from person_records
union all by name
select * from cases
union all by name
select * from indicator_observations
union all by name
select * from policies
