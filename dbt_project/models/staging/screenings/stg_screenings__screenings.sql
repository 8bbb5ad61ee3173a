with

source as (

    select * from {{ source('screenings', 'screenings') }}

),

renamed as (

    select
        -- ids: the youth's identity becomes a pseudonym here, before anything is stored
        screening_id,
        hub_pseudonym(
            concat_ws('|', youth_first_name, youth_last_name, youth_dob)
        ) as person_key,
        agency_id,

        -- codes
        lower(trim(agency_type)) as agency_type,
        upper(trim(state)) as state_abbr,
        lpad(trim(county_fips), 5, '0') as county_fips,
        lower(trim(youth_sex)) as sex_code,
        lower(trim(youth_race)) as race_code,
        lower(trim(concern_level)) as concern_level,
        [item_01, item_02, item_03, item_04, item_05, item_06] as screening_items,
        -- the names of the items this screening answered, for the taxonomy rules
        list_filter([
            case when item_01 is not null then 'item_01' end,
            case when item_02 is not null then 'item_02' end,
            case when item_03 is not null then 'item_03' end,
            case when item_04 is not null then 'item_04' end,
            case when item_05 is not null then 'item_05' end,
            case when item_06 is not null then 'item_06' end
        ], item -> item is not null) as answered_items,

        -- dates: the date of birth only survives as an age at screening
        cast(screened_on as date) as screened_on,
        date_diff('year', cast(youth_dob as date), cast(screened_on as date))
            - case
                when strftime(cast(screened_on as date), '%m%d')
                    < strftime(cast(youth_dob as date), '%m%d') then 1
                else 0
            end as age_at_event,

        -- lineage
        _raw_key as raw_key,
        _delivery as delivery,
        _contributor as contributor,
        _row_number as raw_row_number

    from source

)

select * from renamed
