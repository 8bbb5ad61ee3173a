-- Which taxonomy cells each data set actually feeds: a cell counts when at least one of the
-- data set's silver records maps to it.
select distinct
    records.data_set,
    cell.cell_id
from {{ ref('int_silver_records_unioned') }} as records,
    unnest(records.taxonomy_cells) as cell(cell_id)
