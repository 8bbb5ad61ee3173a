-- Phones and emails are not needed past bronze and are left there; names, dates of birth
-- and case numbers become pseudonyms.
with

source as (

    select * from {{ bronze(source('service_cases', 'service_cases')) }}

),

parsed as (

    select
        *,
        {{ parsed_date('date_of_birth') }} as born_on,
        {{ parsed_date('intake_date') }} as intake_on
    from source

),

renamed as (

    select
        -- ids
        hub_pseudonym(case_id) as case_key,
        hub_pseudonym(concat_ws('|', first_name, last_name, strftime(born_on, '%Y-%m-%d')))
            as person_key,

        -- codes
        {{ code_text('sex') }} as sex_code,
        {{ code_text('race_ethnicity') }} as race_code,
        trim(nationality) as nationality,
        {{ code_text('exploitation_type') }} as exploitation_type,
        {{ code_text('venue') }} as venue,
        {{ code_text('recruiter_relationship') }} as recruiter_relationship,
        {{ as_boolean('minor_at_intake') }} as is_minor_at_intake,

        -- dates: the date of birth only survives as an age at intake
        intake_on,
        {{ age_in_years('born_on', 'intake_on') }} as age_at_intake,

        -- lineage
        _raw_key as raw_key,
        _ingested_at as landed_at,
        _delivery as delivery,
        _contributor as contributor,
        _row_number as raw_row_number

    from parsed

)

select * from renamed
