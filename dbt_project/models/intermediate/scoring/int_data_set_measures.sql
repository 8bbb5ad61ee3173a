-- The seven quality criteria of each data set, measured from its silver records through the
-- profiles of their raw objects (int_silver_object_profiles).
-- Each measure is a number the rubric seed turns into a 0-3 score; scoring_rubric.csv says
-- what each one is, scoring_settings.csv holds the window and the factors.
with

profiles as (

    select * from {{ ref('int_silver_object_profiles') }}

),

catalog as (

    select * from {{ ref('data_set_catalog') }}

),

settings as (

    select
        {{ scoring_setting('target_window_start_year', 'integer') }} as window_start,
        {{ scoring_setting('target_window_end_year', 'integer') }} as window_end,
        {{ scoring_setting('nonstandard_definition_factor') }} as nonstandard_factor,
        {{ scoring_setting('demographic_usable_share') }} as usable_share

),

target_geographies as (

    select 'us_states' as target_geography, state_fips as geography_code
    from {{ ref('us_states') }}
    where is_target
    union all
    select 'us_counties', county_fips from {{ ref('us_counties') }}
    union all
    select 'countries', iso3 from {{ ref('countries') }}
    union all
    select 'us_national', 'USA'

),

geographies_covered as (

    select
        catalog.data_set,
        count(distinct records.geography_code) filter (
            where records.geography_code in (
                select t.geography_code
                from target_geographies as t
                where t.target_geography = catalog.target_geography
            )
        ) as covered,
        any_value((
            select count(*)
            from target_geographies as t
            where t.target_geography = catalog.target_geography
        )) as targets
    from catalog
    inner join (
        select data_set, unnest(geography_codes) as geography_code
        from profiles
    ) as records on records.data_set = catalog.data_set
    group by catalog.data_set

),

years as (

    select distinct data_set, period_year
    from (select data_set, unnest(period_years) as period_year from profiles)
    cross join settings
    where period_year between settings.window_start and settings.window_end

),

year_runs as (

    -- gaps and islands: consecutive years share (year - rank)
    select
        data_set,
        period_year - row_number() over (partition by data_set order by period_year) as run_id
    from years

),

temporal as (

    select
        data_set,
        sum(run_length) as years_covered,
        max(run_length) as longest_run
    from (
        select data_set, run_id, count(*) as run_length from year_runs group by all
    )
    group by data_set

),

per_data_set as (

    select
        data_set,
        sum(record_count)::bigint as record_count,
        max(newest_record_date) as newest_record_date,
        sum(mapped_codes) as mapped_codes,
        sum(filled_codes) as filled_codes,
        sum(taxonomic_records) / sum(record_count) as taxonomic_share,
        sum(age_known) / sum(record_count) as age_known,
        sum(sex_known) / sum(record_count) as sex_known,
        sum(race_ethnicity_known) / sum(record_count) as race_ethnicity_known,
        sum(nationality_known) / sum(record_count) as nationality_known
    from profiles
    group by data_set

),

completeness as (

    select
        catalog.data_set,
        avg(coalesce(fill_rates.filled_share, 0.0)) as completeness_share
    from catalog
    cross join unnest(string_split(catalog.expected_fields, ';')) as expected(field_name)
    left join {{ ref('int_field_fill_rates') }} as fill_rates
        on fill_rates.data_set = catalog.data_set
        and fill_rates.field_name = trim(expected.field_name)
    where trim(expected.field_name) != ''
    group by catalog.data_set

),

measured as (

    select
        per_data_set.data_set,
        per_data_set.record_count,
        per_data_set.newest_record_date,
        catalog.expected_cadence_days,
        date_diff('day', per_data_set.newest_record_date, current_date)::double
            / catalog.expected_cadence_days as freshness,
        coalesce(per_data_set.mapped_codes / nullif(per_data_set.filled_codes, 0), 1.0)
            * case
                when coalesce(catalog.standard_definition, 'none') = 'none'
                    then settings.nonstandard_factor
                else 1.0
            end as definitional_consistency,
        coalesce(completeness.completeness_share, 0.0) as completeness,
        per_data_set.taxonomic_share as taxonomic_applicability,
        coalesce(
            temporal.years_covered::double / (settings.window_end - settings.window_start + 1)
            * temporal.longest_run / temporal.years_covered,
            0.0
        ) as temporal_coverage,
        coalesce(geographies_covered.covered::double / nullif(geographies_covered.targets, 0), 0.0)
            as geographic_coverage,
        (
            (per_data_set.age_known >= settings.usable_share)::int
            + (per_data_set.sex_known >= settings.usable_share)::int
            + (per_data_set.race_ethnicity_known >= settings.usable_share)::int
            + (per_data_set.nationality_known >= settings.usable_share)::int
        ) / 4.0 as demographic_coverage
    from per_data_set
    inner join catalog on catalog.data_set = per_data_set.data_set
    cross join settings
    left join completeness on completeness.data_set = per_data_set.data_set
    left join temporal on temporal.data_set = per_data_set.data_set
    left join geographies_covered on geographies_covered.data_set = per_data_set.data_set

)

-- four decimals: enough for every threshold, and stable to compare between runs
select
    data_set,
    record_count,
    newest_record_date,
    expected_cadence_days,
    {% for measure in ['freshness', 'definitional_consistency', 'completeness',
        'taxonomic_applicability', 'temporal_coverage', 'geographic_coverage',
        'demographic_coverage'] %}
    round({{ measure }}, 4) as {{ measure }}{% if not loop.last %},{% endif %}
    {% endfor %}
from measured
