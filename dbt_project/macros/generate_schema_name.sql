{#- Layers are schemas of their own (staging, silver, gold), as analysts query them. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {{ custom_schema_name if custom_schema_name else target.schema }}
{%- endmacro %}
