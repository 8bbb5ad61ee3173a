-- Person-level records of every data set, conformed in intermediate/conformed: pseudonymized
-- keys, canonical demographic codes and age bands instead of dates of birth, county-level
-- geography at most. A data set joins with one more name in `conformed`.
--
-- Incremental by raw object (macros/incremental_by_raw_object.sql): a run loads only the
-- objects whose version (raw_key, landed_at) this table does not hold yet, replacing the rows
-- of their earlier version, and drops the rows of objects bronze no longer holds. The
-- full_refresh job rebuilds it whole.
{% set conformed = ['int_screenings__person_records', 'int_service_cases__person_records'] %}
{#- the bronze tables those read, whose versions are listed straight from the Parquet -#}
{% set bronze_tables = [['screenings', 'screenings'], ['service_cases', 'service_cases']] %}
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

{% for name in conformed %}
select * from {{ ref(name) }} {{ scope }}
{% if not loop.last %}union all by name{% endif %}
{% endfor %}
