-- Defendants' cases from federal and state prosecutors, in the cases shape.
with

prosecutions as (

    select * from {{ ref('stg_prosecutions__cases') }}

),

jurisdictions as (

    select * from {{ ref('contributor_jurisdictions') }}

),

located as (

    select
        prosecutions.*,
        jurisdictions.jurisdiction,
        coalesce(
            {{ state_fips_of('prosecutions.state_abbr') }},
            {{ contributor_state_fips('prosecutions.contributor') }}
        ) as state_fips
    from prosecutions
    left join jurisdictions on jurisdictions.contributor = prosecutions.contributor

),

conformed as (

    select
        'prosecutions' as data_set,
        case_key,
        case when jurisdiction = 'state' then 'state_prosecution' else 'federal_prosecution' end
            as case_type,
        defendant_key,
        {{ canonical_code('sex_codes', 'sex_code') }} as defendant_sex,
        {{ age_band('age_at_filing') }} as defendant_age_band,
        {{ canonical_code('race_ethnicity_codes', 'race_code') }} as defendant_race_ethnicity,
        state_fips,
        {{ county_fips_of('state_fips', 'county_name') }} as county_fips,
        cast(null as varchar) as country_iso3,
        cast(null as varchar) as subdivision,
        district,
        statute,
        {{ canonical_code('htcds_code_map', 'trafficking_type', 'exploitation_type') }}
            as trafficking_type,
        has_minor_victims,
        try_cast(sentence_months as integer) as sentence_months,
        cast(null as integer) as workers_affected,
        cast(null as double) as back_wages_usd,
        cast(null as varchar) as industry_code,
        filed_on,
        disposed_on,
        year(filed_on) as period_year,
        {{ taxonomy_cells('prosecutions') }} as taxonomy_cells,
        raw_key,
        delivery,
        contributor
    from located

)

select * from conformed
