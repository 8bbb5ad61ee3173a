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
    {#- the data set's rules, read once per query; each row filters them with its codes -#}
    coalesce(list_sort(list_distinct(flatten(list_transform(
        list_filter(
            (
                select list({'kind': r.indicator_kind, 'code': r.indicator_code,
                             'cells': r.taxonomy_cells})
                from {{ ref('int_taxonomy_rules_grouped') }} as r
                where r.data_set = '{{ data_set }}'
            ),
            rule -> rule.kind = 'data_set'
            {%- for kind, kind_codes in rules.items() %}
                or (rule.kind = '{{ kind }}' and list_contains({{ kind_codes }}, rule.code))
            {%- endfor %}
        ),
        rule -> rule.cells
    )))), []::varchar[])
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
