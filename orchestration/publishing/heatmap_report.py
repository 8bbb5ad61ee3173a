"""The coverage heat map: drawn from gold, shown in the UI, written to the lake's reports."""

import base64

import dagster as dg

from orchestration.platform import lake_layout
from orchestration.platform.resources import LakeResource, WarehouseResource
from orchestration.publishing import heatmap
from orchestration.transform.definitions import WAREHOUSE_POOL

TITLE = "Evidence heat map: where the field's data is strong and where it is blind"


@dg.asset(
    key=["reports", "coverage_heatmap"],
    group_name="exports",
    kinds={"png", "html", "s3"},
    deps=[
        dg.AssetKey(["gold", "taxonomy_cell_scores"]),
        dg.AssetKey(["gold", "taxonomy_dimension_scores"]),
    ],
    pool=WAREHOUSE_POOL,
    description="The 27-cell heat map as PNG and HTML in lake/gold/reports/, and in this "
    "asset's metadata.",
)
def coverage_heatmap(lake: LakeResource, warehouse: WarehouseResource) -> dg.MaterializeResult:
    # matplotlib takes over a second to import: only the run that draws the map pays for it,
    # not every process that loads the definitions
    from orchestration.publishing.heatmap_render import render_html, render_png

    with warehouse.connect(read_only=True) as connection:
        cells = heatmap.read_cell_scores(connection)
        overall, dimensions = heatmap.read_dimension_scores(connection)
    png = render_png(cells, overall, dimensions, TITLE)
    page = render_html(cells, overall, dimensions, TITLE)
    fs = lake.filesystem()
    written = {}
    for name, content in (("coverage_heatmap.png", png), ("coverage_heatmap.html", page.encode())):
        key = f"{lake.lake_bucket}/{lake_layout.report_key(name)}"
        fs.pipe(key, content)
        written[name] = f"s3://{key}"
    return dg.MaterializeResult(
        metadata={
            "overall_score": overall,
            "cells_with_data": sum(cell.data_set_count > 0 for cell in cells),
            "heat_map": dg.MetadataValue.md(
                f"![coverage heat map](data:image/png;base64,{base64.b64encode(png).decode()})"
            ),
            "files": dg.MetadataValue.json(written),
        }
    )
