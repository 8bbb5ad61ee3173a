with

source as (

    select * from {{ bronze(source('prosecutions', 'prosecutions')) }}

),

renamed as (

    select
        -- ids: case numbers and defendants' names identify people, so both become pseudonyms;
        -- a de-identified file's defendant number stands in for both
        hub_pseudonym(coalesce(case_number, cast(defendant_id as varchar))) as case_key,
        hub_pseudonym(coalesce(
            defendant_name,
            nullif(concat_ws(' ', defendant_first_name, defendant_last_name), ''),
            cast(defendant_id as varchar)
        )) as defendant_key,

        -- codes
        trim(district) as district,
        -- a federal court code (TXS, NV) begins with its state's USPS code
        coalesce(
            upper(trim(state)),
            case when regexp_full_match(trim(district), '[A-Z]{2,3}') then left(trim(district), 2) end
        ) as state_abbr,
        trim(county_name) as county_name,
        trim(statute) as statute,
        -- state cases name the offense instead of the kind of trafficking
        coalesce({{ code_text('trafficking_type') }}, {{ code_text('offense_description') }})
            as trafficking_type,
        {{ as_boolean('minor_victims') }} as has_minor_victims,
        {{ code_text('defendant_sex') }} as sex_code,
        {{ code_text('defendant_race') }} as race_code,

        -- measures
        coalesce(
            {{ as_count('sentence_months') }},
            cast(round(try_cast(sentence_years as double) * 12) as bigint)
        ) as sentence_months,
        -- the date of birth only survives as an age at filing
        coalesce(
            {{ as_count('defendant_age') }},
            {{ age_in_years(parsed_date('defendant_dob'), parsed_date('filing_date')) }}
        ) as age_at_filing,

        -- dates
        {{ parsed_date('filing_date') }} as filed_on,
        {{ parsed_date('disposition_date') }} as disposed_on,

        -- lineage
        _raw_key as raw_key,
        _delivery as delivery,
        _contributor as contributor,
        _row_number as raw_row_number

    from source

)

select * from renamed
