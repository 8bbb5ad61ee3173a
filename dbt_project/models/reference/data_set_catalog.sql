-- The data sets the hub holds, as their declarations describe them (meta.hub of each
-- staging folder's sources file): nothing here is written by hand.
{%- set scopes = {
    'us_counties': 'us_counties', 'us_states': 'us_states',
    'us_national': 'us_national', 'global': 'countries',
} %}
{%- set levels = {
    'us_counties': 'county', 'us_states': 'state', 'us_national': 'country', 'global': 'country',
} %}

select
    cast(data_set as varchar) as data_set,
    cast(title as varchar) as title,
    cast(publisher_type as varchar) as publisher_type,
    cast(grain as varchar) as grain,
    cast(expected_cadence_days as integer) as expected_cadence_days,
    cast(standard_definition as varchar) as standard_definition,
    cast(geography_level as varchar) as geography_level,
    cast(target_geography as varchar) as target_geography,
    cast(demographic_dimensions_expected as varchar) as demographic_dimensions_expected,
    cast(expected_fields as varchar) as expected_fields
from (values
    {%- for data_set in declared_data_sets() %}
    {%- set hub = data_set.hub %}
    {%- set scope = hub.get('scope', 'us_states') %}
    (
        {{ sql_text(data_set.name) }},
        {{ sql_text(hub.get('title', data_set.name)) }},
        {{ sql_text(hub.get('publisher_type') or 'government') }},
        {{ sql_text(hub.get('grain', '')) }},
        {{ hub.cadence_days | int }},
        {{ sql_text(hub.get('standard_definition', 'none')) }},
        {{ sql_text(hub.get('geography_level') or levels.get(scope)) }},
        {{ sql_text(scopes.get(scope)) }},
        {{ sql_text(hub.get('demographic_dimensions', []) | join(';')) }},
        {{ sql_text(hub.get('expected_fields', []) | join(';')) }}
    ),
    {%- endfor %}
    (null, null, null, null, null, null, null, null, null, null)
) as declared (
    data_set, title, publisher_type, grain, expected_cadence_days, standard_definition,
    geography_level, target_geography, demographic_dimensions_expected, expected_fields
)
where data_set is not null
