-- All 27 cells, each scored from the data sets that feed it (rule in scoring_settings:
-- 'max' takes the best data set, 'mean' averages them); a cell nobody feeds scores 0.
with

cells as (

    select * from {{ ref('taxonomy_cells') }}

),

scores as (

    select * from {{ ref('dataset_quality_scores') }}

),

feeds as (

    select data_set, cell_id from {{ ref('int_data_set_cells') }}

),

rule as (

    select {{ scoring_setting('cell_score_rule', 'varchar') }} as cell_score_rule

),

fed as (

    select
        feeds.cell_id,
        count(*) as data_set_count,
        max(scores.quality_score) as best_score,
        avg(scores.quality_score) as mean_score,
        -- ties go to the data set first in alphabetical order, so the result is stable
        first(scores.data_set order by scores.quality_score desc, scores.data_set) as best_data_set,
        list(scores.data_set order by scores.data_set) as data_sets
    from feeds
    inner join scores on scores.data_set = feeds.data_set
    group by feeds.cell_id

)

select
    cells.cell_id,
    cells.intervention,
    cells.condition,
    cells.level,
    cells.name as cell_name,
    coalesce(fed.data_set_count, 0) as data_set_count,
    round(
        coalesce(
            case rule.cell_score_rule when 'mean' then fed.mean_score else fed.best_score end,
            0
        ),
        2
    ) as cell_score,
    fed.best_data_set,
    coalesce(fed.data_sets, []::varchar[]) as data_sets
from cells
cross join rule
left join fed on fed.cell_id = cells.cell_id
