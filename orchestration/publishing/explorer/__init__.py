"""The evidence explorer: a static site built from the published gold at every publication,
for people who never open a terminal. It opens from the file system (file://) or any static
host, and nothing on it loads from the internet.

facts    what the site shows, read from the published gold (and the taxonomy's seeds)
slugs    safe file names for pages, never the raw names contributors supply
charts   the line, timeline and bar charts (Bokeh, its JavaScript copied once into the site)
pages    the HTML of each page: heat map, cells, data sets, gaps, dimensions
site     writes the pages and assets into a folder, whole or not at all
asset    the Dagster asset reports/explorer, rebuilt after every publication
"""

import os
from pathlib import Path

from orchestration.platform.settings import REPO_ROOT

SITE_FOLDER = "explorer"


def site_directory() -> Path:
    """Where the explorer goes beside the hub's other reports: $HUB_HOME/reports/explorer."""
    home = Path(os.environ.get("HUB_HOME") or REPO_ROOT / ".hub")
    return home / "reports" / SITE_FOLDER


def build_for_extract(database: Path, folder: Path) -> None:
    """The explorer of a published-tier extract, from its own database into `folder`
    (orchestration/trust/extracts.py calls it); Bokeh is imported only when one is built."""
    import duckdb

    from orchestration.publishing.explorer.facts import read_facts
    from orchestration.publishing.explorer.site import build_site

    with duckdb.connect(str(database), read_only=True) as connection:
        facts = read_facts(connection)
    build_site(facts, folder)
