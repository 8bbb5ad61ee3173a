{#-
    Silver loaded incrementally by raw object. Every row carries the raw object it came from
    (raw_key) and when that object landed (landed_at): together, the object's version. Bronze
    replaces an object whole, so a run loads exactly the versions silver does not hold. The
    versions bronze holds are read from the two lineage columns of its Parquet files alone.
-#}

{#- Each version (raw_key, landed_at) in the bronze tables given as [source, table] pairs. -#}
{% macro bronze_versions(bronze_tables) -%}
    {%- for pair in bronze_tables %}
    select distinct _raw_key as raw_key, _ingested_at as landed_at
    from {{ bronze(source(pair[0], pair[1])) }}
    {%- if not loop.last %} union {% endif -%}
    {% endfor %}
{%- endmacro %}

{#- A WHERE clause limiting the run to the raw objects it must load: none on a full build,
    else the raw keys of the versions bronze holds and this table does not, as constants. -#}
{% macro raw_objects_to_load(bronze_tables) -%}
    {%- if not execute or not is_incremental() -%}
        {{ return('') }}
    {%- endif -%}
    {%- set versions_to_load -%}
        ({{ bronze_versions(bronze_tables) }})
        except
        select distinct raw_key, landed_at from {{ this }}
    {%- endset -%}
    {{ return('where ' ~ raw_keys_in(versions_to_load)) }}
{%- endmacro %}

{#- `raw_key in (...)` with the raw keys a query returns in its first column, as constants
    (so DuckDB prunes the files and row groups of other objects); `false` when it returns
    none. -#}
{% macro raw_keys_in(query) -%}
    {%- set keys = run_query(query).columns[0].values() | unique | list -%}
    {%- if keys | length == 0 -%}
        {{ return('false') }}
    {%- endif -%}
    {%- set literals = [] -%}
    {%- for key in keys | sort -%}
        {%- do literals.append("'" ~ key | replace("'", "''") ~ "'") -%}
    {%- endfor -%}
    {{ return('raw_key in (' ~ literals | join(', ') ~ ')') }}
{%- endmacro %}

{#- Post-hook: the rows of raw objects bronze no longer holds (withdrawn contributors,
    removed deliveries) leave the table. -#}
{% macro delete_rows_of_removed_objects(bronze_tables) -%}
    delete from {{ this }}
    where raw_key not in (select raw_key from ({{ bronze_versions(bronze_tables) }}))
{%- endmacro %}


{#- Post-hook of int_silver_object_profiles: the profiles of raw objects the silver tables
    no longer hold leave it. -#}
{% macro delete_profiles_of_removed_objects(silver_models) -%}
    delete from {{ this }}
    where
    {%- for model in silver_models %}
        (silver_table = '{{ model }}' and raw_key not in (select raw_key from {{ ref(model) }}))
        {%- if not loop.last %} or{% endif %}
    {%- endfor %}
{%- endmacro %}
