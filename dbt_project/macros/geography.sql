{#-
  Geography lookups against the reference seeds; each gives null when nothing matches. The
  seeds' columns are renamed inside each lookup, so a caller's unqualified column (state_fips,
  county_name) always means the caller's own.
-#}

{#- The two-digit FIPS code of a state written as a USPS code, a FIPS code or its name. -#}
{% macro state_fips_of(state) -%}
    (
        select any_value(s.seed_state_fips)
        from (
            select
                state_fips as seed_state_fips,
                state_abbr as seed_state_abbr,
                upper(state_name) as seed_state_name
            from {{ ref('us_states') }}
        ) as s
        where upper(trim({{ state }})) in (s.seed_state_abbr, s.seed_state_fips, s.seed_state_name)
    )
{%- endmacro %}

{#- The state FIPS code of the state a state-level contributor reports for. -#}
{% macro contributor_state_fips(contributor) -%}
    (
        select any_value(s.seed_state_fips)
        from (
            select j.contributor as seed_contributor, s.state_fips as seed_state_fips
            from {{ ref('contributor_jurisdictions') }} as j
            inner join {{ ref('us_states') }} as s on s.state_abbr = j.state_abbr
        ) as s
        where s.seed_contributor = {{ contributor }}
    )
{%- endmacro %}

{#- A county name without its type word, lower case: "St. Tammany Parish" -> "st. tammany". -#}
{% macro county_name_key(name) -%}
    regexp_replace(lower(trim({{ name }})), '\s+(county|parish|borough|census area)$', '')
{%- endmacro %}

{#- The five-digit FIPS code of a county named within a state. -#}
{% macro county_fips_of(state_fips, county_name) -%}
    (
        select any_value(c.seed_county_fips)
        from (
            select
                county_fips as seed_county_fips,
                state_fips as seed_state_fips,
                {{ county_name_key('county_name') }} as seed_county_key
            from {{ ref('us_counties') }}
        ) as c
        where c.seed_state_fips = {{ state_fips }}
          and c.seed_county_key = {{ county_name_key(county_name) }}
    )
{%- endmacro %}

{#- The ISO 3166-1 alpha-3 code of a country written as a code, its ISO name or a common name. -#}
{% macro country_iso3_of(country) -%}
    coalesce(
        (
            select any_value(c.seed_iso3)
            from (
                select iso3 as seed_iso3, upper(name) as seed_name from {{ ref('countries') }}
            ) as c
            where upper(trim({{ country }})) in (c.seed_iso3, c.seed_name)
        ),
        (
            select any_value(n.seed_iso3)
            from (
                select lower(trim(source_code)) as seed_source_code, canonical_code as seed_iso3
                from {{ ref('country_names') }}
            ) as n
            where n.seed_source_code = lower(trim({{ country }}))
        )
    )
{%- endmacro %}
