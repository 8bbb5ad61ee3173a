{% set items = ['item_01', 'item_02', 'item_03', 'item_04', 'item_05', 'item_06'] %}

with

source as (

    select * from {{ bronze(source('screenings', 'screenings')) }}

),

parsed as (

    -- one spelling of the youth's name whatever the layout ("Last, First" is split), and
    -- the dates the age is computed from
    select
        *,
        coalesce(youth_first_name, nullif(trim(split_part(youth_full_name, ',', 2)), ''))
            as first_name,
        coalesce(youth_last_name, nullif(trim(split_part(youth_full_name, ',', 1)), ''))
            as last_name,
        {{ parsed_date('youth_dob') }} as born_on,
        {{ parsed_date('screened_on') }} as screening_date
    from source

),

renamed as (

    select
        -- ids: the youth's identity becomes a pseudonym here, before anything is stored
        trim(screening_id) as screening_id,
        hub_pseudonym(concat_ws('|', first_name, last_name, strftime(born_on, '%Y-%m-%d')))
            as person_key,
        trim(agency_id) as agency_id,

        -- codes
        {{ code_text('agency_type') }} as agency_type,
        upper(trim(state)) as state_abbr,
        {{ fips_code('county_fips', 5) }} as county_fips,
        trim(county_name) as county_name,
        {{ code_text('youth_sex') }} as sex_code,
        -- a JSON list of races from some case systems: one race, or several (multiracial);
        -- text that only looks like one stays as sent and counts as an unmapped code
        case
            when starts_with(trim(youth_race), '[') and json_valid(youth_race) then
                case json_array_length(youth_race)
                    when 0 then null
                    when 1 then lower(json_extract_string(youth_race, '$[0]'))
                    else 'multiracial'
                end
            else {{ code_text('youth_race') }}
        end as race_code,
        coalesce(
            {{ code_text('concern_level') }},
            -- a contributor without items sends the count endorsed and a flag; the tool's
            -- rule: 4 or more items is a clear concern, 2 or 3 a possible one
            case
                when upper(trim(concern_flag)) = 'Y' or {{ as_count('screening_score') }} >= 4
                    then 'clear_concern'
                when {{ as_count('screening_score') }} >= 2 then 'possible'
                when {{ as_count('screening_score') }} >= 0 then 'no_concern'
            end
        ) as concern_level,
        {%- for item in items %}
        {{ as_boolean(item) }} as {{ item }},
        {%- endfor %}
        -- the items this screening answered, for the taxonomy rules
        list_filter([
            {%- for item in items %}
            case when {{ as_boolean(item) }} is not null then '{{ item }}' end
            {%- if not loop.last %},{% endif %}
            {%- endfor %}
        ], item -> item is not null) as answered_items,

        -- measures
        {{ as_count('screening_score') }} as items_endorsed,

        -- dates: the date of birth only survives as an age at screening
        screening_date as screened_on,
        {{ age_in_years('born_on', 'screening_date') }} as age_at_event,

        -- lineage
        _raw_key as raw_key,
        _ingested_at as landed_at,
        _delivery as delivery,
        _contributor as contributor,
        _row_number as raw_row_number

    from parsed

)

select * from renamed
