-- Person-level records of every data set, conformed in intermediate/conformed: pseudonymized
-- keys, canonical demographic codes and age bands instead of dates of birth, county-level
-- geography at most. A data set joins with one more line.
select * from {{ ref('int_screenings__person_records') }}
union all by name
select * from {{ ref('int_service_cases__person_records') }}
