with

source as (

    select * from {{ source('prosecutions', 'prosecutions') }}

),

renamed as (

    select
        -- ids: case numbers and defendant names identify people, so both become pseudonyms
        hub_pseudonym(case_number) as case_key,
        hub_pseudonym(defendant_name) as defendant_key,

        -- codes
        trim(district) as district,
        upper(trim(state)) as state_abbr,
        trim(statute) as statute,
        lower(trim(trafficking_type)) as trafficking_type,
        lower(trim(minor_victims)) in ('true', '1', 'yes') as has_minor_victims,
        lower(trim(defendant_sex)) as sex_code,

        -- measures
        try_cast(sentence_months as integer) as sentence_months,

        -- dates
        try_cast(filing_date as date) as filed_on,
        try_cast(disposition_date as date) as disposed_on,

        -- lineage
        _raw_key as raw_key,
        _delivery as delivery,
        _contributor as contributor,
        _row_number as raw_row_number

    from source

)

select * from renamed
