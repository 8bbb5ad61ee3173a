-- Each measure scored 0-3 against the rubric seed's thresholds, in the rubric's direction.
with

measures as (

    unpivot {{ ref('int_data_set_measures') }}
    on freshness, definitional_consistency, completeness, taxonomic_applicability,
        temporal_coverage, geographic_coverage, demographic_coverage
    into name criterion value measured_value

),

rubric as (

    select * from {{ ref('scoring_rubric') }}

)

select
    measures.data_set,
    measures.criterion,
    rubric.criterion_group,
    rubric.weight,
    measures.measured_value,
    case
        when rubric.direction = 'lower_is_better' then
            case
                when measures.measured_value <= rubric.threshold_3 then 3
                when measures.measured_value <= rubric.threshold_2 then 2
                when measures.measured_value <= rubric.threshold_1 then 1
                else 0
            end
        else
            case
                when measures.measured_value >= rubric.threshold_3 then 3
                when measures.measured_value >= rubric.threshold_2 then 2
                when measures.measured_value >= rubric.threshold_1 then 1
                else 0
            end
    end as criterion_score
from measures
inner join rubric on rubric.criterion = measures.criterion
