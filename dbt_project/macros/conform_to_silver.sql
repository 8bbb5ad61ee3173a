{#-
  Declared conformance: a data set whose declaration has a `silver` block reaches its silver
  model through this macro alone (no model of its own in intermediate/conformed/).

    silver:
      shape: person_records            # person_records | cases | indicator_observations | policies
      from: stg_victims__records       # the staging model it reads
      fields:                          # silver field: how to fill it from staging columns
        record_key: case_id            #   a SQL expression over staging columns, or
        sex: {code: sex_codes, column: gender}   # a code mapped through a code seed
        age_band: {age: age}           #   the hub's band of an age in years (each
                                       #   conversion takes a column or an expression)
        age_band: {age_range: age_text}  # a declared range ("9-17") to the band it overlaps most
        country_iso3: {country: citizenship}     # ISO 3166-1 alpha-3 of a code or name
        state_fips: {state: state}     #   FIPS of a USPS code, FIPS code or state name
      measures:                        # indicator_observations: staging column -> what it counts
        victims: {unit: persons, cells: [protection.supply.individual]}
        sex_cases: {unit: cases, rules: {htcds_exploitation_type: [sex]}}   # codes under a rule
      cells: [protection.supply.individual]     # cells every record feeds

  Fields not declared are null, except the ones filled by convention: data_set; record and
  person keys pseudonymized with the contributor (the person key is the record key when
  only that is declared); coded person fields 'unknown'; state_fips from a state
  contributor's jurisdiction; country_iso3 USA for a US state, else the contributor's
  country; the lineage columns; geography level, period bounds and, for records known by
  year only, the event date (the year's first day) from what the row names.
-#}
{% macro conform_to_silver(data_set, relation) -%}
    {%- if not execute -%}
        select 1 from {{ relation }}
    {%- else -%}
        {%- set declaration = declared_silver(data_set) -%}
        {%- set shape = declaration.shape -%}
        {%- set columns = graph.nodes['model.' ~ project_name ~ '.' ~ shape].columns -%}
        {%- set measures = declaration.get('measures') or {'': {}} -%}
        with staged as (select * from {{ relation }})
        {% for measure, about in measures.items() %}
        select
            {%- for name, column in columns.items() %}
            {{ silver_field(data_set, declaration, name, column.data_type, measure, about or {}) }} as {{ name }}
            {%- if not loop.last %},{% endif %}
            {%- endfor %}
        from staged
        {%- if measure %}
        where {{ adapter.quote(measure) }} is not null
        {%- endif %}
        {% if not loop.last %}union all{% endif %}
        {%- endfor %}
    {%- endif %}
{%- endmacro %}

{#- The `silver` block of a data set's declaration. -#}
{% macro declared_silver(data_set) -%}
    {%- for declared in declared_data_sets() if declared.name == data_set -%}
        {{ return(declared.hub.silver) }}
    {%- endfor -%}
    {{ exceptions.raise_compiler_error('data set ' ~ data_set ~ ' declares no silver block') }}
{%- endmacro %}

{#- One silver column of a declared data set, cast to the silver model's type. -#}
{% macro silver_field(data_set, declaration, name, data_type, measure, about) -%}
    {%- set fields = declaration.get('fields') or {} -%}
    {%- set declared = fields.get(name) -%}
    {%- set lineage = ['raw_key', 'landed_at', 'delivery', 'contributor'] -%}
    {%- if name == 'data_set' -%}
        {{ sql_text(data_set) }}
    {%- elif name in lineage -%}
        {{ name }}
    {%- elif name == 'taxonomy_cells' -%}
        {{ declared_cells(
            data_set,
            (declaration.get('cells') or []) + (about.get('cells') or []),
            about.get('rules') or {},
        ) }}
    {%- elif measure and name == 'indicator' -%}
        {{ sql_text(about.get('indicator') or data_set ~ '_' ~ measure) }}
    {%- elif measure and name == 'observed_value' -%}
        cast({{ as_number(adapter.quote(measure)) }} as double)
    {%- elif measure and name in ['unit', 'slice_dimension', 'slice_value'] and about.get(name) -%}
        {{ sql_text(about.get(name)) }}
    {%- elif declared is not none -%}
        {%- set expression = field_expression(declared) -%}
        {%- if name in ['record_key', 'person_key', 'case_key', 'defendant_key'] -%}
            hub_pseudonym(concat_ws('|', contributor, cast({{ expression }} as varchar)))
        {%- elif name in coded_fields() and declared is mapping and 'country' in declared -%}
            case
                when nullif(trim(cast({{ staging_value(declared.country) }} as varchar)), '') is null
                    then 'unknown'
                else coalesce({{ expression }}, 'unmapped')
            end
        {%- elif name in coded_fields() -%}
            coalesce(cast({{ expression }} as varchar), 'unknown')
        {%- else -%}
            cast({{ expression }} as {{ data_type }})
        {%- endif -%}
    {%- elif name == 'person_key' and 'record_key' in fields -%}
        hub_pseudonym(concat_ws('|', contributor, cast({{ field_expression(fields.record_key) }} as varchar)))
    {%- elif name in coded_fields() -%}
        'unknown'
    {%- else -%}
        {{ silver_default(declaration, name, data_type, fields) }}
    {%- endif -%}
{%- endmacro %}

{#- The SQL of one declared field: an expression, or one of the hub's conversions. -#}
{% macro field_expression(declared) -%}
    {%- if declared is mapping -%}
        {%- if 'code' in declared -%}
            {{ canonical_code(declared.code, staging_value(declared.column), declared.get('field')) }}
        {%- elif 'age' in declared -%}
            {{ age_band(as_number(staging_value(declared.age))) }}
        {%- elif 'age_range' in declared -%}
            {{ age_band_of_range(staging_value(declared.age_range), declared.get('min_overlap', 1.0)) }}
        {%- elif 'country' in declared -%}
            {{ country_iso3_of(staging_value(declared.country)) }}
        {%- elif 'state' in declared -%}
            {{ state_fips_of(staging_value(declared.state)) }}
        {%- else -%}
            {{ exceptions.raise_compiler_error('unknown field conversion ' ~ declared) }}
        {%- endif -%}
    {%- else -%}
        {{ declared }}
    {%- endif -%}
{%- endmacro %}

{#- The operand of a conversion: a staging column (quoted as a name), or a SQL expression
    over staging columns. -#}
{% macro staging_value(declared) -%}
    {%- if modules.re.match('^[A-Za-z_][A-Za-z0-9_]*$', declared) -%}
        {{ adapter.quote(declared) }}
    {%- else -%}
        ({{ declared }})
    {%- endif -%}
{%- endmacro %}

{#- What an undeclared silver field holds by convention; null when there is none. -#}
{% macro silver_default(declaration, name, data_type, fields) -%}
    {%- if name == 'state_fips' -%}
        {{ contributor_state_fips('contributor') }}
    {%- elif name == 'country_iso3' -%}
        coalesce(
            {{ contributor_country_iso3('contributor') }},
            case when {{ silver_field_sql(declaration, 'state_fips', fields) }} is not null
                then 'USA' end
        )
    {%- elif name == 'event_date' and 'period_year' in fields -%}
        make_date(cast({{ field_expression(fields.period_year) }} as integer), 1, 1)
    {%- elif name == 'period_year' and 'event_date' in fields -%}
        year(cast({{ field_expression(fields.event_date) }} as date))
    {%- elif name == 'period_start' and 'period_year' in fields -%}
        make_date(cast({{ field_expression(fields.period_year) }} as integer), 1, 1)
    {%- elif name == 'period_end' and 'period_year' in fields -%}
        make_date(cast({{ field_expression(fields.period_year) }} as integer), 12, 31)
    {%- elif name == 'geography_level' -%}
        case
            when {{ silver_field_sql(declaration, 'county_fips', fields) }} is not null then 'county'
            when {{ silver_field_sql(declaration, 'state_fips', fields) }} is not null then 'state'
            else 'country'
        end
    {%- elif name in ['unit'] -%}
        'count'
    {%- elif name in ['slice_dimension', 'slice_value'] -%}
        'all'
    {%- else -%}
        cast(null as {{ data_type }})
    {%- endif -%}
{%- endmacro %}

{#- Coded person fields: 'unknown' when the record does not say, 'unmapped' when no seed
    knows what it says, never null. -#}
{% macro coded_fields() -%}
    {{ return(['age_band', 'sex', 'race_ethnicity', 'nationality']) }}
{%- endmacro %}

{#- A field as declared, or as its convention fills it (for fields others derive from). -#}
{% macro silver_field_sql(declaration, name, fields) -%}
    {%- if name in fields -%}
        {{ field_expression(fields[name]) }}
    {%- elif name == 'state_fips' -%}
        {{ contributor_state_fips('contributor') }}
    {%- else -%}
        cast(null as varchar)
    {%- endif -%}
{%- endmacro %}

{#- A number from text with thousands separators, or a number. -#}
{% macro as_number(value) -%}
    try_cast(replace(trim(cast({{ value }} as varchar)), ',', '') as double)
{%- endmacro %}

{#- The cells a declared record feeds: its data set's rules (of indicator_cell_map, with
    `rules` naming the codes a measure carries under a kind of rule), plus the cells it
    declares. -#}
{% macro declared_cells(data_set, cells, rules) -%}
    {%- set codes = {} -%}
    {%- for kind, values in rules.items() -%}
        {%- set literals = [] -%}
        {%- for value in values %}{% do literals.append(sql_text(value)) %}{% endfor -%}
        {%- do codes.update({kind: '[' ~ literals | join(', ') ~ ']'}) -%}
    {%- endfor -%}
    {%- if cells -%}
        list_sort(list_distinct(list_concat(
            {{ taxonomy_cells(data_set, codes) }},
            [{% for cell in cells %}{{ sql_text(cell) }}{% if not loop.last %}, {% endif %}{% endfor %}]::varchar[]
        )))
    {%- else -%}
        {{ taxonomy_cells(data_set, codes) }}
    {%- endif -%}
{%- endmacro %}

{#-
  A silver model's rows: every input `silver_inputs(shape)` lists (declared data sets through
  conform_to_silver, hand-written models as they are), unioned by column name. `scope` is a
  WHERE clause each input is read through (incremental silver models pass one).
-#}
{% macro silver_union(shape, scope='') -%}
    {%- set inputs = silver_inputs(shape) -%}
    {%- if not inputs -%}
        {{ exceptions.raise_compiler_error(
            'no data set feeds ' ~ shape ~ '; run `hub prepare` after adding a declaration') }}
    {%- endif -%}
    {%- for input in inputs %}
    select * from (
        {%- if input.declared %}
        {#- what the conformance reads, named while dbt parses (it cannot read the declaration
            then) -#}
        {%- for lookup in input.refs %}{% do ref(lookup) %}{% endfor %}
        {{ conform_to_silver(input.data_set, ref(input.model)) }}
        {%- else %}
        select * from {{ ref(input.model) }}
        {%- endif %}
    ) as {{ input.data_set }} {{ scope }}
    {% if not loop.last %}union all by name{% endif %}
    {%- endfor %}
{%- endmacro %}

{#- Country and subdivision (ISO 3166-1 alpha-3, ISO 3166-2) where a row names neither but
    names a US state. -#}
{% macro with_country(relation) -%}
    {%- set states -%}
        select state_fips as k, 'US-' || state_abbr as v from {{ ref('us_states') }}
    {%- endset -%}
    select * replace (
        coalesce(country_iso3, case when state_fips is not null then 'USA' end) as country_iso3,
        coalesce(subdivision, {{ lookup_map(states) }}[state_fips]) as subdivision
    )
    from {{ relation }}
{%- endmacro %}
