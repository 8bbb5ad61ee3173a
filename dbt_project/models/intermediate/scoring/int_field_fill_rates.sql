-- Non-null share of each canonical field per data set ('unknown' and 'unmapped' count as
-- empty), the basis of the completeness criterion: the filled counts of the data set's raw
-- objects over their records.
with

object_fields as (

    select
        silver_table,
        data_set,
        record_count,
        unnest(map_keys(filled_fields)) as field_name,
        unnest(map_values(filled_fields)) as filled
    from {{ ref('int_silver_object_profiles') }}

)

select
    data_set,
    field_name,
    sum(filled)::double / sum(record_count) as filled_share
from object_fields
group by silver_table, data_set, field_name
