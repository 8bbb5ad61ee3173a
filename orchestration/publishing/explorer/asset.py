"""The explorer as an asset: rebuilt from the published gold after every publication."""

import dagster as dg

from orchestration.platform import lake_layout
from orchestration.platform.resources import LakeResource
from orchestration.publishing.publication import PublishedGold

LAKE_FOLDER = "explorer"


@dg.asset(
    key=["reports", "explorer"],
    group_name="exports",
    kinds={"html", "s3"},
    deps=[dg.AssetKey(["exports", "published_gold"])],
    description="The evidence explorer: a static site (heat map, cells, data sets, gaps, "
    "dimensions) built from the published gold, in $HUB_HOME/reports/explorer/ to open "
    "from the file system, and in lake/gold/reports/explorer/ for a static host.",
)
def evidence_explorer(lake: LakeResource) -> dg.MaterializeResult:
    # Bokeh is imported by the run that builds the site, not by every process that loads the
    # definitions.
    from orchestration.publishing.explorer import site_directory
    from orchestration.publishing.explorer.facts import read_published
    from orchestration.publishing.explorer.site import build_site

    facts = read_published(PublishedGold.from_environment(lake.lake_bucket), lake.object_store)
    built = build_site(facts, site_directory())
    prefix = f"{lake.lake_bucket}/{lake_layout.report_key(LAKE_FOLDER)}"
    fs = lake.filesystem()
    # the previous site's pages go first: a data set no longer published keeps no page
    if fs.exists(prefix):
        fs.rm(prefix, recursive=True)
    files = sorted(path for path in built.directory.rglob("*") if path.is_file())
    fs.put(
        [str(path) for path in files],
        [f"{prefix}/{path.relative_to(built.directory).as_posix()}" for path in files],
    )
    return dg.MaterializeResult(
        metadata={
            "site": dg.MetadataValue.path(str(built.index)),
            "lake": f"s3://{prefix}/index.html",
            "snapshot": facts.publication.snapshot if facts.publication else None,
            "pages": built.pages,
            "site_mib": round(built.bytes / 2**20, 3),
        }
    )
