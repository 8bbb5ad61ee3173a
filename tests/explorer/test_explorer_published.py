"""The explorer the demo hub's run built, against the published gold it was built from: every
figure on its pages equals the gold tables, no protected count from 1 to 10 is shown, and
`hub explorer` builds the same site from the command line."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import lxml.html
import pytest
from built_hub import Hub
from explorer_samples import published_gold

from orchestration.platform.settings import REPO_ROOT
from orchestration.publishing.explorer.facts import CRITERIA, TABLES
from orchestration.publishing.explorer.slugs import data_set_page
from orchestration.trust.suppression import configured_threshold

pytestmark = pytest.mark.integration

# A number followed by what counts people or cases (not a score's "/ 10"): none from 1 to
# threshold - 1 may show.
COUNTED = re.compile(
    r"(?<![\d.,])(?<!/ )(\d[\d,]*)\s+(records?|cases?|people|persons?|screenings?|victims?|"
    r"defendants?|offen[cs]es|arrests?|signals?|individuals?)\b",
    re.IGNORECASE,
)


@pytest.fixture(scope="module")
def gold(built_hub: Hub) -> dict[str, list[dict]]:
    """Every table the explorer reads, as the analyst reads it from the published gold."""
    with pytest.MonkeyPatch.context() as patch:
        for name, value in built_hub.environment.items():
            patch.setenv(name, value)
        with published_gold() as connection:
            read = {}
            for table in TABLES:
                result = connection.execute(f"from {table}")
                columns = [d[0] for d in result.description]
                read[table] = [dict(zip(columns, row, strict=True)) for row in result.fetchall()]
    return read


@pytest.fixture(scope="module")
def site(built_hub: Hub) -> Path:
    """The site the reports/explorer asset wrote in the demo run."""
    site = built_hub.home / "reports" / "explorer"
    assert (site / "index.html").is_file()
    return site


def page(site: Path, path: str) -> lxml.html.HtmlElement:
    return lxml.html.fromstring((site / path).read_text(encoding="utf-8"))


def text(element) -> str:
    return " ".join(" ".join(element.itertext()).split())


def test_the_heat_map_shows_the_published_cell_scores(site, gold):
    document = page(site, "index.html")
    for cell in gold["taxonomy_cell_scores"]:
        (link,) = document.xpath(f"//a[@data-cell='{cell['cell_id']}']")
        if cell["data_set_count"] == 0:
            assert link.get("data-empty") == "true"
        else:
            assert float(link.get("data-score")) == cell["cell_score"]
            assert text(link).startswith(f"{cell['cell_score']:.1f}")


def test_each_cell_page_shows_its_data_sets_scores_and_marginal_value(site, gold):
    scores = {row["data_set"]: row for row in gold["dataset_quality_scores"]}
    gaps = {row["cell_id"]: row for row in gold["coverage_gaps"]}
    index = page(site, "index.html")
    for cell in gold["taxonomy_cell_scores"]:
        (link,) = index.xpath(f"//a[@data-cell='{cell['cell_id']}']")
        document = page(site, link.get("href"))
        assert document.xpath("//h1")[0].text == cell["cell_name"]
        gap = gaps[cell["cell_id"]]
        (said,) = document.xpath("//p[@class='marginal-value']")
        assert float(said.get("data-overall")) == round(gap["overall_score"], 2)
        assert float(said.get("data-overall-if-added")) == round(gap["overall_score_if_added"], 2)
        assert float(said.get("data-added")) == gap["added_data_set_score"]
        assert int(said.get("data-rank")) == gap["gap_rank"]
        shown = {
            td.get("data-data-set"): float(td.get("data-quality"))
            for td in document.xpath("//td[@data-quality]")
        }
        assert shown == {name: scores[name]["quality_score"] for name in cell["data_sets"]}
        for name in cell["data_sets"]:
            for criterion in CRITERIA:
                (td,) = document.xpath(
                    f"//td[@data-data-set='{name}' and @data-criterion='{criterion}']"
                )
                assert text(td).endswith(f" {scores[name][f'{criterion}_score']}")


def test_each_data_set_page_shows_its_published_figures(site, gold):
    threshold = configured_threshold()
    history = Counter(row["data_set"] for row in gold["quality_score_history"])
    covered = Counter(row["data_set"] for row in gold["coverage_by_state_year"])
    for row in gold["dataset_quality_scores"]:
        document = page(site, data_set_page(row["data_set"]))
        (quality,) = document.xpath("//dd[@data-quality]")
        assert float(quality.get("data-quality")) == row["quality_score"]
        (count,) = document.xpath("//dl[@class='facts']//span[@data-count]")
        if row["record_count_suppressed"]:
            assert count.get("data-count") == "withheld"
        else:
            assert int(count.get("data-count")) == row["record_count"] >= threshold
        for criterion in CRITERIA:
            (score,) = document.xpath(f"//span[@data-criterion='{criterion}']")
            assert int(score.get("data-score-value")) == row[f"{criterion}_score"]
        assert len(document.xpath("//span[@data-history-score]")) == history[row["data_set"]]
        assert len(document.xpath("//td[@data-covered='true']")) == covered[row["data_set"]]
        labels = {
            text(tr.xpath("th")[0])
            for tr in document.xpath("//table[contains(@class, 'deliveries')]/tbody/tr")
        }
        delivered = {
            d["delivery_label"]
            for d in gold["data_set_deliveries"]
            if d["data_set"] == row["data_set"]
        }
        assert labels == delivered


def test_the_dimensions_page_shows_both_published_statistics(site, gold):
    document = page(site, "dimensions.html")
    for row in gold["taxonomy_dimension_scores"]:
        if row["dimension"] == "overall":
            continue
        cells, data_sets = document.xpath(f"//td[@data-dimension-value='{row['dimension_value']}']")
        assert text(cells) == f"{row['average_score']:.2f}"
        quality = row["average_quality_score"]
        assert text(data_sets) == (f"{quality:.2f}" if quality is not None else "none")


def test_the_gaps_page_ranks_the_empty_cells_as_gold_does(site, gold):
    document = page(site, "gaps.html")
    empty = [r for r in gold["coverage_gaps"] if r["data_set_count"] == 0]
    ranks = [
        int(s.get("data-rank"))
        for s in document.xpath("//table[contains(@class, 'empty')]//span[@data-rank]")
    ]
    assert ranks == sorted(r["gap_rank"] for r in empty)


def test_no_count_from_1_to_10_is_shown_on_any_page(site):
    threshold = configured_threshold()
    shown = 0
    for path in site.rglob("*.html"):
        document = page(site, path.relative_to(site).as_posix())
        for value in document.xpath("//@data-count"):
            shown += 1
            assert value == "withheld" or not 0 < int(value) < threshold, (path, value)
        shown_text = " ".join(document.xpath("//body//text()[not(ancestor::script)]"))
        for number, noun in COUNTED.findall(" ".join(shown_text.split())):
            assert not 0 < int(number.replace(",", "")) < threshold, (path, number, noun)
    assert shown > 0


def test_hub_explorer_builds_the_site_and_prints_where(built_hub, tmp_path):
    completed = subprocess.run(
        [
            str(Path(sys.executable).parent / "hub"),
            "--quiet",
            "explorer",
            "--out",
            str(tmp_path / "site"),
            "--format",
            "json",
        ],
        env={**os.environ, **built_hub.environment},
        capture_output=True,
        text=True,
        timeout=300,
        cwd=REPO_ROOT,
    )
    assert completed.returncode == 0, completed.stderr
    said = json.loads(completed.stdout)
    assert said["site"] == str(tmp_path / "site" / "index.html")
    assert Path(said["site"]).is_file() and said["pages"] > 27
    assert said["bytes"] < 5 * 2**20
