{#-
  A data set's bronze table as staging reads it: every column its source declares, plus the
  lineage columns, whichever contributors have delivered so far. Bronze keeps each
  contributor's own types, so declared columns arrive as text where contributors disagree and
  staging casts them. Before a data set's first delivery lands there is no bronze object to
  read; the relation is then empty instead of an error.
-#}
{% macro bronze(source_relation) -%}
    {%- if not execute -%}
        {{ source_relation }}
    {%- else -%}
        {%- set node = graph.sources.values()
            | selectattr('source_name', 'equalto', source_relation.identifier)
            | first -%}
        {%- set location = modules.re.search("'([^']+\\.parquet)'", source_relation | string).group(1) -%}
        {%- set delivered = run_query("select count(*) from glob('" ~ location ~ "')").columns[0].values()[0] > 0 -%}
        (
            select
                {%- for column in node.columns %}
                cast(null as varchar) as {{ adapter.quote(column) }},
                {%- endfor %}
                {%- for name, type in lineage_columns() %}
                cast(null as {{ type }}) as {{ name }}{{ "," if not loop.last }}
                {%- endfor %}
            where false
            {%- if delivered %}
            union all by name
            select * from {{ source_relation }}
            {%- endif %}
        )
    {%- endif -%}
{%- endmacro %}
