-- Which taxonomy cells each data set actually feeds: a cell counts when at least one of the
-- data set's silver records maps to it.
select distinct
    profiles.data_set,
    cell.cell_id
from {{ ref('int_silver_object_profiles') }} as profiles,
    unnest(profiles.taxonomy_cells) as cell(cell_id)
