{#-
    Tests on a model that feeds an incremental table check only the rows a run adds. Such a
    model names, in `meta.tests_rows_newer_than`, the table its rows go on to (person_records
    for the staging models it loads, the object profiles for person_records itself); every
    generic test on it then checks the rows that landed after the newest row that table
    holds, which are the raw objects the run is about to load. Landing stamps each object
    when it lands and an incremental build takes every new object at once, so rows that
    earlier runs checked are not checked again. (A data set's run lands and tests its
    objects before person_records loads them; were a run cut off between the two, another
    data set's run would load them checked by person_records' own tests only.)

    A uniqueness test compares the new rows with all rows: it checks the rows whose key is
    among the new rows' keys. A first build, a --full-refresh run and a missing downstream
    table check everything.
-#}

{#- dbt wraps the relation of every generic test in this macro (it applies `where`). -#}
{% macro get_where_subquery(relation) -%}
    {%- set conditions = [] -%}
    {%- set where = config.get('where') -%}
    {%- if where -%}
        {%- do conditions.append('(' ~ where ~ ')') -%}
    {%- endif -%}
    {%- set newer = rows_added_by_this_run(relation) -%}
    {%- if newer -%}
        {%- do conditions.append(newer) -%}
    {%- endif -%}
    {%- if conditions | length == 0 -%}
        {{ return(relation) }}
    {%- endif -%}
    {%- set filtered -%}
        (select * from {{ relation }} where {{ conditions | join(' and ') }}) dbt_subquery
    {%- endset -%}
    {{ return(filtered) }}
{%- endmacro %}

{#- The condition selecting the rows of `relation` this run adds, or '' to check them all. -#}
{% macro rows_added_by_this_run(relation) -%}
    {%- if not execute or flags.FULL_REFRESH -%}
        {{ return('') }}
    {%- endif -%}
    {#- the model under test, among the nodes the test depends on -#}
    {%- set tested = [] -%}
    {%- for unique_id in model.get('depends_on', {}).get('nodes', []) -%}
        {%- set node = graph.nodes.get(unique_id) -%}
        {%- if node and node.resource_type == 'model' and node.alias == relation.identifier
            and node.schema == relation.schema -%}
            {%- do tested.append(node) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if tested | length != 1 -%}
        {{ return('') }}
    {%- endif -%}
    {%- set downstream_name = tested[0].config.meta.get('tests_rows_newer_than') -%}
    {%- if not downstream_name -%}
        {{ return('') }}
    {%- endif -%}
    {%- set downstream = graph.nodes['model.' ~ project_name ~ '.' ~ downstream_name] -%}
    {%- set loaded = adapter.get_relation(
        database=downstream.database, schema=downstream.schema, identifier=downstream.alias
    ) -%}
    {%- if loaded is none -%}
        {{ return('') }}
    {%- endif -%}
    {%- set newer -%}
        landed_at > (
            select coalesce(max(landed_at), '-infinity'::timestamptz) from {{ loaded }}
        )
    {%- endset -%}
    {%- set test = model.get('test_metadata') or {} -%}
    {%- set key = {
        'unique': [test.get('kwargs', {}).get('column_name')],
        'unique_combination': test.get('kwargs', {}).get('columns'),
    }.get(test.get('name')) -%}
    {%- if key -%}
        {%- set columns = key | join(', ') -%}
        {{ return('(' ~ columns ~ ') in (select ' ~ columns ~ ' from ' ~ relation ~ ' where ' ~ newer ~ ')') }}
    {%- endif -%}
    {{ return(newer) }}
{%- endmacro %}
