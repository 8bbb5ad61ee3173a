with

source as (

    select * from {{ bronze(source('commercial_sex_ads', 'commercial_sex_ads')) }}

),

renamed as (

    select
        -- places: a city with its county, or a metro area
        trim(city) as city,
        trim(metro) as metro,
        upper(trim(state)) as state_abbr,
        {{ fips_code('county_fips', 5) }} as county_fips,

        -- measures
        {{ as_count('ads_posted') }} as ads_posted,
        {{ as_count('unique_phones') }} as unique_phones,
        {{ as_count('new_phones') }} as new_phones,
        try_cast(median_price_usd as double) as median_price_usd,
        try_cast(share_youth_terms as double) as share_youth_terms,
        try_cast(share_multi_city as double) as share_multi_city,

        -- dates: an ISO week (2024-W01) starts on the Monday of the week holding 4 January
        coalesce(
            {{ parsed_date('week_start') }},
            cast(date_trunc('week', make_date(try_cast(left(iso_week, 4) as integer), 1, 4)) as date)
                + 7 * (try_cast(right(iso_week, 2) as integer) - 1)
        ) as week_start,

        -- lineage
        _raw_key as raw_key,
        _delivery as delivery,
        _contributor as contributor,
        _row_number as raw_row_number

    from source

)

select * from renamed
