-- Case-level records: prosecutions and other legal cases, with pseudonymized case numbers.
with

prosecutions as (

    select * from {{ ref('stg_prosecutions__cases') }}

),

states as (

    select * from {{ ref('us_states') }}

),

federal_cases as (

    select
        'prosecutions' as data_set,
        prosecutions.case_key,
        'federal_prosecution' as case_type,
        prosecutions.defendant_key,
        {{ canonical_code('sex_codes', 'prosecutions.sex_code') }} as defendant_sex,
        states.state_fips,
        prosecutions.district,
        prosecutions.statute,
        {{ canonical_code('htcds_code_map', 'prosecutions.trafficking_type', 'exploitation_type') }}
            as trafficking_type,
        prosecutions.has_minor_victims,
        prosecutions.sentence_months,
        prosecutions.filed_on,
        prosecutions.disposed_on,
        year(prosecutions.filed_on) as period_year,
        {{ taxonomy_cells('prosecutions') }} as taxonomy_cells,
        prosecutions.raw_key,
        prosecutions.delivery,
        prosecutions.contributor
    from prosecutions
    left join states on states.state_abbr = prosecutions.state_abbr

)

select * from federal_cases
