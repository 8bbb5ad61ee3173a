-- One row per agency, year and NIBRS offense. A wide layout (a pair of columns per offense,
-- offenses_<code> and arrests_<code>) is turned into the same rows as the long layouts.
with

source as (

    select * from {{ bronze(source('police_offenses', 'police_offenses')) }}

),

long_layout as (

    select
        ori,
        agency_name,
        county_fips,
        county_name,
        year,
        offense,
        offenses,
        coalesce(
            {{ as_count('arrests') }},
            {{ as_count('arrests_adult') }} + {{ as_count('arrests_juvenile') }}
        ) as arrests,
        arrests_juvenile,
        _raw_key,
        _delivery,
        _contributor,
        _row_number
    from source
    where offense is not null

),

wide_offenses as (

    unpivot (select _raw_key, _row_number, columns('^offenses_') from source where offense is null)
    on columns('^offenses_')
    into name measure value offenses

),

wide_arrests as (

    unpivot (select _raw_key, _row_number, columns('^arrests_[0-9]') from source where offense is null)
    on columns('^arrests_[0-9]')
    into name measure value arrests

),

wide_layout as (

    select
        source.ori,
        source.agency_name,
        source.county_fips,
        source.county_name,
        source.year,
        replace(wide_offenses.measure, 'offenses_', '') as offense,
        wide_offenses.offenses,
        wide_arrests.arrests,
        cast(null as bigint) as arrests_juvenile,
        source._raw_key,
        source._delivery,
        source._contributor,
        source._row_number
    from source
    inner join wide_offenses
        on wide_offenses._raw_key = source._raw_key
        and wide_offenses._row_number = source._row_number
    left join wide_arrests
        on wide_arrests._raw_key = source._raw_key
        and wide_arrests._row_number = source._row_number
        and replace(wide_arrests.measure, 'arrests_', '') = replace(wide_offenses.measure, 'offenses_', '')

),

renamed as (

    select
        -- ids: agencies are identified by ORI, whose first two letters are the state's code
        upper(trim(ori)) as ori,
        trim(agency_name) as agency_name,

        -- codes
        left(upper(trim(ori)), 2) as state_abbr,
        {{ fips_code('county_fips', 5) }} as county_fips,
        trim(county_name) as county_name,
        {{ code_text('offense') }} as offense_code,

        -- measures
        {{ as_count('offenses') }} as offenses,
        {{ as_count('arrests') }} as arrests,
        {{ as_count('arrests_juvenile') }} as juvenile_arrests,

        -- period
        {{ as_count('year') }} as report_year,

        -- lineage
        _raw_key as raw_key,
        _delivery as delivery,
        _contributor as contributor,
        _row_number as raw_row_number

    from (
        select * from long_layout
        union all by name
        select * from wide_layout
    )

)

select * from renamed
