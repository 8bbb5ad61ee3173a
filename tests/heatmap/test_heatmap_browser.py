"""The HTML heat map opened in a real headless chromium: the DOM it builds and what it paints."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import lxml.html
import pytest
from PIL import Image

from orchestration.publishing.heatmap_render import render_html, score_color

WINDOW = (1400, 700)
# No network, no first-run or update traffic: the page must render from the file alone.
QUIET_HEADLESS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    f"--window-size={WINDOW[0]},{WINDOW[1]}",
)


@pytest.fixture(scope="module")
def chromium() -> str:
    found = shutil.which("chromium") or (
        "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None
    )
    if found is None:
        pytest.skip(
            "chromium not found (looked on PATH and at /usr/bin/chromium); on Debian run "
            "infra/install_chromium.sh as root to install it and run this browser test"
        )
    return found


@pytest.fixture
def page_url(tmp_path, cells, overall, averages, title) -> str:
    page = tmp_path / "heatmap.html"
    page.write_text(render_html(cells, overall, averages, title), encoding="utf-8")
    return page.as_uri()


def run_chromium(chromium: str, profile: Path, *arguments: str) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [chromium, *QUIET_HEADLESS, f"--user-data-dir={profile}", *arguments],
        capture_output=True,
        timeout=120,
    )
    assert result.returncode == 0, (
        f"chromium exited {result.returncode}: {result.stderr.decode(errors='replace')[-2000:]}"
    )
    return result


def test_browser_builds_the_27_cell_table_with_its_title(chromium, page_url, tmp_path, title):
    dom = run_chromium(chromium, tmp_path / "profile", "--dump-dom", page_url).stdout
    page = lxml.html.document_fromstring(dom)
    assert page.xpath("//head/title")[0].text == title
    assert page.xpath("//h1")[0].text == title
    assert len(page.xpath("//table/tbody/tr/td[contains(@class, 'cell')]")) == 27
    assert len(page.xpath("//td[@data-empty='true']")) == 3


def test_browser_paints_the_heat_map(chromium, page_url, tmp_path, cells):
    shot = tmp_path / "shot.png"
    run_chromium(chromium, tmp_path / "profile", f"--screenshot={shot}", page_url)
    image = Image.open(shot).convert("RGB")
    assert image.size == WINDOW
    colors = {f"#{r:02x}{g:02x}{b:02x}" for _, (r, g, b) in image.getcolors(maxcolors=1 << 24)}
    assert len(colors) > 200, "the screenshot is nearly blank"
    # Each fed cell's fill is painted exactly in its scale color, so the grid really rendered.
    assert {score_color(cell.score) for cell in cells if cell.data_set_count} <= colors
