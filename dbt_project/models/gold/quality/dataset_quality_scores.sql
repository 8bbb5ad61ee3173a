-- One row per data set in the hub: the seven criteria (measured value and 0-3 score), the
-- two group scores (0-3) and the normalized 0-10 score with the groups weighted per settings.
with

criteria as (

    select * from {{ ref('int_data_set_criterion_scores') }}

),

measures as (

    select * from {{ ref('int_data_set_measures') }}

),

settings as (

    select
        {{ scoring_setting('group_weight_reliability_validity') }} as reliability_weight,
        {{ scoring_setting('group_weight_coverage') }} as coverage_weight,
        {{ scoring_setting('normalized_score_max') }} as score_max

),

groups as (

    select
        data_set,
        sum(criterion_score * weight) filter (where criterion_group = 'reliability_validity')
            / sum(weight) filter (where criterion_group = 'reliability_validity')
            as reliability_validity_score,
        sum(criterion_score * weight) filter (where criterion_group = 'coverage')
            / sum(weight) filter (where criterion_group = 'coverage') as coverage_score
    from criteria
    group by data_set

),

wide as (

    select
        data_set,
        {% for criterion in ['freshness', 'definitional_consistency', 'completeness',
            'taxonomic_applicability', 'temporal_coverage', 'geographic_coverage',
            'demographic_coverage'] %}
        max(measured_value) filter (where criterion = '{{ criterion }}')
            as {{ criterion }}_value,
        max(criterion_score) filter (where criterion = '{{ criterion }}')
            as {{ criterion }}_score{% if not loop.last %},{% endif %}
        {% endfor %}
    from criteria
    group by data_set

)

select
    wide.data_set,
    current_date as as_of_date,
    measures.record_count,
    measures.newest_record_date,
    wide.* exclude (data_set),
    round(groups.reliability_validity_score, 4) as reliability_validity_score,
    round(groups.coverage_score, 4) as coverage_score,
    round(
        (
            groups.reliability_validity_score * settings.reliability_weight
            + groups.coverage_score * settings.coverage_weight
        ) / (settings.reliability_weight + settings.coverage_weight) / 3.0 * settings.score_max,
        2
    ) as quality_score
from wide
inner join groups on groups.data_set = wide.data_set
inner join measures on measures.data_set = wide.data_set
cross join settings
