{#-
    Silver loaded incrementally by raw object. Every row carries the raw object it came from
    (raw_key) and when that object landed (landed_at): together, the object's version. Bronze
    replaces an object whole, so a run loads exactly the versions silver does not hold.
-#}

{#- A WHERE clause limiting the models named to the raw objects this run must load: none on a
    full build, else the raw keys of the versions bronze holds and this table does not. The
    keys are listed as constants, so DuckDB skips every other bronze file at the scan. -#}
{% macro raw_objects_to_load(model_names) -%}
    {%- if not execute or not is_incremental() -%}
        {{ return('') }}
    {%- endif -%}
    {%- set versions_to_load -%}
        (
        {%- for name in model_names %}
            select distinct raw_key, landed_at from {{ ref(name) }}
            {%- if not loop.last %} union {% endif -%}
        {% endfor %}
        )
        except
        select distinct raw_key, landed_at from {{ this }}
    {%- endset -%}
    {%- set keys = run_query(versions_to_load).columns[0].values() | unique | list -%}
    {%- if keys | length == 0 -%}
        {{ return('where false') }}
    {%- endif -%}
    {%- set literals = [] -%}
    {%- for key in keys | sort -%}
        {%- do literals.append("'" ~ key | replace("'", "''") ~ "'") -%}
    {%- endfor -%}
    {{ return('where raw_key in (' ~ literals | join(', ') ~ ')') }}
{%- endmacro %}

{#- Post-hook: the rows of raw objects that no longer reach the models named (withdrawn
    contributors, removed deliveries) leave the table. -#}
{% macro delete_rows_of_removed_objects(model_names) -%}
    delete from {{ this }} where raw_key not in (
    {%- for name in model_names %}
        select raw_key from {{ ref(name) }}
        {%- if not loop.last %} union {% endif -%}
    {% endfor %}
    )
{%- endmacro %}
