"""Writing the explorer: every page and asset into one folder, swapped in whole.

The site is built beside its folder and moved into place when complete, so a reader (or a
static host syncing the folder) sees the previous site or the new one, never half of each.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from orchestration.publishing.explorer import charts, pages
from orchestration.publishing.explorer.facts import ExplorerError, ExplorerFacts
from orchestration.publishing.heatmap_render import DIMENSION_VALUES

STATIC = Path(__file__).parent / "static"
# Written into every site: a folder is replaced only when it holds one, or nothing.
MARKER = ".evidence-explorer"


@dataclass(frozen=True)
class BuiltSite:
    directory: Path
    index: Path
    pages: int
    bytes: int


def build_site(facts: ExplorerFacts, directory: Path) -> BuiltSite:
    """Write the explorer for `facts` into `directory` (replacing what it held) and return
    where its front page is. Refuses facts holding a protected count from 1 to threshold - 1."""
    if small := facts.small_counts():
        raise ExplorerError(
            f"not built: counts from 1 to {facts.threshold - 1} in {', '.join(small)}; the "
            "explorer reads the published gold, whose counts are protected: rebuild it from "
            "there (`hub materialize`)"
        )
    directory = directory.resolve()
    if directory.exists() and not _replaceable(directory):
        raise ExplorerError(
            f"{directory} holds files that are not an explorer site; choose a new or empty "
            "folder, or the one an earlier build wrote"
        )
    directory.parent.mkdir(parents=True, exist_ok=True)
    building = directory.with_name(f".{directory.name}.building-{os.getpid()}")
    shutil.rmtree(building, ignore_errors=True)
    try:
        written = _write(facts, building)
        _swap(building, directory)
    finally:
        shutil.rmtree(building, ignore_errors=True)
    return BuiltSite(
        directory,
        directory / "index.html",
        len(written),
        sum(path.stat().st_size for path in directory.rglob("*") if path.is_file()),
    )


def all_pages(facts: ExplorerFacts, bokeh_js: str) -> list[pages.Page]:
    """Every page of the site, with its charts."""
    labels = {value: value.capitalize() for value in DIMENSION_VALUES}
    ordered = [next(d for d in facts.dimensions if d.value == value) for value in DIMENSION_VALUES]
    dimension_charts = charts.embed(dimensions=charts.dimensions_chart(ordered, labels))
    data_set_charts = {}
    for scored in facts.data_sets:
        history = [p for p in facts.history if p.data_set == scored.data_set]
        delivered = [
            d
            for d in facts.deliveries
            if d.data_set == scored.data_set and d.first_period_year is not None
        ]
        figures = {}
        if history:
            figures["history"] = charts.history_chart(history)
        if delivered:
            figures["deliveries"] = charts.deliveries_chart(delivered)
        data_set_charts[scored.data_set] = charts.embed(**figures)
    return [
        pages.heat_map_page(facts),
        pages.gaps_page(facts),
        pages.dimensions_page(facts, dimension_charts, bokeh_js),
        pages.data_sets_index(facts),
        *pages.cell_pages(facts),
        *pages.data_set_pages(facts, data_set_charts, bokeh_js),
    ]


def _replaceable(directory: Path) -> bool:
    return directory.is_dir() and ((directory / MARKER).is_file() or not any(directory.iterdir()))


def _write(facts: ExplorerFacts, root: Path) -> list[Path]:
    assets = root / "assets"
    assets.mkdir(parents=True)
    (root / MARKER).write_text("built by `hub explorer`; the folder is replaced whole\n")
    bokeh_js = charts.copy_bokeh_js(assets)
    for name in ("explorer.css", "explorer.js"):
        shutil.copyfile(STATIC / name, assets / name)
    written = []
    for page in all_pages(facts, bokeh_js):
        target = (root / page.path).resolve()
        # page paths are made from slugs; this holds them to it should one ever not be
        if not target.is_relative_to(root.resolve()):
            raise ExplorerError(f"page {page.path!r} would be written outside the site")
        if target.exists():
            raise ExplorerError(f"two pages would be written to {page.path!r}")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(page.html, encoding="utf-8")
        written.append(target)
    return written


def _swap(built: Path, directory: Path) -> None:
    previous = directory.with_name(f".{directory.name}.previous-{os.getpid()}")
    if directory.exists():
        directory.rename(previous)
    built.rename(directory)
    shutil.rmtree(previous, ignore_errors=True)
