-- The jurisdiction each contributor reports for, as the data set declarations give it. A
-- state contributor's records belong to its state even where they do not name it (a parish
-- name, a case file without an address), so conformance takes the state from here when a
-- record has none.

select
    cast(contributor as varchar) as contributor,
    cast(data_set as varchar) as data_set,
    cast(name as varchar) as name,
    cast(kind as varchar) as kind,
    cast(jurisdiction as varchar) as jurisdiction,
    cast(state_abbr as varchar) as state_abbr,
    cast(country_iso3 as varchar) as country_iso3
from (values
    {%- for data_set in declared_data_sets() %}
    {%- for contributor, feed in (data_set.hub.contributors or {}).items() %}
    {%- set reach = feed.get('jurisdiction', 'national') %}
    {%- set level = (reach.keys() | first) if reach is mapping else reach %}
    {%- set code = (reach.values() | first) if reach is mapping else none %}
    (
        {{ sql_text(contributor) }},
        {{ sql_text(data_set.name) }},
        {{ sql_text(feed.get('name', contributor)) }},
        {{ sql_text(feed.get('kind')) }},
        {{ sql_text(level) }},
        {{ sql_text(code if level == 'state' else none) }},
        {{ sql_text(code if level == 'country' else none) }}
    ),
    {%- endfor %}
    {%- endfor %}
    (null, null, null, null, null, null, null)
) as declared (contributor, data_set, name, kind, jurisdiction, state_abbr, country_iso3)
where contributor is not null
