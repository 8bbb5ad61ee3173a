-- One row per state and policy as a contributor reports it: the tracker's table is turned
-- from a column per policy into rows, the legislatures' bills are one row each.
with

source as (

    select * from {{ bronze(source('state_policies', 'state_policies')) }}

),

tracker_rows as (

    select state, columns('^year_adopted__'), _raw_key, _delivery, _contributor, _row_number
    from source
    where policy_code is null

),

tracked as (

    select *
    from tracker_rows
    unpivot include nulls (year_adopted for policy_column in (columns('^year_adopted__')))

),

tracked_policies as (

    select
        state,
        replace(policy_column, 'year_adopted__', '') as policy_code,
        {{ as_count('year_adopted') }} as enacted_year,
        -- a blank year means the state has not adopted the policy
        year_adopted is not null as is_enacted,
        cast(null as date) as enacted_on,
        cast(null as varchar) as bill_number,
        _raw_key,
        _delivery,
        _contributor,
        _row_number
    from tracked

),

enacted_bills as (

    select
        state,
        policy_code,
        coalesce({{ as_count('session_year') }}, year({{ parsed_date('enacted_on') }}))
            as enacted_year,
        lower(trim(status)) = 'enacted' as is_enacted,
        {{ parsed_date('enacted_on') }} as enacted_on,
        trim(bill_number) as bill_number,
        _raw_key,
        _delivery,
        _contributor,
        _row_number
    from source
    where policy_code is not null

),

renamed as (

    select
        -- ids
        bill_number,

        -- codes: the state as a code or a name, the policy in the contributor's code
        trim(state) as state,
        {{ code_text('policy_code') }} as policy_code,
        is_enacted,

        -- dates
        enacted_year,
        enacted_on,

        -- lineage
        _raw_key as raw_key,
        _delivery as delivery,
        _contributor as contributor,
        _row_number as raw_row_number

    from (
        select * from tracked_policies
        union all by name
        select * from enacted_bills
    )

)

select * from renamed
