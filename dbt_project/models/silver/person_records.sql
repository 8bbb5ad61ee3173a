-- Person-level records of every data set, conformed by declaration or in
-- intermediate/conformed (macros/conform_to_silver.sql): pseudonymized
-- keys, canonical demographic codes and age bands instead of dates of birth, county-level
-- geography at most. A data set joins by declaring `silver: {shape: person_records}`.
--
-- Incremental by raw object (macros/incremental_by_raw_object.sql): a run loads only the
-- objects whose version (raw_key, landed_at) this table does not hold yet, replacing the rows
-- of their earlier version, and drops the rows of objects bronze no longer holds. The
-- full_refresh job rebuilds it whole.
{% set inputs = silver_inputs('person_records') %}
{#- the bronze tables those read, whose versions are listed straight from the Parquet -#}
{% set bronze_tables = [] %}
{% for input in inputs %}{% do bronze_tables.append([input.data_set, input.data_set]) %}{% endfor %}
{% for pair in bronze_tables %}
-- depends_on: {{ source(pair[0], pair[1]) }}
{% endfor %}

{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='raw_key',
    on_schema_change='fail',
    post_hook="{{ delete_rows_of_removed_objects(" ~ bronze_tables | tojson ~ ") }}",
) }}

{% set scope = raw_objects_to_load(bronze_tables) %}

with unioned as (

    {{ silver_union('person_records', scope) }}

)

{{ with_country('unioned') }}
