-- Names, street addresses and points are finer than the hub keeps: only the county stays.
with

source as (

    select * from {{ bronze(source('massage_businesses', 'massage_businesses')) }}

),

renamed as (

    select
        -- ids
        trim(business_id) as business_id,

        -- codes
        upper(trim(state)) as state_abbr,
        {{ fips_code('county_fips', 5) }} as county_fips,
        trim(county_name) as county_name,
        {{ code_text('status') }} as status,

        -- measures
        {{ as_count('review_mentions') }} as review_mentions,

        -- dates: when the business was first and last seen, or its licence's term
        {{ parsed_date('listed_from') }} as listed_from,
        {{ parsed_date('listed_until') }} as listed_until,

        -- lineage
        _raw_key as raw_key,
        _delivery as delivery,
        _contributor as contributor,
        _row_number as raw_row_number

    from source

)

select * from renamed
