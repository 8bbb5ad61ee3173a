"""The HTML heat map: the reference layout as an accessible, self-contained table."""

from __future__ import annotations

import dataclasses

import lxml.html
import pytest

from orchestration.publishing.heatmap import CONDITIONS, INTERVENTIONS, LEVELS, grid_columns
from orchestration.publishing.heatmap_render import NO_DATA_LABEL, render_html, score_color


@pytest.fixture
def page(cells, overall, averages, title) -> lxml.html.HtmlElement:
    return lxml.html.document_fromstring(render_html(cells, overall, averages, title))


def test_columns_are_conditions_grouped_under_interventions(page):
    group_row, condition_row = page.xpath("//table/thead/tr")
    groups = group_row.xpath("th[@scope='colgroup']")
    assert [g.text.strip() for g in groups] == list(INTERVENTIONS)
    assert all(g.get("colspan") == "3" for g in groups)
    conditions = condition_row.xpath("th[@scope='col']")
    assert [c.text_content() for c in conditions] == [c for _, c in grid_columns()]


def test_every_cell_shows_its_score_in_its_level_row_and_column(page, cells):
    rows = page.xpath("//table/tbody/tr")
    assert [row.xpath("th[@scope='row']")[0].text_content() for row in rows] == list(LEVELS)
    assert len(page.xpath("//td[contains(@class, 'cell')]")) == 27
    by_id = {cell.cell_id: cell for cell in cells}
    for level, row in zip(LEVELS, rows, strict=True):
        drawn = row.xpath("td[contains(@class, 'cell')]")
        assert len(drawn) == 9
        for (intervention, condition), td in zip(grid_columns(), drawn, strict=True):
            cell = by_id[f"{intervention}.{condition}.{level}"]
            assert (
                td.get("data-level"),
                td.get("data-intervention"),
                td.get("data-condition"),
            ) == (
                level,
                intervention,
                condition,
            )
            shown = td.text.strip()
            if cell.data_set_count:
                assert shown == f"{cell.score:.1f}"
                assert f"background-color:{score_color(cell.score)}" in td.get("style")
            else:
                assert shown == NO_DATA_LABEL


def test_unfed_cells_are_marked_empty_and_a_fed_zero_is_not(page, cells):
    empty = page.xpath("//td[@data-empty='true']")
    assert sorted(td.get("data-cell") for td in empty) == sorted(
        cell.cell_id for cell in cells if cell.data_set_count == 0
    )
    assert all("empty" in td.get("class").split() and td.get("data-score") is None for td in empty)
    fed_zero = page.xpath("//td[@data-cell='protection.demand.individual']")[0]
    assert fed_zero.get("data-empty") is None
    assert fed_zero.text.strip() == "0.0"


def test_dimension_averages_sit_in_the_margins(page, averages, overall):
    def badge(scope: str, value: str) -> str:
        (found,) = page.xpath(f"{scope}//span[@data-dimension-value='{value}']")
        return found.text_content()

    for intervention in INTERVENTIONS:
        header = f"//thead//th[@scope='colgroup'][starts-with(normalize-space(), '{intervention}')]"
        assert badge(header, intervention) == f"avg {averages[intervention]:.2f}"
    for level in LEVELS:
        row = f"//tbody/tr[th[@scope='row']='{level}']/td[contains(@class, 'margin')]"
        assert badge(row, level) == f"avg {averages[level]:.2f}"
    for condition in CONDITIONS:
        assert badge("//tfoot", condition) == f"{condition} {averages[condition]:.2f}"
    assert badge("//tfoot", "overall") == f"overall {overall:.2f}"
    assert f"{overall:.2f}" in page.xpath("//p[@class='overall-line']")[0].text_content()


def test_each_cell_names_its_score_and_best_data_set_for_tooltips_and_screen_readers(page):
    (top,) = page.xpath("//td[@data-cell='prosecution.distribution.system']")
    expected = (
        "prosecution x distribution x system: 10.0 / 10 from 4 data sets; "
        "best data set: federal_prosecutions"
    )
    assert top.get("title") == expected
    assert expected in top.xpath("span[@class='visually-hidden']")[0].text_content()
    (unfed,) = page.xpath("//td[@data-cell='prevention.demand.community']")
    assert "no data set feeds this cell" in unfed.get("title")


def test_page_is_titled_captioned_and_escapes_the_title(cells, overall, averages, title):
    text = render_html(cells, overall, averages, title)
    assert "&lt;2026&gt; &amp; partners" in text
    page = lxml.html.document_fromstring(text)
    assert page.xpath("//head/title")[0].text == title
    assert page.xpath("//h1")[0].text == title
    assert page.xpath("//table/caption")[0].text_content().startswith("The 27 taxonomy cells")
    assert page.get("lang") == "en"


def test_page_loads_nothing_from_outside(cells, overall, averages, title):
    text = render_html(cells, overall, averages, title).lower()
    for outside in ("<script", "<link", "<img", "<iframe", "url(", "@import", "http:", "https:"):
        assert outside not in text


def test_same_scores_give_identical_html(cells, overall, averages, title):
    first = render_html(cells, overall, averages, title)
    assert render_html(list(cells), overall, dict(averages), title) == first


def test_missing_dimension_average_is_refused_with_what_to_pass(cells, overall, averages, title):
    del averages["community"]
    with pytest.raises(ValueError, match=r"lack \['community'\].*taxonomy_dimension_scores"):
        render_html(cells, overall, averages, title)


def test_missing_cell_is_refused(cells, overall, averages, title):
    with pytest.raises(ValueError, match=r"prevention\.supply\.individual"):
        render_html(cells[1:], overall, averages, title)


def test_score_outside_the_scale_is_refused(cells, overall, averages, title):
    cells[4] = dataclasses.replace(cells[4], score=12.5)
    with pytest.raises(ValueError, match=rf"cell {cells[4].cell_id} has score 12.5, outside"):
        render_html(cells, overall, averages, title)
