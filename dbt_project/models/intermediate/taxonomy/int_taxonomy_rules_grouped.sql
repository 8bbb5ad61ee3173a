-- One row per (data set, indicator kind, code): the taxonomy cells that rule feeds.
select
    data_set,
    indicator_kind,
    cast(indicator_code as varchar) as indicator_code,
    list(distinct cell_id order by cell_id) as taxonomy_cells
from {{ ref('indicator_cell_map') }}
group by all
