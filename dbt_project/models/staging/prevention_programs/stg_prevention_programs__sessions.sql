with

source as (

    select * from {{ bronze(source('prevention_programs', 'prevention_programs')) }}

),

renamed as (

    select
        -- ids
        trim(session_id) as session_id,

        -- codes
        {{ fips_code('county_fips', 5) }} as county_fips,
        trim(county_name) as county_name,
        {{ code_text('program_type') }} as program_type,
        {{ code_text('audience') }} as audience,
        {{ code_text('delivery_mode') }} as delivery_mode,
        trim(curriculum) as curriculum,
        trim(grade_band) as grade_band,

        -- measures: a session record stands for one session
        coalesce({{ as_count('sessions') }}, 1) as sessions,
        {{ as_count('participants') }} as participants,
        {{ as_count('staff_trained') }} as staff_trained,

        -- dates: a session's day, or the school year (July to June) of a yearly count
        coalesce(
            {{ parsed_date('session_date') }},
            make_date(try_cast(left(school_year, 4) as integer), 7, 1)
        ) as period_start,
        coalesce(
            {{ parsed_date('session_date') }},
            make_date(try_cast(left(school_year, 4) as integer) + 1, 6, 30)
        ) as period_end,

        -- lineage
        _raw_key as raw_key,
        _delivery as delivery,
        _contributor as contributor,
        _row_number as raw_row_number

    from source

)

select * from renamed
