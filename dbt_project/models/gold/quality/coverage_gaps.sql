-- Every cell ranked by what filling it would be worth: the overall score if one data set of
-- the hub's median quality were added to that cell, under the cell score rule.
with

cells as (

    select * from {{ ref('taxonomy_cell_scores') }}

),

median_quality as (

    select coalesce(median(quality_score), 0) as median_score
    from {{ ref('dataset_quality_scores') }}

),

rule as (

    select {{ scoring_setting('cell_score_rule', 'varchar') }} as cell_score_rule

),

overall as (

    select avg(cell_score) as overall_score, count(*) as cell_count from cells

),

what_if as (

    select
        cells.cell_id,
        cells.intervention,
        cells.condition,
        cells.level,
        cells.data_set_count,
        cells.cell_score,
        median_quality.median_score,
        case
            when rule.cell_score_rule = 'mean'
                then (cells.cell_score * cells.data_set_count + median_quality.median_score)
                    / (cells.data_set_count + 1)
            else greatest(cells.cell_score, median_quality.median_score)
        end as cell_score_if_added,
        overall.overall_score,
        overall.cell_count
    from cells
    cross join median_quality
    cross join rule
    cross join overall

)

select
    cell_id,
    intervention,
    condition,
    level,
    data_set_count,
    cell_score,
    round(median_score, 2) as added_data_set_score,
    round(cell_score_if_added, 2) as cell_score_if_added,
    round(overall_score, 4) as overall_score,
    round(overall_score + (cell_score_if_added - cell_score) / cell_count, 4)
        as overall_score_if_added,
    round((cell_score_if_added - cell_score) / cell_count, 4) as marginal_gain,
    row_number() over (
        order by (cell_score_if_added - cell_score) desc, cell_id
    ) as gap_rank
from what_if
