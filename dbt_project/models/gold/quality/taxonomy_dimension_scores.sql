-- Two statistics for each dimension value and overall. average_score: the unweighted mean
-- over its nine cells (all 27 overall), an empty cell counting 0, which equals the mean of the
-- three intervention averages, and of the three levels. average_quality_score: the mean
-- quality_score of the distinct data sets feeding any of those cells, each counted once, so it
-- says how good the evidence is where there is some, whatever the empty cells.
with

cells as (

    select * from {{ ref('taxonomy_cell_scores') }}

),

scores as (

    select * from {{ ref('dataset_quality_scores') }}

),

feeds as (

    -- the data sets each cell's score was computed from (a data set feeds a cell only once
    -- it has a quality score)
    select distinct
        cells.intervention,
        cells.condition,
        cells.level,
        scores.data_set,
        scores.quality_score
    from {{ ref('int_data_set_cells') }} as data_set_cells
    inner join cells on cells.cell_id = data_set_cells.cell_id
    inner join scores on scores.data_set = data_set_cells.data_set

),

cell_means as (

    select 'intervention' as dimension, intervention as dimension_value, avg(cell_score) as s
    from cells group by intervention
    union all
    select 'condition', condition, avg(cell_score) from cells group by condition
    union all
    select 'level', level, avg(cell_score) from cells group by level
    union all
    select 'overall', 'all', avg(cell_score) from cells

),

quality_means as (

    select 'intervention' as dimension, intervention as dimension_value, avg(quality_score) as q
    from (select distinct intervention, data_set, quality_score from feeds) group by intervention
    union all
    select 'condition', condition, avg(quality_score)
    from (select distinct condition, data_set, quality_score from feeds) group by condition
    union all
    select 'level', level, avg(quality_score)
    from (select distinct level, data_set, quality_score from feeds) group by level
    union all
    select 'overall', 'all', avg(quality_score)
    from (select distinct data_set, quality_score from feeds)

)

select
    cell_means.dimension,
    cell_means.dimension_value,
    round(cell_means.s, 2) as average_score,
    round(quality_means.q, 2) as average_quality_score
from cell_means
left join quality_means
    on quality_means.dimension = cell_means.dimension
    and quality_means.dimension_value = cell_means.dimension_value
