with

source as (

    select * from {{ bronze(source('fbi_ht_state_tables', 'fbi_ht_state_tables')) }}

),

renamed as (

    select
        -- geography: an asterisk after a state's name points to the table's footnote
        trim(rtrim(trim(state), '*')) as state,

        -- measures
        {{ as_count('sex_acts_offenses') }} as sex_acts_offenses,
        {{ as_count('sex_acts_cleared') }} as sex_acts_cleared,
        {{ as_count('sex_acts_cleared_juvenile') }} as sex_acts_cleared_juvenile,
        {{ as_count('servitude_offenses') }} as servitude_offenses,
        {{ as_count('servitude_cleared') }} as servitude_cleared,
        {{ as_count('servitude_cleared_juvenile') }} as servitude_cleared_juvenile,

        -- period: the published table's year, which its delivery is labelled with
        {{ as_count("regexp_extract(_delivery, '__(\\d{4})$', 1)") }} as report_year,

        -- lineage
        _raw_key as raw_key,
        _delivery as delivery,
        _contributor as contributor,
        _row_number as raw_row_number

    from source
    -- the footnote row below the table holds no figures
    where coalesce(sex_acts_offenses, servitude_offenses, total_offenses) is not null

)

select * from renamed
