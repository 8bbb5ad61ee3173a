-- Non-null share of each canonical field per data set ('unknown' and 'unmapped' count as
-- empty), the basis of the completeness criterion.
{% set silver_models = ['person_records', 'cases', 'indicator_observations', 'policies'] %}
{% set not_fields = ['data_set', 'taxonomy_cells', 'raw_key', 'delivery', 'contributor'] %}
-- lineage a model carries beyond the shared columns, not a field to fill
{% set lineage_fields = {'person_records': ['landed_at']} %}

with

{% for model in silver_models %}
{{ model }}_counts as (

    select
        data_set,
        count(*) as total_rows,
        count(
            nullif(nullif(cast(columns(* exclude ({{ (not_fields + lineage_fields.get(model, [])) | join(', ') }})) as varchar),
            'unknown'), 'unmapped')
        )
    from {{ ref(model) }}
    group by data_set

),

{{ model }}_fill as (

    select data_set, field_name, filled_rows::double / total_rows as filled_share
    from (
        unpivot {{ model }}_counts
        on columns(* exclude (data_set, total_rows))
        into name field_name value filled_rows
    )

){% if not loop.last %},{% endif %}
{% endfor %}

{% for model in silver_models %}
select * from {{ model }}_fill
{% if not loop.last %}union all{% endif %}
{% endfor %}
