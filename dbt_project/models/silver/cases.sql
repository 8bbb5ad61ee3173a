-- Case-level records: prosecutions and enforcement actions, with pseudonymized case numbers
-- and defendants. A data set joins with one more line.
select * from {{ ref('int_prosecutions__cases') }}
union all by name
select * from {{ ref('int_labor_exploitation__cases') }}
