-- What each raw object contributes to its data set's quality measures: counts, the newest
-- record, and the distinct geographies, years, state-years and taxonomy cells its silver
-- records touch, plus the filled count of each canonical field. Every measure of a data set
-- is a sum, a maximum or a distinct union over its objects' profiles, so the scoring marts read
-- these few rows per object instead of every silver record.
--
-- Incremental by raw object: person_records, which is loaded by version, is profiled only for
-- the versions (raw_key, landed_at) not profiled yet; the other silver tables are rebuilt whole
-- on every run and are small, so they are profiled whole. A post-hook drops the profiles of
-- objects silver no longer holds.
{% set silver_models = ['person_records', 'cases', 'indicator_observations', 'policies'] %}
{% set not_fields = ['data_set', 'taxonomy_cells', 'raw_key', 'delivery', 'contributor'] %}
-- lineage a model carries beyond the shared columns, not a field to fill
{% set lineage_fields = {'person_records': ['landed_at']} %}

{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key=['silver_table', 'raw_key'],
    on_schema_change='fail',
    post_hook="{{ delete_profiles_of_removed_objects(" ~ silver_models | tojson ~ ") }}",
) }}

{% set scope = {} %}
{% if execute and is_incremental() %}
    {% set versions_to_profile %}
        select distinct raw_key, landed_at from {{ ref('person_records') }}
        except
        select raw_key, landed_at from {{ this }} where silver_table = 'person_records'
    {% endset %}
    {% do scope.update({'person_records': raw_keys_in(versions_to_profile)}) %}
{% endif %}

{#-
    the distinct values each object's records touch: name -> (the record columns they come
    from, the value or values of one record, null where it counts none)
-#}
{% set value_lists = {
    'period_years': ['period_year', 'period_year'],
    'state_years': [
        'state_fips, period_year',
        "case when state_fips is not null and period_year is not null"
        ~ " then {'state_fips': state_fips, 'period_year': period_year} end",
    ],
    'geography_codes': [
        'state_fips, county_fips, country_iso3',
        'unnest([state_fips, county_fips, country_iso3])',
    ],
    'taxonomy_cells': ['taxonomy_cells', 'unnest(taxonomy_cells)'],
} %}

with

-- read afresh by each aggregate below (only the columns it needs), never held whole
records as not materialized (

    select * from {{ ref('int_silver_records_unioned') }}
    {% if 'person_records' in scope %}
    -- the other tables' objects are profiled whole; person_records' only where new
    where silver_table != 'person_records' or {{ scope['person_records'] }}
    {% endif %}

),

record_profiles as (

    select
        silver_table,
        raw_key,
        any_value(landed_at) as landed_at,
        any_value(data_set) as data_set,
        count(*) as record_count,
        max(record_date) as newest_record_date,
        sum(len(list_filter(coded_values, c -> c not in ('unknown', 'unmapped'))))
            as mapped_codes,
        sum(len(list_filter(coded_values, c -> c != 'unknown'))) as filled_codes,
        count(*) filter (where len(taxonomy_cells) > 0) as taxonomic_records,
        count(*) filter (where age_band != 'unknown') as age_known,
        count(*) filter (where sex != 'unknown') as sex_known,
        count(*) filter (where race_ethnicity != 'unknown') as race_ethnicity_known,
        count(*) filter (where nationality != 'unknown') as nationality_known
    from records
    group by silver_table, raw_key

),

{% for name, spec in value_lists.items() %}
{{ name }} as (

    -- an object's records repeat a few combinations of these columns: those are found first
    -- (a plain hash aggregate), then their values, then a short sorted list per object.
    -- Unnesting every record instead made this model take 31 s and 1.7 GB at 10M person
    -- records (2.3 s and 0.6 GB this way).
    select silver_table, raw_key, list(value order by value) as {{ name }}
    from (
        select distinct silver_table, raw_key, value
        from (
            select silver_table, raw_key, {{ spec[1] }} as value
            from (select distinct silver_table, raw_key, {{ spec[0] }} from records)
        )
        where value is not null
    )
    group by silver_table, raw_key

),

{% endfor %}

{% for model in silver_models %}
{{ model }}_filled as (

    -- non-null values of each field ('unknown' and 'unmapped' count as empty)
    select
        '{{ model }}' as silver_table,
        raw_key,
        count(
            nullif(nullif(cast(columns(* exclude ({{ (not_fields + lineage_fields.get(model, [])) | join(', ') }})) as varchar),
            'unknown'), 'unmapped')
        )
    from {{ ref(model) }}
    {% if model in scope %}where {{ scope[model] }}{% endif %}
    group by raw_key

),

{{ model }}_fields as (

    select
        silver_table,
        raw_key,
        map(list(field_name order by field_name), list(filled order by field_name))
            as filled_fields
    from (
        unpivot {{ model }}_filled
        on columns(* exclude (silver_table, raw_key))
        into name field_name value filled
    )
    group by silver_table, raw_key

),

{% endfor %}

field_profiles as (

    {% for model in silver_models %}
    select * from {{ model }}_fields
    {% if not loop.last %}union all{% endif %}
    {% endfor %}

)

select
    record_profiles.*,
    {% for name in value_lists %}
    coalesce({{ name }}.{{ name }}, []) as {{ name }},
    {% endfor %}
    field_profiles.filled_fields
from record_profiles
{% for name in value_lists %}
left join {{ name }} using (silver_table, raw_key)
{% endfor %}
left join field_profiles using (silver_table, raw_key)
