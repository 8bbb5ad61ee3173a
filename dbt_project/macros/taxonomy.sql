{#-
  The taxonomy cells of a record: the cells its whole data set feeds, plus the cells fed by
  the record's own code under a rule of `indicator_kind` (e.g. a NIBRS offense code).
-#}
{% macro taxonomy_cells(data_set, indicator_kind=none, code_column=none) -%}
    list_sort(list_distinct(list_concat(
        coalesce((
            select any_value(r.taxonomy_cells)
            from {{ ref('int_taxonomy_rules_grouped') }} as r
            where r.data_set = '{{ data_set }}'
              and r.indicator_kind = 'data_set'
        ), []::varchar[])
        {%- if indicator_kind %},
        coalesce((
            select any_value(r.taxonomy_cells)
            from {{ ref('int_taxonomy_rules_grouped') }} as r
            where r.data_set = '{{ data_set }}'
              and r.indicator_kind = '{{ indicator_kind }}'
              and r.indicator_code = cast({{ code_column }} as varchar)
        ), []::varchar[])
        {%- endif %}
    )))
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
