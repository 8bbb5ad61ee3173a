-- Aggregate statistics in long form: one row per indicator, unit, reporting unit, geography,
-- period and slice. A data set joins with one more line.
select * from {{ ref('int_hotline__indicator_observations') }}
union all by name
select * from {{ ref('int_police_offenses__indicator_observations') }}
union all by name
select * from {{ ref('int_commercial_sex_ads__indicator_observations') }}
union all by name
select * from {{ ref('int_massage_businesses__indicator_observations') }}
union all by name
select * from {{ ref('int_prevention_programs__indicator_observations') }}
union all by name
select * from {{ ref('int_community_vulnerability__indicator_observations') }}
union all by name
select * from {{ ref('int_fbi_ht_agency__indicator_observations') }}
union all by name
select * from {{ ref('int_fbi_ht_state_tables__indicator_observations') }}
union all by name
select * from {{ ref('int_ilab_goods__indicator_observations') }}
union all by name
select * from {{ ref('int_tip_tiers__indicator_observations') }}
