{#- Every value of the column is a term of the vocabulary (models/reference/vocabulary_terms):
    the hub's own, or one a data set's declaration adds. -#}
{% test in_vocabulary(model, column_name, vocabulary) %}
select {{ column_name }} as value, count(*) as occurrences
from {{ model }}
where {{ column_name }} is not null
    and {{ column_name }} not in (
        select term from {{ ref('vocabulary_terms') }} where vocabulary = '{{ vocabulary }}'
    )
group by 1
{% endtest %}
