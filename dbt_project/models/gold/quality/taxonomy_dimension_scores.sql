-- Unweighted means over each dimension value's nine cells, and the overall mean of all 27
-- (which equals the mean of the three intervention averages, and of the three levels).
with

cells as (

    select * from {{ ref('taxonomy_cell_scores') }}

),

by_value as (

    select 'intervention' as dimension, intervention as dimension_value, avg(cell_score) as s
    from cells group by intervention
    union all
    select 'condition', condition, avg(cell_score) from cells group by condition
    union all
    select 'level', level, avg(cell_score) from cells group by level
    union all
    select 'overall', 'all', avg(cell_score) from cells

)

select
    dimension,
    dimension_value,
    round(s, 2) as average_score
from by_value
