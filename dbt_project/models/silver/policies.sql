-- State policies: whether and when each state adopted each canonical policy, as each
-- contributor reports it. Every data set conforming to `policies` is unioned here.
{{ silver_union('policies') }}
