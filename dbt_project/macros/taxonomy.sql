{#-
  The taxonomy cells of a record: the cells its whole data set feeds (a `data_set` rule),
  plus the cells fed by the record's own codes under rules of `indicator_kind` (e.g. the
  NIBRS offense code, or the screening items a screening carries). `codes` is a SQL
  expression giving the record's codes as a varchar list. A record read under several kinds
  of rule passes a mapping instead: {kind: codes expression}.
-#}
{% macro taxonomy_cells(data_set, indicator_kind=none, codes=none) -%}
    {%- set rules = indicator_kind if indicator_kind is mapping
        else ({indicator_kind: codes} if indicator_kind else {}) -%}
    {#- The data set's rules are read once per query and grouped by cell, in cell order: each
        row keeps the cells whose rules its codes meet, already sorted and distinct. (Filtering
        the rules per row, then flattening, de-duplicating and sorting their cells, took 2.5x
        as long: 14.5 s of person_records' 10M screenings.) -#}
    coalesce(list_transform(
        list_filter(
            (
                select list({'cell': cell, 'whole': whole
                    {%- for kind in rules %}, 'codes_{{ loop.index }}': codes_{{ loop.index }}{% endfor -%}
                } order by cell)
                from (
                    select
                        cell,
                        bool_or(kind = 'data_set') as whole
                        {%- for kind in rules %},
                        coalesce(list(code) filter (where kind = '{{ kind }}'), [])
                            as codes_{{ loop.index }}
                        {%- endfor %}
                    from (
                        select
                            r.indicator_kind as kind,
                            r.indicator_code as code,
                            unnest(r.taxonomy_cells) as cell
                        from {{ ref('int_taxonomy_rules_grouped') }} as r
                        where r.data_set = '{{ data_set }}'
                    )
                    group by cell
                )
            ),
            cell -> cell.whole
            {%- for kind, kind_codes in rules.items() %}
                or list_has_any({{ kind_codes }}, cell.codes_{{ loop.index }})
            {%- endfor %}
        ),
        cell -> cell.cell
    ), []::varchar[])
{%- endmacro %}

{#-
  A source code mapped through a code seed: 'unknown' when absent, 'unmapped' when unknown.
  The seed is read once per query into a map (macros/geography.sql: lookup_map).
-#}
{% macro canonical_code(seed, code_column, field=none) -%}
    {%- set codes -%}
        select lower(trim(cast(source_code as varchar))) as k, canonical_code as v
        from {{ ref(seed) }}
        {%- if field %}
        where field = '{{ field }}'
        {%- endif %}
    {%- endset -%}
    case
        when {{ code_column }} is null or trim({{ code_column }}) = '' then 'unknown'
        else coalesce({{ lookup_map(codes) }}[lower(trim({{ code_column }}))], 'unmapped')
    end
{%- endmacro %}

{#- The age band seed's label for an age in whole years. -#}
{% macro age_band(age_column) -%}
    coalesce(list_filter(
        (
            select list({'low': b.min_age, 'high': coalesce(b.max_age, 200), 'band': b.age_band}
                        order by b.min_age)
            from {{ ref('age_bands') }} as b
        ),
        band -> {{ age_column }} between band.low and band.high
    )[1].band, 'unknown')
{%- endmacro %}

{#- One value of the scoring_settings seed, as a scalar of the given type. -#}
{% macro scoring_setting(name, type='double') -%}
    (
        select any_value(try_cast(s.value as {{ type }}))
        from {{ ref('scoring_settings') }} as s
        where s.setting = '{{ name }}'
    )
{%- endmacro %}

{#-
  The hub's age band of an age range a contributor declares ("9-17", "12 to 17", "18+",
  "under 18", "16"): the band holding at least `min_overlap` of the range's years (by
  default all of them). A range across band edges is 'unmapped', never guessed into a band,
  so the share of records that could not be mapped shows in the field's fill rate; blank or
  unreadable text is 'unknown'.
-#}
{% macro age_band_of_range(value, min_overlap=1.0) -%}
    {%- set text = "lower(trim(cast(" ~ value ~ " as varchar)))" -%}
    {%- set low -%}
        coalesce(
            try_cast(regexp_extract({{ text }}, '^(\d+)\s*(?:-|to|–)\s*\d+$', 1) as integer),
            try_cast(regexp_extract({{ text }}, '^(\d+)\s*\+$', 1) as integer),
            case when regexp_matches({{ text }}, '^(under|<)\s*\d+$') then 0 end,
            try_cast({{ text }} as integer)
        )
    {%- endset -%}
    {%- set high -%}
        coalesce(
            try_cast(regexp_extract({{ text }}, '^\d+\s*(?:-|to|–)\s*(\d+)$', 1) as integer),
            case when regexp_matches({{ text }}, '^\d+\s*\+$') then 120 end,
            try_cast(regexp_extract({{ text }}, '^(?:under|<)\s*(\d+)$', 1) as integer) - 1,
            try_cast({{ text }} as integer)
        )
    {%- endset -%}
    case
        when {{ low }} is null or {{ high }} is null or {{ high }} < {{ low }} then 'unknown'
        else coalesce(list_filter(
            (
                select list({'low': b.min_age, 'high': coalesce(b.max_age, 200), 'band': b.age_band}
                            order by b.min_age)
                from {{ ref('age_bands') }} as b
                where b.min_age is not null
            ),
            band -> (least(band.high, {{ high }}) - greatest(band.low, {{ low }}) + 1)
                >= {{ min_overlap }} * ({{ high }} - {{ low }} + 1)
        )[1].band, 'unmapped')
    end
{%- endmacro %}
