with

source as (

    select * from {{ source('hotline', 'hotline') }}

),

renamed as (

    select
        -- geography and period
        upper(trim(state)) as state_abbr,
        try_cast(year as integer) as report_year,

        -- measures
        try_cast(signals as bigint) as signals,
        try_cast(cases as bigint) as cases,
        try_cast(potential_victims as bigint) as potential_victims,
        try_cast(sex_trafficking_cases as bigint) as sex_trafficking_cases,
        try_cast(labor_trafficking_cases as bigint) as labor_trafficking_cases,

        -- lineage
        _raw_key as raw_key,
        _delivery as delivery,
        _contributor as contributor,
        _row_number as raw_row_number

    from source

)

select * from renamed
