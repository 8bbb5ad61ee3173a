with

source as (

    select * from {{ bronze(source('tip_tiers', 'tip_tiers')) }}

),

renamed as (

    select
        -- codes
        upper(trim(country_iso3)) as country_iso3,
        trim(country_name) as country_name,
        trim(tier) as tier,

        -- period
        {{ as_count('report_year') }} as report_year,

        -- lineage
        _raw_key as raw_key,
        _delivery as delivery,
        _contributor as contributor,
        _row_number as raw_row_number

    from source

)

select * from renamed
