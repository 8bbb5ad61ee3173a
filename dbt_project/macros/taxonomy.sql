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
    coalesce((
        select list(distinct cell.cell_id order by cell.cell_id)
        from {{ ref('int_taxonomy_rules_grouped') }} as r,
            unnest(r.taxonomy_cells) as cell(cell_id)
        where r.data_set = '{{ data_set }}'
          and (
            r.indicator_kind = 'data_set'
            {%- for kind, kind_codes in rules.items() %}
            or (
                r.indicator_kind = '{{ kind }}'
                and list_contains({{ kind_codes }}, r.indicator_code)
            )
            {%- endfor %}
          )
    ), []::varchar[])
{%- endmacro %}

{#-
  A source code mapped through a code seed: 'unknown' when absent, 'unmapped' when unknown.
  The seed's columns are renamed inside, so the caller's unqualified columns stay its own.
-#}
{% macro canonical_code(seed, code_column, field=none) -%}
    case
        when {{ code_column }} is null or trim({{ code_column }}) = '' then 'unknown'
        else coalesce((
            select any_value(m.seed_canonical_code)
            from (
                select
                    lower(trim(cast(source_code as varchar))) as seed_source_code,
                    canonical_code as seed_canonical_code
                from {{ ref(seed) }}
                {%- if field %}
                where field = '{{ field }}'
                {%- endif %}
            ) as m
            where m.seed_source_code = lower(trim({{ code_column }}))
        ), 'unmapped')
    end
{%- endmacro %}

{#- The age band seed's label for an age in whole years. -#}
{% macro age_band(age_column) -%}
    coalesce((
        select any_value(b.age_band)
        from {{ ref('age_bands') }} as b
        where {{ age_column }} between b.min_age and coalesce(b.max_age, 200)
    ), 'unknown')
{%- endmacro %}

{#- One value of the scoring_settings seed, as a scalar of the given type. -#}
{% macro scoring_setting(name, type='double') -%}
    (
        select any_value(try_cast(s.value as {{ type }}))
        from {{ ref('scoring_settings') }} as s
        where s.setting = '{{ name }}'
    )
{%- endmacro %}
