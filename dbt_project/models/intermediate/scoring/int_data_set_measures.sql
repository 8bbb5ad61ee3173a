-- The seven quality criteria of each data set, measured from its silver records.
-- Each measure is a number the rubric seed turns into a 0-3 score; see scoring_rubric.csv.
with

records as (

    select * from {{ ref('int_silver_records_unioned') }}

),

catalog as (

    select * from {{ ref('data_set_catalog') }}

),

settings as (

    select
        max(case when setting = 'target_window_start_year' then cast(value as integer) end)
            as window_start,
        max(case when setting = 'target_window_end_year' then cast(value as integer) end)
            as window_end
    from {{ ref('scoring_settings') }}

),

target_states as (

    select count(*) as target_state_count
    from {{ ref('us_states') }}
    where is_target

),

fill_rates as (

    select * from {{ ref('int_field_fill_rates') }}

),

per_data_set as (

    select
        records.data_set,
        count(*) as record_count,
        max(records.record_date) as newest_record_date,
        -- coded values that map to a canonical code, among those the contributor filled
        count_if(list_contains(records.coded_values, 'unmapped')) as records_with_unmapped,
        sum(len(list_filter(records.coded_values, c -> c not in ('unknown', 'unmapped'))))
            as mapped_codes,
        sum(len(list_filter(records.coded_values, c -> c != 'unknown'))) as filled_codes,
        avg(case when len(records.taxonomy_cells) > 0 then 1.0 else 0.0 end)
            as taxonomic_share,
        list(distinct records.period_year) filter (
            where records.period_year between settings.window_start and settings.window_end
        ) as years_in_window,
        any_value(settings.window_end - settings.window_start + 1) as window_years,
        count(distinct records.state_fips) filter (
            where records.state_fips in (
                select state_fips from {{ ref('us_states') }} where is_target
            )
        ) as states_covered,
        avg(case when records.age_band != 'unknown' then 1.0 else 0.0 end) as age_known,
        avg(case when records.sex != 'unknown' then 1.0 else 0.0 end) as sex_known,
        avg(case when records.race_ethnicity != 'unknown' then 1.0 else 0.0 end)
            as race_ethnicity_known,
        avg(case when records.nationality != 'unknown' then 1.0 else 0.0 end)
            as nationality_known
    from records
    cross join settings
    group by records.data_set

),

completeness as (

    select
        catalog.data_set,
        avg(coalesce(fill_rates.filled_share, 0.0)) as completeness_share
    from catalog
    cross join unnest(string_split(catalog.expected_fields, ';')) as expected(field_name)
    left join fill_rates
        on fill_rates.data_set = catalog.data_set
        and fill_rates.field_name = trim(expected.field_name)
    where trim(expected.field_name) != ''
    group by catalog.data_set

)

select
    per_data_set.data_set,
    per_data_set.record_count,
    per_data_set.newest_record_date,
    catalog.expected_cadence_days,
    -- freshness: age of the newest record in cadences (0.5 = half a cadence old)
    date_diff('day', per_data_set.newest_record_date, current_date)::double
        / catalog.expected_cadence_days as freshness,
    -- definitional consistency: mapped share of filled codes, discounted a fifth when the
    -- source follows no standard definition (TVPA, NIBRS, HTCDS)
    coalesce(per_data_set.mapped_codes / nullif(per_data_set.filled_codes, 0), 1.0)
        * case when coalesce(catalog.standard_definition, 'none') = 'none' then 0.8 else 1.0 end
        as definitional_consistency,
    coalesce(completeness.completeness_share, 0.0) as completeness,
    per_data_set.taxonomic_share as taxonomic_applicability,
    -- temporal coverage: share of the window's years present, times their continuity
    -- (years present / span from first to last), so gaps cost
    coalesce(len(per_data_set.years_in_window), 0)::double / per_data_set.window_years
        * coalesce(
            len(per_data_set.years_in_window)::double
            / nullif(
                list_max(per_data_set.years_in_window) - list_min(per_data_set.years_in_window) + 1,
                0
            ),
            0.0
        ) as temporal_coverage,
    per_data_set.states_covered::double / target_states.target_state_count
        as geographic_coverage,
    -- demographic coverage: share of four dimensions known for at least half of the records
    (
        (per_data_set.age_known >= 0.5)::int
        + (per_data_set.sex_known >= 0.5)::int
        + (per_data_set.race_ethnicity_known >= 0.5)::int
        + (per_data_set.nationality_known >= 0.5)::int
    ) / 4.0 as demographic_coverage
from per_data_set
inner join catalog on catalog.data_set = per_data_set.data_set
left join completeness on completeness.data_set = per_data_set.data_set
cross join target_states
