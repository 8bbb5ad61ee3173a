-- Prevention sessions, participants and staff trained by county, period and audience (or
-- grade band). Sessions are summed by calendar year; yearly counts keep their school year.
{#- measure: (indicator, unit) -#}
{% set measures = {
    'sessions': ('prevention_sessions', 'sessions'),
    'participants': ('prevention_participants', 'persons'),
    'staff_trained': ('prevention_staff_trained', 'persons'),
} %}

with

sessions as (

    select * from {{ ref('stg_prevention_programs__sessions') }}

),

located as (

    select
        *,
        coalesce(left(county_fips, 2), {{ contributor_state_fips('contributor') }})
            as state_fips,
        -- a session's day counts in its calendar year
        case
            when period_start = period_end then make_date(year(period_start), 1, 1)
            else period_start
        end as counted_from,
        case
            when period_start = period_end then make_date(year(period_start), 12, 31)
            else period_end
        end as counted_until,
        case when grade_band is not null then 'grade_band' else 'audience' end
            as slice_dimension,
        coalesce(grade_band, audience, 'unknown') as slice_value
    from sessions

),

counties as (

    select
        *,
        coalesce(county_fips, {{ county_fips_of('state_fips', 'county_name') }})
            as session_county_fips
    from located

),

totals as (

    select
        state_fips,
        session_county_fips,
        counted_from,
        counted_until,
        slice_dimension,
        slice_value,
        raw_key,
        delivery,
        contributor,
        {%- for measure in measures %}
        sum({{ measure }}) as {{ measure }}{% if not loop.last %},{% endif %}
        {%- endfor %}
    from counties
    group by all

),

observations as (

    {% for measure, (indicator, unit) in measures.items() %}
    select
        'prevention_programs' as data_set,
        '{{ indicator }}' as indicator,
        cast({{ measure }} as double) as observed_value,
        '{{ unit }}' as unit,
        cast(null as varchar) as reporting_unit,
        case when session_county_fips is null then 'state' else 'county' end
            as geography_level,
        state_fips,
        session_county_fips as county_fips,
        cast(null as varchar) as country_iso3,
        cast(year(counted_until) as integer) as period_year,
        counted_from as period_start,
        counted_until as period_end,
        slice_dimension,
        slice_value,
        {{ taxonomy_cells('prevention_programs') }} as taxonomy_cells,
        raw_key,
        delivery,
        contributor
    from totals
    where {{ measure }} is not null
    {% if not loop.last %}union all{% endif %}
    {% endfor %}

)

select * from observations
