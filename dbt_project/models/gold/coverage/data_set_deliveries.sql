-- Who delivered what to each data set: one row per delivery still held in silver (a withdrawn
-- contributor's are gone with its records), with the years its records cover. The delivery
-- and its contributor are read from the raw object's key, <bucket>/<data set>/
-- <contributor>__<label>/<file> (orchestration/platform/lake_layout.py). No counts: a
-- delivery's record count could give away what the suppressed cross-tabulations withhold.
with

objects as (

    select
        data_set,
        string_split(raw_key, '/')[-2] as delivery,
        period_years,
        newest_record_date
    from {{ ref('int_silver_object_profiles') }}

),

deliveries as (

    select
        data_set,
        delivery,
        split_part(delivery, '__', 1) as contributor,
        substr(delivery, strpos(delivery, '__') + 2) as delivery_label,
        min(list_min(period_years)) as first_period_year,
        max(list_max(period_years)) as last_period_year,
        max(newest_record_date) as newest_record_date
    from objects
    group by data_set, delivery

),

catalog as (

    select * from {{ ref('data_set_catalog') }}

),

contributors as (

    select * from {{ ref('contributor_jurisdictions') }}

)

select
    deliveries.data_set,
    coalesce(catalog.title, deliveries.data_set) as data_set_title,
    deliveries.contributor,
    coalesce(contributors.name, deliveries.contributor) as contributor_name,
    contributors.kind as contributor_kind,
    deliveries.delivery,
    deliveries.delivery_label,
    cast(deliveries.first_period_year as bigint) as first_period_year,
    cast(deliveries.last_period_year as bigint) as last_period_year,
    deliveries.newest_record_date
from deliveries
left join catalog on catalog.data_set = deliveries.data_set
left join contributors
    on contributors.data_set = deliveries.data_set
    and contributors.contributor = deliveries.contributor
