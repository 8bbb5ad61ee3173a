-- Case-level records: prosecutions and enforcement actions, with pseudonymized case numbers
-- and defendants. Every data set whose declaration conforms to `cases`, or that has a model
-- intermediate/conformed/int_<data set>__cases.sql, is unioned here (macros/conform_to_silver.sql).
with unioned as (

    {{ silver_union('cases') }}

)

{{ with_country('unioned') }}
