-- Aggregate statistics in long form: one row per indicator, unit, reporting unit, geography,
-- period and slice. Every data set whose declaration conforms to `indicator_observations`, or
-- that has a model intermediate/conformed/int_<data set>__indicator_observations.sql, is
-- unioned here (macros/conform_to_silver.sql).
{{ silver_union('indicator_observations') }}
