with

source as (

    select * from {{ bronze(source('ilab_goods', 'ilab_goods')) }}

),

renamed as (

    select
        -- ids: the file spells some accents as combining marks; NFC makes one spelling
        nfc_normalize(trim(good_name)) as good_name,

        -- codes
        {{ code_text('good_sector') }} as good_sector,
        nfc_normalize(trim(country_name)) as country_name,
        {{ as_boolean('child_labor') }} as has_child_labor,
        {{ as_boolean('forced_labor') }} as has_forced_labor,
        {{ as_boolean('forced_child_labor') }} as has_forced_child_labor,

        -- period: the list's edition, which its delivery is labelled with
        {{ as_count("regexp_extract(_delivery, '__(\\d{4})$', 1)") }} as edition_year,

        -- lineage
        _raw_key as raw_key,
        _delivery as delivery,
        _contributor as contributor,
        _row_number as raw_row_number

    from source

)

select * from renamed
