{#- Casts staging applies to text as contributors send it. -#}

{#- A date from ISO text, a timestamp, or the other layouts contributors use. -#}
{% macro parsed_date(value) -%}
    coalesce(
        try_cast({{ value }} as date),
        cast(try_strptime(
            cast({{ value }} as varchar),
            ['%m/%d/%Y', '%Y/%m/%d', '%Y-%m-%dT%H:%M:%S', '%m/%d/%Y %H:%M:%S']
        ) as date)
    )
{%- endmacro %}

{#- Whole years between a date of birth and an event: the age at the event. -#}
{% macro age_in_years(born_on, on_date) -%}
    date_sub('year', {{ born_on }}, {{ on_date }})
{%- endmacro %}

{#-
    yes/no, true/false, 1/0 (also as 1.0/0.0 from statistical files) as a boolean.
    list_contains, not `in (...)`: DuckDB 1.4 plans an IN list of five or more constants as
    a join, and the join stays in every query of the view, even one that reads none of these
    columns (the uniqueness test of the screenings view ran the 24 joins of its six items:
    2.5-3.0 s at 10M rows, 0.8 s without them; a whole scan of the view, 15.8 s -> 12.3 s).
-#}
{% macro as_boolean(value) -%}
    {%- set text = 'lower(trim(cast(' ~ value ~ ' as varchar)))' -%}
    case
        when list_contains(['true', 't', 'yes', 'y', '1', '1.0'], {{ text }}) then true
        when list_contains(['false', 'f', 'no', 'n', '0', '0.0'], {{ text }}) then false
    end
{%- endmacro %}

{#-
    A whole number sent as text, as a number (12086.0) or with thousands separators. A value
    beyond bigint (1e300, inf) is null like any other unreadable one: a cast that raised would
    fail the shared silver models for every data set.
-#}
{% macro as_count(value) -%}
    try_cast(try_cast(replace(trim(cast({{ value }} as varchar)), ',', '') as double) as bigint)
{%- endmacro %}

{#- A FIPS code of `digits` digits, whether sent as text or as a number that lost its zeros. -#}
{% macro fips_code(value, digits) -%}
    lpad(cast({{ as_count(value) }} as varchar), {{ digits }}, '0')
{%- endmacro %}

{#- A code as the code-map seeds match it: text, trimmed, lower case; blank is null. -#}
{% macro code_text(value) -%}
    nullif(lower(trim(cast({{ value }} as varchar))), '')
{%- endmacro %}
