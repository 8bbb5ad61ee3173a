-- The hub's vocabularies (taxonomy_seeds/vocabularies.csv) with the terms data sets add in
-- their declarations (meta.hub.vocabularies): a recruiter role, a breakdown by trafficking
-- type. data_set is null for the hub's own terms.

select vocabulary, term, description, cast(null as varchar) as data_set
from {{ ref('vocabularies') }}

{%- for data_set in declared_data_sets() %}
{%- for vocabulary, terms in (data_set.hub.vocabularies or {}).items() %}
{%- for term in terms %}
union all
select
    {{ sql_text(vocabulary) }},
    {{ sql_text(term) }},
    {{ sql_text('Added by ' ~ data_set.name) }},
    {{ sql_text(data_set.name) }}
{%- endfor %}
{%- endfor %}
{%- endfor %}
