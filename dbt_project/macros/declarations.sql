{#- The data sets declared in the staging folders' sources files (their `meta.hub` blocks),
    sorted by name: the one place a data set is named. Empty while dbt parses. -#}
{% macro declared_data_sets() -%}
    {%- set declared = [] -%}
    {%- if execute -%}
        {%- for source in graph.sources.values() | sort(attribute='name') -%}
            {%- set hub = (source.config.meta or {}).get('hub') or (source.meta or {}).get('hub') -%}
            {%- if hub and source.package_name == project_name -%}
                {%- do declared.append({'name': source.name, 'hub': hub}) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
    {{ return(declared) }}
{%- endmacro %}

{#- A SQL string literal of any value: quotes doubled, never interpolated raw. -#}
{% macro sql_text(value) -%}
    {%- if value is none -%}cast(null as varchar){%- else -%}'{{ (value | string).replace("'", "''") }}'{%- endif -%}
{%- endmacro %}
