"""The explorer's site from hand-made facts: its pages, what each says, and what it refuses."""

from __future__ import annotations

import re
from pathlib import Path

import lxml.html
import pytest
from explorer_samples import (
    HOSTILE_CONTRIBUTOR,
    HOSTILE_CONTRIBUTOR_ID,
    HOSTILE_DATA_SET,
    HOSTILE_LABEL,
    HOSTILE_STATE,
    HOSTILE_TITLE,
    small_hub,
    with_record_count,
)

from orchestration.publishing.explorer.facts import ExplorerError
from orchestration.publishing.explorer.site import build_site
from orchestration.publishing.explorer.slugs import slug

SIZE_LIMIT = 5 * 2**20


def page(site: Path, path: str) -> lxml.html.HtmlElement:
    return lxml.html.fromstring((site / path).read_text(encoding="utf-8"))


def visible_text(element: lxml.html.HtmlElement) -> str:
    return " ".join(" ".join(element.itertext()).split())


@pytest.fixture
def site(tmp_path, facts) -> Path:
    return build_site(facts, tmp_path / "explorer").directory


def test_the_site_has_a_page_per_cell_and_per_data_set_and_carries_its_charting_library(site):
    pages = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))
    assert len([p for p in pages if p.startswith("cells/")]) == 27
    assert {"index.html", "gaps.html", "dimensions.html", "data-sets/index.html"} <= set(pages)
    assert {"data-sets/hotline.html", "data-sets/screenings.html"} <= set(pages)
    (bokeh,) = (site / "assets").glob("bokeh-*.min.js")
    assert bokeh.stat().st_size > 100_000
    assert sum(p.stat().st_size for p in site.rglob("*") if p.is_file()) < SIZE_LIMIT


def test_nothing_on_any_page_points_outside_the_site(site):
    for path in site.rglob("*.html"):
        document = page(site, path.relative_to(site).as_posix())
        for _element, attribute, link, _ in document.iterlinks():
            assert "://" not in link and not link.startswith("//"), (path, attribute, link)
            if attribute in ("href", "src") and not link.startswith("#"):
                target = (path.parent / link.split("#")[0]).resolve()
                assert target.is_relative_to(site) and target.exists(), (path, link)


def test_the_heat_map_links_every_cell_and_shows_its_score_and_data_sets_on_hover(site, facts):
    document = page(site, "index.html")
    links = document.xpath("//table[@class='heatmap']//a[@class='cell-link']")
    assert len(links) == 27
    best = document.xpath("//a[@data-cell='protection.supply.individual']")[0]
    assert best.get("data-score") == "6.94"
    assert best.get("href") == "cells/protection-supply-individual.html"
    tip = document.get_element_by_id(best.get("aria-describedby"))
    assert "National hotline statistics" in visible_text(tip)
    assert "Youth screenings" in visible_text(tip)
    empty = document.xpath("//a[@data-cell='prevention.demand.individual']")[0]
    assert empty.get("data-empty") == "true"


def test_a_cell_page_shows_each_data_set_with_its_criteria_and_the_rubric(site):
    document = page(site, "cells/protection-supply-individual.html")
    heads = [
        visible_text(th)
        for th in document.xpath("//table[contains(@class, 'criteria')]//thead/tr/th")
    ]
    assert heads[2:] == ["National hotline statistics", "Youth screenings"]  # best first
    freshness = document.xpath("//td[@data-criterion='freshness' and @data-data-set='hotline']")[0]
    assert visible_text(freshness) == "2.93 1"
    rubric = document.xpath("//tr[th[contains(., 'Freshness')]]/td[@class='thresholds']")[0]
    assert visible_text(rubric) == "≤ 4 / ≤ 2 / ≤ 1 (times the expected cadence)"
    why = visible_text(document.xpath("//p[@class='why']")[0])
    assert "National hotline statistics wins with 6.94, ahead of Youth screenings (5.00)" in why
    assert "freshness (1 against 0)" in why and "lower on demographic coverage" in why


def test_a_cell_page_says_what_a_median_data_set_would_add(site, facts):
    gap = next(g for g in facts.gaps if g.cell_id == "prevention.demand.individual")
    said = page(site, "cells/prevention-demand-individual.html").xpath(
        "//p[@class='marginal-value']"
    )[0]
    assert (
        f"Adding a data set of median quality ({gap.added_data_set_score:.2f}) here raises the "
        f"cell from 0.00 to {gap.cell_score_if_added:.2f}, and the overall score from "
        f"{gap.overall_score:.2f} to {gap.overall_score_if_added:.2f}"
    ) in visible_text(said)


def test_a_data_set_page_shows_its_criteria_contributors_history_and_coverage(site):
    document = page(site, "data-sets/hotline.html")
    text = visible_text(document)
    assert document.xpath("//h1")[0].text == "National hotline statistics"
    assert "Texas Department of Family and Protective Services" in text
    assert len(document.xpath("//div[@class='chart-canvas']")) == 2  # deliveries, history
    assert [td.text for td in document.xpath("//span[@data-history-score]")] == ["5.94", "6.94"]
    grid = document.xpath("//table[@class='coverage-grid']")[0]
    assert [visible_text(th) for th in grid.xpath("thead//th")] == ["state", "2022", "2023", "2024"]
    louisiana, texas = grid.xpath("tbody/tr")
    assert [td.get("data-covered") for td in texas.xpath("td")] == ["true", None, "true"]
    assert [td.get("data-covered") for td in louisiana.xpath("td")] == [None, "true", None]


