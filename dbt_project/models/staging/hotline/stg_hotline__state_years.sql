with

source as (

    select * from {{ bronze(source('hotline', 'hotline')) }}

),

renamed as (

    select
        -- geography and period: the state as a code or a name, resolved in conformance
        trim(state) as state,
        {{ as_count('year') }} as report_year,

        -- measures (the web pages print thousands separators, years included)
        {{ as_count('signals') }} as signals,
        {{ as_count('cases') }} as cases,
        {{ as_count('potential_victims') }} as potential_victims,
        {{ as_count('sex_trafficking_cases') }} as sex_trafficking_cases,
        {{ as_count('labor_trafficking_cases') }} as labor_trafficking_cases,

        -- lineage
        _raw_key as raw_key,
        _delivery as delivery,
        _contributor as contributor,
        _row_number as raw_row_number

    from source

)

select * from renamed
