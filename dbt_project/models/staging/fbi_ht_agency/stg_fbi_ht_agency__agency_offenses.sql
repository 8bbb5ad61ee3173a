with

source as (

    select * from {{ bronze(source('fbi_ht_agency', 'fbi_ht_agency')) }}

),

renamed as (

    select
        -- ids
        upper(trim(ori)) as ori,
        trim(agency_name) as agency_name,

        -- codes: an agency serving several counties lists them all ("PARKER; DENTON")
        upper(trim(state)) as state_abbr,
        trim(county_name) as county_names,
        {{ as_count('offense_subcat_id') }} as offense_subcat_id,
        trim(offense_subcat_name) as offense_subcat_name,

        -- measures
        {{ as_count('offenses') }} as offenses,
        {{ as_count('unfounded_offenses') }} as unfounded_offenses,
        {{ as_count('cleared') }} as cleared,
        {{ as_count('cleared_juvenile') }} as cleared_juvenile,

        -- period
        {{ as_count('data_year') }} as report_year,

        -- lineage
        _raw_key as raw_key,
        _delivery as delivery,
        _contributor as contributor,
        _row_number as raw_row_number

    from source

)

select * from renamed
