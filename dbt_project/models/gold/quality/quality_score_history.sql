{{ config(
    materialized='incremental',
    unique_key=['as_of_date', 'data_set'],
    on_schema_change='fail',
) }}
-- Every day's quality scores kept, so a steward sees trends; a rerun on the same day
-- replaces that day's rows rather than adding more.
select
    as_of_date,
    data_set,
    record_count,
    reliability_validity_score,
    coverage_score,
    quality_score
from {{ ref('dataset_quality_scores') }}
