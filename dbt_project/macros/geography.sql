{#-
  Geography lookups against the reference seeds; each gives null when nothing matches. Each
  seed is read once per query into a map (or list) by an uncorrelated subquery and looked up
  per row: no correlated subquery, so DuckDB neither joins every row to the seed nor stops a
  filter on the caller's rows from reaching the bronze scan.
-#}

{#- A map built by `query`, which selects (k, v) rows; the first v of a repeated k wins. -#}
{% macro lookup_map(query) -%}
    (
        select map(list(k), list(v))
        from (select k, any_value(v) as v from ({{ query }}) where k is not null group by k)
    )
{%- endmacro %}

{#- The two-digit FIPS code of a state written as a USPS code, a FIPS code or its name. -#}
{% macro state_fips_of(state) -%}
    {%- set states -%}
        select state_abbr as k, state_fips as v from {{ ref('us_states') }}
        union all select state_fips, state_fips from {{ ref('us_states') }}
        union all select upper(state_name), state_fips from {{ ref('us_states') }}
    {%- endset -%}
    {{ lookup_map(states) }}[upper(trim({{ state }}))]
{%- endmacro %}

{#- The state FIPS code of the state a state-level contributor reports for. -#}
{% macro contributor_state_fips(contributor) -%}
    {%- set contributors -%}
        select j.contributor as k, s.state_fips as v
        from {{ ref('contributor_jurisdictions') }} as j
        inner join {{ ref('us_states') }} as s on s.state_abbr = j.state_abbr
    {%- endset -%}
    {{ lookup_map(contributors) }}[{{ contributor }}]
{%- endmacro %}

{#- A county name without its type word, lower case: "St. Tammany Parish" -> "st. tammany". -#}
{% macro county_name_key(name) -%}
    regexp_replace(lower(trim({{ name }})), '\s+(county|parish|borough|census area)$', '')
{%- endmacro %}

{#- The five-digit FIPS code of a county named within a state. -#}
{% macro county_fips_of(state_fips, county_name) -%}
    {%- set counties -%}
        select state_fips || '|' || {{ county_name_key('county_name') }} as k, county_fips as v
        from {{ ref('us_counties') }}
    {%- endset -%}
    {{ lookup_map(counties) }}[{{ state_fips }} || '|' || {{ county_name_key(county_name) }}]
{%- endmacro %}

{#- The ISO 3166-1 alpha-3 code of a country written as a code, its ISO name or a common name. -#}
{% macro country_iso3_of(country) -%}
    {%- set countries -%}
        select iso3 as k, iso3 as v from {{ ref('countries') }}
        union all select upper(name), iso3 from {{ ref('countries') }}
    {%- endset -%}
    {%- set names -%}
        select lower(trim(source_code)) as k, canonical_code as v from {{ ref('country_names') }}
    {%- endset -%}
    coalesce(
        {{ lookup_map(countries) }}[upper(trim({{ country }}))],
        {{ lookup_map(names) }}[lower(trim({{ country }}))]
    )
{%- endmacro %}

{#- The ISO 3166-1 alpha-3 code of the country a country-level contributor reports for. -#}
{% macro contributor_country_iso3(contributor) -%}
    {%- set contributors -%}
        select contributor as k, country_iso3 as v
        from {{ ref('contributor_jurisdictions') }}
        where country_iso3 is not null
    {%- endset -%}
    {{ lookup_map(contributors) }}[{{ contributor }}]
{%- endmacro %}
