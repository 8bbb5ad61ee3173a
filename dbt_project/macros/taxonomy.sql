{#-
  The taxonomy cells of a record: the cells its whole data set feeds (a `data_set` rule),
  plus the cells fed by the record's own codes under rules of `indicator_kind` (e.g. the
  NIBRS offense code, or the screening items a screening carries). `codes` is a SQL
  expression giving the record's codes as a varchar list.
-#}
{% macro taxonomy_cells(data_set, indicator_kind=none, codes=none) -%}
    coalesce((
        select list(distinct cell.cell_id order by cell.cell_id)
        from {{ ref('int_taxonomy_rules_grouped') }} as r,
            unnest(r.taxonomy_cells) as cell(cell_id)
        where r.data_set = '{{ data_set }}'
          and (
            r.indicator_kind = 'data_set'
            {%- if indicator_kind %}
            or (
                r.indicator_kind = '{{ indicator_kind }}'
                and list_contains({{ codes }}, r.indicator_code)
            )
            {%- endif %}
          )
    ), []::varchar[])
{%- endmacro %}

{#- A source code mapped through a code seed: 'unknown' when absent, 'unmapped' when unknown. -#}
{% macro canonical_code(seed, code_column, field=none) -%}
    case
        when {{ code_column }} is null or trim({{ code_column }}) = '' then 'unknown'
        else coalesce((
            select any_value(m.canonical_code)
            from {{ ref(seed) }} as m
            where lower(trim(cast(m.source_code as varchar))) = lower(trim({{ code_column }}))
            {%- if field %} and m.field = '{{ field }}'{% endif %}
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