def test_the_dimensions_page_shows_both_statistics_for_the_nine_values(site, facts):
    document = page(site, "dimensions.html")
    for dimension in facts.dimensions:
        if dimension.dimension == "overall":
            continue
        cells, data_sets = document.xpath(f"//td[@data-dimension-value='{dimension.value}']")
        assert visible_text(cells) == f"{dimension.average_score:.2f}"
        expected = dimension.average_quality_score
        assert visible_text(data_sets) == (f"{expected:.2f}" if expected is not None else "none")


def test_the_gaps_page_lists_the_empty_cells_by_rank(site, facts):
    ranks = [
        int(s.text)
        for s in page(site, "gaps.html").xpath(
            "//table[contains(@class, 'empty')]//span[@data-rank]"
        )
    ]
    empty = [g.gap_rank for g in facts.gaps if g.data_set_count == 0]
    assert ranks == empty == sorted(empty)


def test_a_withheld_count_says_so_and_a_small_one_stops_the_build(tmp_path, facts):
    site = build_site(facts, tmp_path / "explorer").directory
    withheld = page(site, "data-sets/screenings.html").xpath("//dd/span[@data-count]")[0]
    assert withheld.get("data-count") == "withheld" and withheld.text == "withheld"
    with pytest.raises(ExplorerError, match=r"counts from 1 to 10 in dataset_quality_scores"):
        build_site(with_record_count(facts, 7), tmp_path / "small")
    assert not (tmp_path / "small").exists()


def test_a_rebuild_replaces_the_site_but_never_a_folder_it_did_not_write(tmp_path, facts):
    target = tmp_path / "explorer"
    build_site(facts, target)
    (target / "data-sets" / "gone.html").write_text("a page of an earlier build")
    build_site(facts, target)
    assert not (target / "data-sets" / "gone.html").exists()
    precious = tmp_path / "home"
    precious.mkdir()
    (precious / "notes.txt").write_text("mine")
    with pytest.raises(ExplorerError, match="not an explorer site"):
        build_site(facts, precious)
    assert (precious / "notes.txt").read_text() == "mine"


def test_hostile_names_are_shown_as_text_and_never_name_a_file(tmp_path, hostile_facts):
    site = build_site(hostile_facts, tmp_path / "explorer").directory
    files = [p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()]
    assert all(re.fullmatch(r"[a-z0-9_./-]+", name) and ".." not in name for name in files)
    assert f"data-sets/{slug(HOSTILE_DATA_SET)}.html" in files
    assert not list(tmp_path.glob("etc*")) and not (tmp_path / "explorer" / ".." / "b").exists()

    hostile_page = page(site, f"data-sets/{slug(HOSTILE_DATA_SET)}.html")
    assert hostile_page.xpath("//h1")[0].text == HOSTILE_TITLE
    text = visible_text(hostile_page)
    for hostile in (HOSTILE_CONTRIBUTOR, HOSTILE_CONTRIBUTOR_ID, HOSTILE_LABEL):
        assert " ".join(hostile.split()) in text
    assert "Texas" in text and HOSTILE_STATE.split(">")[0] + ">" in text
    for path in site.rglob("*.html"):
        document = page(site, path.relative_to(site).as_posix())
        # the markup arrives as text: no element or handler of an attacker's in the tree
        assert not document.xpath("//iframe | //img | //svg | //b")
        assert not document.xpath("//@*[starts-with(name(), 'on')]")
        scripts = document.xpath("//script")
        assert all(s.get("src") or "Bokeh" in (s.text or "") for s in scripts), path
        # in the charts' data the names are escaped: no raw markup of theirs in a script
        inline = "".join(s.text or "" for s in scripts if not s.get("src"))
        assert not any(h in inline for h in (HOSTILE_TITLE, HOSTILE_CONTRIBUTOR, HOSTILE_LABEL))


def test_every_page_forbids_scripts_and_requests_from_elsewhere(site):
    for path in site.rglob("*.html"):
        (policy,) = page(site, path.relative_to(site).as_posix()).xpath(
            "//meta[@http-equiv='Content-Security-Policy']/@content"
        )
        assert "default-src 'none'" in policy and "connect-src 'none'" in policy
        assert "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]


def test_a_data_set_page_says_when_it_feeds_no_cell(tmp_path):
    facts = small_hub(
        feeds={"protection.supply.community": ("hotline",)},
        quality={"hotline": 6.94, "lonely": 3.0},
        criterion_scores={"hotline": (1, 3, 3, 3, 2, 3, 0), "lonely": (0, 0, 0, 0, 0, 0, 0)},
    )
    site = build_site(facts, tmp_path / "explorer").directory
    assert "It feeds no taxonomy cell." in visible_text(page(site, "data-sets/lonely.html"))
