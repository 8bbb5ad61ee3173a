-- State policies in the policies shape: the canonical policy, its category and the cells
-- the category feeds. A policy a state has not adopted is a row too (is_enacted false).
with

state_policies as (

    select * from {{ ref('stg_state_policies__policies') }}

),

policy_categories as (

    select * from {{ ref('policy_categories') }}

),

coded as (

    select
        *,
        {{ state_fips_of('state') }} as state_fips,
        {{ canonical_code('policy_code_map', 'policy_code') }} as canonical_policy_code
    from state_policies

),

categorized as (

    select
        coded.*,
        coalesce(
            policy_categories.category,
            case when coded.canonical_policy_code = 'unknown' then 'unknown' else 'unmapped' end
        ) as category
    from coded
    left join policy_categories
        on policy_categories.policy_code = coded.canonical_policy_code

),

conformed as (

    select
        'state_policies' as data_set,
        state_fips,
        canonical_policy_code as policy_code,
        category,
        is_enacted,
        try_cast(enacted_year as integer) as enacted_year,
        enacted_on,
        bill_number,
        try_cast(enacted_year as bigint) as period_year,
        {{ taxonomy_cells('state_policies', 'policy_category', '[category]') }}
            as taxonomy_cells,
        raw_key,
        delivery,
        contributor
    from categorized

)

select * from conformed
