"""The explorer in headless Chromium, opened from the file system as a reader would: the demo
hub's site clicked through, and a hostile contributor's site that must run nothing of theirs.
No request may leave the file system."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

import pytest
from built_hub import Hub
from explorer_samples import published_gold
from PIL import Image

from orchestration.publishing.explorer.site import build_site

VIEWPORT = {"width": 1360, "height": 900}


class Visit:
    """A browser page that records every request, console message and dialog."""

    def __init__(self, browser) -> None:
        self.context = browser.new_context(viewport=VIEWPORT)
        self.page = self.context.new_page()
        self.requests: list[str] = []
        self.console: list[str] = []
        self.dialogs: list[str] = []
        self.context.on("request", lambda request: self.requests.append(request.url))
        self.page.on("console", lambda message: self.console.append(message.text))
        self.page.on("pageerror", lambda error: self.console.append(f"page error: {error}"))

        def dismiss(dialog) -> None:
            self.dialogs.append(dialog.message)
            dialog.dismiss()

        self.page.on("dialog", dismiss)

    def open(self, path: Path) -> None:
        self.page.goto(path.as_uri())
        self.page.wait_for_load_state("load")

    def left_the_file_system(self) -> list[str]:
        return [url for url in self.requests if not url.startswith("file://")]

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def visit(browser):
    opened = Visit(browser)
    yield opened
    opened.close()


def test_a_hostile_contributor_runs_nothing_and_calls_nowhere(visit, tmp_path, hostile_facts):
    site = build_site(hostile_facts, tmp_path / "explorer").directory
    for page in sorted(site.rglob("*.html")):
        visit.open(page)
        visit.page.wait_for_timeout(150)
        assert visit.page.evaluate("typeof window.__pwned") == "undefined", page
    assert visit.dialogs == []
    assert visit.left_the_file_system() == []
    # an injected element would have tried to run or load, and the page's policy said so
    assert not [m for m in visit.console if "Content Security Policy" in m]
    assert not [m for m in visit.console if m.startswith("page error")]


def test_the_keyboard_moves_across_the_heat_map_and_opens_a_cell(visit, tmp_path, facts):
    site = build_site(facts, tmp_path / "explorer").directory
    visit.open(site / "index.html")
    for _ in range(40):
        visit.page.keyboard.press("Tab")
        focused = visit.page.evaluate("document.activeElement.getAttribute('data-cell')")
        if focused:
            break
    assert focused == "prevention.supply.individual"
    # the focused cell shows its tooltip, and a visible outline
    assert visit.page.locator("#tip-prevention-supply-individual").is_visible()
    outline = visit.page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"
    visit.page.keyboard.press("ArrowDown")
    visit.page.keyboard.press("ArrowRight")
    focused = visit.page.evaluate("document.activeElement.getAttribute('data-cell')")
    assert focused == "prevention.demand.community"
    with visit.page.expect_navigation():
        visit.page.keyboard.press("Enter")
    assert visit.page.url.endswith("cells/prevention-demand-community.html")
    assert visit.page.locator("h1").inner_text() == "Local commercial sex market"


@pytest.fixture
def demo_site(hub: Hub) -> Path:
    """The site the reports/explorer asset wrote during the demo hub's run."""
    (event,) = [
        e
        for e in hub.run.get_asset_materialization_events()
        if e.asset_key.path == ["reports", "explorer"]
    ]
    site = Path(event.materialization.metadata["site"].value).parent
    assert site == hub.home / "reports" / "explorer"
    return site


def published_cells() -> list[tuple]:
    """The fed cells, those fed by most data sets first, with their data sets' scores."""
    with published_gold() as gold:
        return gold.execute(
            "select c.cell_id, c.cell_name, c.data_sets, c.cell_score, "
            "list(q.quality_score order by q.quality_score desc, q.data_set) "
            "from taxonomy_cell_scores c join dataset_quality_scores q "
            "on list_contains(c.data_sets, q.data_set) "
            "group by c.cell_id, c.cell_name, c.data_sets, c.cell_score, c.data_set_count "
            "order by c.data_set_count desc, c.cell_id"
        ).fetchall()


@pytest.mark.integration
def test_clicking_a_cell_opens_its_page_with_its_data_sets_and_scores(visit, demo_site):
    cell_id, name, data_sets, score, qualities = published_cells()[0]
    visit.open(demo_site / "index.html")
    link = visit.page.locator(f'a[data-cell="{cell_id}"]')
    link.hover()
    tip = visit.page.locator(f"#{link.get_attribute('aria-describedby')}")
    assert tip.is_visible() and f"{score:.2f}" in tip.inner_text()
    with visit.page.expect_navigation():
        link.click()

    assert visit.page.locator("h1").inner_text() == name
    assert visit.page.locator(".cell-score .badge").inner_text() == f"{score:.2f}"
    shown = visit.page.locator("table.criteria thead th[data-data-set]")
    assert sorted(shown.evaluate_all("els => els.map(e => e.dataset.dataSet)")) == sorted(data_sets)
    quality = visit.page.locator("table.criteria td[data-quality]")
    assert quality.evaluate_all("els => els.map(e => Number(e.dataset.quality))") == qualities
    assert visit.left_the_file_system() == []


@pytest.mark.integration
def test_a_data_set_page_draws_its_charts_from_the_site_alone(visit, demo_site):
    visit.open(demo_site / "data-sets" / "screenings.html")
    canvases = visit.page.locator(".chart-canvas canvas")
    canvases.first.wait_for(state="visible", timeout=15_000)
    assert canvases.count() >= 2  # the deliveries and the score history
    drawn = visit.page.locator(".chart-canvas").first.screenshot()
    colors = Image.open(BytesIO(drawn)).convert("RGB").getcolors(maxcolors=1 << 20)
    assert len(colors) > 20, "the chart is blank"
    assert visit.left_the_file_system() == []
    assert not [m for m in visit.console if "error" in m.lower()]


@pytest.mark.integration
def test_the_demo_site_stays_under_five_megabytes(demo_site):
    assert sum(p.stat().st_size for p in demo_site.rglob("*") if p.is_file()) < 5 * 2**20
