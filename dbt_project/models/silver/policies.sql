-- State policies: whether and when each state adopted each canonical policy, as each
-- contributor reports it. A data set joins with one more line.
select * from {{ ref('int_state_policies__policies') }}
