"""The explorer's pages as HTML: pure functions of the facts.

Every value from the published gold passes through `text()` (HTML-escaped, quotes too), since
titles, contributor names, delivery labels and state names come from contributors. Links and
file names come from `slugs`. Counts of people or cases show as a number only at 0 or from the
small-cell threshold up; a withheld one says so.
"""

from __future__ import annotations

import base64
import hashlib
import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from orchestration.publishing.explorer.charts import Charts
from orchestration.publishing.explorer.facts import (
    Cell,
    Criterion,
    DataSetScore,
    Delivery,
    ExplorerFacts,
    Gap,
    HistoryPoint,
    StateYear,
)
from orchestration.publishing.explorer.slugs import cell_page, data_set_page
from orchestration.publishing.heatmap import CONDITIONS, INTERVENTIONS, LEVELS, CellScore, as_grid
from orchestration.publishing.heatmap_render import (
    NO_DATA_LABEL,
    SCORE_SCALE,
    ink_color,
    legend_html,
    score_color,
)

SITE_TITLE = "Evidence explorer"
STYLESHEET = "assets/explorer.css"
SCRIPT = "assets/explorer.js"
DIMENSIONS = {"intervention": INTERVENTIONS, "condition": CONDITIONS, "level": LEVELS}
GROUPS = {"reliability_validity": "Reliability and validity", "coverage": "Coverage"}
NAVIGATION = (
    ("index.html", "Heat map"),
    ("gaps.html", "Gaps"),
    ("dimensions.html", "Dimensions"),
    ("data-sets/index.html", "Data sets"),
)


@dataclass(frozen=True)
class Page:
    path: str  # relative to the site's root
    html: str


def text(value: object) -> str:
    """Any value as HTML text: escaped, quotes included, so it is safe in an attribute too."""
    return html.escape(str(value), quote=True)


def label(value: str) -> str:
    return text(value.replace("_", " ").capitalize())


# --- the frame of every page ------------------------------------------------------------------


def layout(
    facts: ExplorerFacts,
    path: str,
    title: str,
    body: str,
    bokeh_js: str | None = None,
    charts: Charts | None = None,
) -> Page:
    root = "../" * path.count("/")
    head_scripts = ""
    if charts is not None and bokeh_js is not None:
        head_scripts = f'<script src="{root}assets/{text(bokeh_js)}"></script>'
    navigation = "".join(
        f'<a href="{root}{target}"{" aria-current=page" if target == path else ""}>{name}</a>'
        for target, name in NAVIGATION
    )
    page = f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="{_policy(charts)}">
<meta name="referrer" content="no-referrer">
<title>{title} · {SITE_TITLE}</title>
<link rel="stylesheet" href="{root}{STYLESHEET}">
{head_scripts}
<script src="{root}{SCRIPT}" defer></script>
</head>
<body>
<a class="skip" href="#main">Skip to the content</a>
<header class="site">
<a class="site-name" href="{root}index.html">{SITE_TITLE}</a>
<nav aria-label="Explorer">{navigation}</nav>
</header>
<main id="main">
{body}
</main>
{_footer(facts)}
{charts.script if charts is not None else ""}
</body>
</html>
"""
    return Page(path, page)


def _policy(charts: Charts | None) -> str:
    """The page's content security policy: scripts from the site's own files and the page's
    one chart script (by its hash), nothing fetched from anywhere else, so markup slipped into
    a page could neither run nor call out."""
    scripts = "'self'"
    if charts is not None:
        inline = re.fullmatch(r"\s*<script[^>]*>(.*)</script>\s*", charts.script, re.DOTALL)
        if inline is None:
            raise ValueError("a chart script is not one <script> element")
        digest = base64.b64encode(hashlib.sha256(inline.group(1).encode()).digest()).decode()
        scripts += f" 'sha256-{digest}'"
    return (
        f"default-src 'none'; script-src {scripts}; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; font-src 'self' data:; connect-src 'none'; base-uri 'none'; "
        "form-action 'none'"
    )


def _footer(facts: ExplorerFacts) -> str:
    source = "the published gold"
    if facts.publication is not None:
        source = (
            f"publication {text(facts.publication.snapshot)} of the published gold "
            f"({text(facts.publication.published_at)})"
        )
    return (
        '<footer class="site">'
        f"<p>Built from {source}. Counts of people and cases from 1 to "
        f"{facts.threshold - 1} are withheld (small-cell threshold {facts.threshold}), as "
        "are counts that would reveal them. Scores run from 0 (weak or no evidence) to 10 "
        "(strong).</p>"
        "</footer>"
    )


def score_badge(score: float | None, digits: int = 2, high: float = SCORE_SCALE[1]) -> str:
    """A score on the heat map's color scale, on `high` (10, or 3 for a criterion)."""
    if score is None:
        return '<span class="badge none">none</span>'
    background = score_color(score * SCORE_SCALE[1] / high)
    return (
        f'<span class="badge" data-score="{score:.{digits}f}" style="background-color:'
        f'{background};color:{ink_color(background)}">{score:.{digits}f}</span>'
    )


def count_html(count: int | None, suppressed: bool, threshold: int) -> str:
    """A protected count: the number, or 'withheld'. A small count never reaches a page."""
    if suppressed or count is None:
        return (
            '<span class="count withheld" data-count="withheld" title="withheld: small, or '
            'would reveal a small count">withheld</span>'
        )
    if 0 < count < threshold:
        raise ValueError(f"a count of {count} is below the threshold {threshold}")
    return f'<span class="count" data-count="{count}">{count:,}</span>'


def data_set_link(facts: ExplorerFacts, data_set: str, root: str) -> str:
    """The data set's title, linked to its page where it has one."""
    name = text(facts.title(data_set))
    if facts.data_set(data_set) is None:
        return name
    return f'<a href="{root}{data_set_page(data_set)}">{name}</a>'


def _where(cell: Cell) -> str:
    score = cell.score
    return (
        f"{label(score.intervention)} &times; {text(score.condition)} &times; {text(score.level)}"
    )


def _table(
    caption: str, headers: Sequence[str], rows: Iterable[Sequence[str]], css: str = ""
) -> str:
    head = "".join(f'<th scope="col">{header}</th>' for header in headers)
    body = "".join(
        "<tr>"
        + f'<th scope="row">{row[0]}</th>'
        + "".join(f"<td>{value}</td>" for value in row[1:])
        + "</tr>"
        for row in rows
    )
    return (
        f'<table class="data {css}"><caption>{caption}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    )


def _figure(element: str, caption: str, description: str) -> str:
    """A chart with its caption and a sentence saying what it shows; the table after it is the
    chart's text alternative."""
    if not element:
        return ""
    return (
        f'<figure class="chart"><figcaption>{caption}</figcaption>'
        f'<p class="chart-summary">{description}</p>'
        f'<div class="chart-canvas" aria-hidden="true">{element}</div></figure>'
    )


# --- the heat map --------------------------------------------------------------------------------


def heat_map_page(facts: ExplorerFacts) -> Page:
    cells = {cell.cell_id: cell for cell in facts.cells}
    grid = as_grid([cell.score for cell in facts.cells])
    gaps = {gap.cell_id: gap for gap in facts.gaps}
    averages = {d.value: d for d in facts.dimensions}
    overall = facts.overall
    head_interventions = "".join(
        f'<th scope="colgroup" colspan="3" class="intervention">{label(intervention)}'
        f'<a class="average" href="dimensions.html#{text(intervention)}" '
        f'title="mean of its nine cells">avg {score_badge(averages[intervention].average_score)}'
        "</a></th>"
        for intervention in INTERVENTIONS
    )
    head_conditions = "".join(
        f'<th scope="col" class="{_group_start(condition)}">{text(condition)}</th>'
        for _ in INTERVENTIONS
        for condition in CONDITIONS
    )
    rows = []
    for row, level in enumerate(LEVELS):
        tds = []
        for column, (intervention, condition) in enumerate(
            (i, c) for i in INTERVENTIONS for c in CONDITIONS
        ):
            score = grid[level][(intervention, condition)]
            tds.append(
                _heat_cell(facts, cells[score.cell_id], gaps.get(score.cell_id), row, column)
            )
        rows.append(
            f'<tr><th scope="row" class="level">{label(level)}</th>{"".join(tds)}'
            f'<td class="margin"><a class="average" href="dimensions.html#{text(level)}" '
            f'title="mean of its nine cells">{score_badge(averages[level].average_score)}</a>'
            "</td></tr>"
        )
    conditions_foot = "".join(
        f'<a class="average" href="dimensions.html#{text(condition)}">{text(condition)} '
        f"{score_badge(averages[condition].average_score)}</a>"
        for condition in CONDITIONS
    )
    body = f"""
<h1>Where the field's evidence is strong, and where it is blind</h1>
<p class="lede">The 27 cells of the taxonomy: three interventions, each over three conditions,
at three levels. Each cell is scored 0&ndash;10 from the quality of the data sets that feed
it. Point at a cell or move to it with the keyboard to see its score and its data sets; open
it for the detail.</p>
<p class="overall-line">Overall score {score_badge(overall.average_score)} / 10, the mean of
all 27 cells (an empty cell counts 0). The data sets feeding them score
{score_badge(overall.average_quality_score)} on average.</p>
<div class="table-scroll">
<table class="heatmap" aria-describedby="heatmap-help">
<caption>Cell scores, 0&ndash;10. Rows are levels; columns are the three interventions, each over
its three conditions. Each cell links to its page.</caption>
<thead>
<tr><th scope="col" rowspan="2" class="corner">level</th>{head_interventions}
<th scope="col" rowspan="2" class="margin-head">level average</th></tr>
<tr>{head_conditions}</tr>
</thead>
<tbody>
{"".join(rows)}
</tbody>
<tfoot><tr><th scope="row">condition average</th>
<td colspan="9" class="condition-averages">{conditions_foot}</td>
<td class="margin"><a class="average" href="dimensions.html">overall
{score_badge(overall.average_score)}</a></td></tr></tfoot>
</table>
</div>
<p id="heatmap-help" class="help">Tab moves from cell to cell, the arrow keys move across the
grid, Enter opens a cell. Hatched grey cells have no data set at all.</p>
{_legend()}
<h2>The data sets</h2>
{_data_sets_table(facts, "")}
"""
    return layout(facts, "index.html", "Heat map", body)


def _group_start(condition: str) -> str:
    return "group-start" if condition == CONDITIONS[0] else ""


def _heat_cell(facts: ExplorerFacts, cell: Cell, gap: Gap | None, row: int, column: int) -> str:
    score = cell.score
    tip_id = f"tip-{score.intervention}-{score.condition}-{score.level}"
    position = (
        f'data-cell="{text(cell.cell_id)}" data-row="{row}" data-col="{column}" '
        f'href="{cell_page(score)}" aria-describedby="{text(tip_id)}"'
    )
    css = f"cell {_group_start(score.condition)}"
    if score.data_set_count == 0:
        worth = ""
        if gap is not None and gap.marginal_gain > 0:
            worth = (
                f"<br>Filling it would raise the overall score from {gap.overall_score:.2f} "
                f"to {gap.overall_score_if_added:.2f}."
            )
        tip = f"No data set feeds this cell.{worth}"
        return (
            f'<td class="{css} empty"><a class="cell-link" {position} data-empty="true">'
            f'<span class="cell-value">{NO_DATA_LABEL}</span>'
            f'<span class="visually-hidden">: {text(cell.name)}</span></a>'
            f'<div class="tip" role="tooltip" id="{text(tip_id)}"><strong>{text(cell.name)}'
            f"</strong><br>{_where(cell)}<br>{tip}</div></td>"
        )
    background = score_color(score.score)
    feeding = sorted(
        cell.data_sets,
        key=lambda d: (-(facts.data_set(d).quality_score if facts.data_set(d) else 0), d),
    )
    listed = "".join(
        f"<li>{text(facts.title(d))} "
        f"<span class=tip-score>{_quality_text(facts, d)}</span>"
        f"{' (best)' if d == score.best_data_set else ''}</li>"
        for d in feeding
    )
    return (
        f'<td class="{css}" style="background-color:{background};color:{ink_color(background)}">'
        f'<a class="cell-link" {position} data-score="{score.score:.2f}">'
        f'<span class="cell-value">{score.score:.1f}</span>'
        f'<span class="visually-hidden">: {text(cell.name)}</span></a>'
        f'<div class="tip" role="tooltip" id="{text(tip_id)}"><strong>{text(cell.name)}'
        f"</strong><br>{_where(cell)}<br>Score {score.score:.2f} / 10 from:<ul>{listed}</ul></div>"
        "</td>"
    )


def _quality_text(facts: ExplorerFacts, data_set: str) -> str:
    scored = facts.data_set(data_set)
    return f"{scored.quality_score:.2f}" if scored else "not published"


def _legend() -> str:
    low, high = SCORE_SCALE
    return legend_html(
        f"Score {low:g} (weak or no evidence) to {high:g} (strong); the scale runs from pale "
        "yellow through green to dark blue, readable with any color vision"
    )


def _data_sets_table(facts: ExplorerFacts, root: str) -> str:
    rows = [
        (
            data_set_link(facts, d.data_set, root),
            f"<code>{text(d.data_set)}</code>",
            score_badge(d.quality_score),
            f"{d.reliability_validity_score:.2f} / 3",
            f"{d.coverage_score:.2f} / 3",
            count_html(d.record_count, d.record_count_suppressed, facts.threshold),
        )
        for d in sorted(facts.data_sets, key=lambda d: (-d.quality_score, d.data_set))
    ]
    return _table(
        "Every data set in the hub, best first: its quality score (0-10) combines the "
        "reliability and validity group and the coverage group (each 0-3).",
        [
            "data set",
            "id",
            "quality",
            "reliability and validity",
            "coverage",
            "records",
        ],
        rows,
        "data-sets",
    )


# --- a cell's page -------------------------------------------------------------------------------


def cell_pages(facts: ExplorerFacts) -> list[Page]:
    gaps = {gap.cell_id: gap for gap in facts.gaps}
    return [_cell_page(facts, cell, gaps.get(cell.cell_id)) for cell in facts.cells]


def _cell_page(facts: ExplorerFacts, cell: Cell, gap: Gap | None) -> Page:
    root = "../"
    score = cell.score
    feeding = sorted(
        (d for d in (facts.data_set(name) for name in cell.data_sets) if d is not None),
        key=lambda d: (-d.quality_score, d.data_set),
    )
    unpublished = [name for name in cell.data_sets if facts.data_set(name) is None]
    if score.data_set_count == 0:
        evidence = (
            '<p class="empty-note">No data set feeds this cell yet. Data that would belong '
            f"here: {text(cell.example_data)}</p>"
        )
    else:
        evidence = (
            "<h2>The data sets feeding it</h2>"
            + _why_best(facts, feeding)
            + _criteria_comparison(facts, feeding, root)
        )
        if unpublished:
            evidence += (
                "<p>Also fed by data sets whose scores are not published here: "
                f"{', '.join(text(facts.title(name)) for name in unpublished)}.</p>"
            )
    body = f"""
<p class="breadcrumb"><a href="{root}index.html">Heat map</a> &rsaquo; {_where(cell)}</p>
<h1>{text(cell.name)}</h1>
<p class="lede">{text(cell.description)}</p>
<p class="cell-score" data-cell="{text(cell.cell_id)}">{_cell_score_line(facts, score)}</p>
<section class="marginal" aria-labelledby="marginal-head">
<h2 id="marginal-head">What filling it is worth</h2>
{_marginal(gap)}
</section>
{evidence}
"""
    return layout(facts, cell_page(score), cell.name, body)


def _cell_score_line(facts: ExplorerFacts, score: CellScore) -> str:
    if not score.data_set_count:
        return "No data set feeds this cell: it scores 0 in every average."
    rule = (
        "the mean quality score of the data sets feeding it"
        if facts.cell_score_rule == "mean"
        else "the quality score of the best data set feeding it"
    )
    return f"Cell score {score_badge(score.score)} / 10, {rule}."


def _marginal(gap: Gap | None) -> str:
    if gap is None:
        return "<p>The published gold holds no gap ranking for this cell.</p>"
    figures = (
        f'data-added="{gap.added_data_set_score:.2f}" data-overall="{gap.overall_score:.2f}" '
        f'data-overall-if-added="{gap.overall_score_if_added:.2f}" '
        f'data-gain="{gap.marginal_gain:.4f}" data-rank="{gap.gap_rank}"'
    )
    median = f"a data set of median quality ({gap.added_data_set_score:.2f})"
    if gap.marginal_gain > 0:
        said = (
            f"Adding {median} here raises the cell from {gap.cell_score:.2f} to "
            f"{gap.cell_score_if_added:.2f}, and the overall score from "
            f"<strong>{gap.overall_score:.2f}</strong> to "
            f"<strong>{gap.overall_score_if_added:.2f}</strong> "
            f"(+{gap.marginal_gain:.2f}). It ranks {gap.gap_rank} of 27 on the "
            '<a href="../gaps.html">gaps list</a>.'
        )
    elif gap.marginal_gain == 0:
        said = (
            f"Adding {median} here would not raise the cell, whose best data set already "
            f"scores {gap.cell_score:.2f}: the overall score stays at "
            f"<strong>{gap.overall_score:.2f}</strong>."
        )
    else:
        said = (
            f"Adding {median} here would lower the cell's mean from {gap.cell_score:.2f} to "
            f"{gap.cell_score_if_added:.2f}, and the overall score from "
            f"<strong>{gap.overall_score:.2f}</strong> to "
            f"<strong>{gap.overall_score_if_added:.2f}</strong>."
        )
    return f'<p class="marginal-value" {figures}>{said}</p>'


def _why_best(facts: ExplorerFacts, feeding: Sequence[DataSetScore]) -> str:
    if not feeding:
        return ""
    best = feeding[0]
    name = f"<strong>{text(facts.title(best.data_set))}</strong>"
    if facts.cell_score_rule == "mean":
        return (
            '<p class="why">The hub scores a cell by the mean of its data sets\' quality '
            f"scores (cell_score_rule = mean); the best of them is {name} "
            f"({best.quality_score:.2f}).</p>"
        )
    if len(feeding) == 1:
        return (
            f'<p class="why">Only {name} feeds this cell, so the cell takes its quality '
            f"score, {best.quality_score:.2f}.</p>"
        )
    runner = feeding[1]
    runner_name = text(facts.title(runner.data_set))
    if runner.quality_score == best.quality_score:
        return (
            f'<p class="why">{name} and {runner_name} tie at {best.quality_score:.2f}; a tie '
            "goes to the data set first by name, and the cell takes that score.</p>"
        )
    ahead = [
        f"{c.label.lower()} ({best.scores[c.name]} against {runner.scores[c.name]})"
        for c in facts.rubric
        if (best.scores[c.name] or 0) > (runner.scores[c.name] or 0)
    ]
    behind = [
        f"{c.label.lower()} ({best.scores[c.name]} against {runner.scores[c.name]})"
        for c in facts.rubric
        if (best.scores[c.name] or 0) < (runner.scores[c.name] or 0)
    ]
    said = (
        f'<p class="why">The best data set sets the cell\'s score: {name} wins with '
        f"{best.quality_score:.2f}, ahead of {runner_name} ({runner.quality_score:.2f})."
    )
    if ahead:
        said += f" It scores higher on {_sentence(ahead)}"
        said += f", and lower on {_sentence(behind)}." if behind else "."
    said += "</p>"
    return said


def _sentence(parts: Sequence[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def _criteria_comparison(facts: ExplorerFacts, feeding: Sequence[DataSetScore], root: str) -> str:
    """Criteria as rows, the feeding data sets as columns (best first), the rubric's
    thresholds beside them."""
    heads = "".join(
        f'<th scope="col" data-data-set="{text(d.data_set)}">'
        f"{data_set_link(facts, d.data_set, root)}</th>"
        for d in feeding
    )
    rows = []
    for criterion in facts.rubric:
        values = "".join(
            f'<td data-data-set="{text(d.data_set)}" data-criterion="{criterion.name}">'
            f"{_measured(criterion, d.values[criterion.name])} "
            f"{score_badge(d.scores[criterion.name], 0, 3)}</td>"
            for d in feeding
        )
        rows.append(
            f'<tr><th scope="row">{text(criterion.label)}<span class="group">'
            f"{GROUPS.get(criterion.group, text(criterion.group))}</span></th>"
            f'<td class="thresholds">{_thresholds(criterion)}</td>{values}</tr>'
        )
    for group, attribute in (
        ("reliability_validity", "reliability_validity_score"),
        ("coverage", "coverage_score"),
    ):
        values = "".join(
            f'<td data-data-set="{text(d.data_set)}" data-group="{group}">'
            f"{getattr(d, attribute):.2f} / 3</td>"
            for d in feeding
        )
        rows.append(
            f'<tr class="group-row"><th scope="row">{GROUPS[group]} group</th>'
            f'<td class="thresholds">weighted mean of its criteria</td>{values}</tr>'
        )
    quality = "".join(
        f'<td data-data-set="{text(d.data_set)}" data-quality="{d.quality_score:.2f}">'
        f"{score_badge(d.quality_score)} / 10</td>"
        for d in feeding
    )
    rows.append(
        '<tr class="quality-row"><th scope="row">Quality score</th>'
        f'<td class="thresholds">{_formula(facts)}</td>{quality}</tr>'
    )
    return (
        '<div class="table-scroll"><table class="data criteria">'
        "<caption>Each criterion's measured value and its score (0-3), against the rubric's "
        "thresholds (taxonomy_seeds/scoring_rubric.csv), for every data set feeding the "
        "cell, best first.</caption>"
        f'<thead><tr><th scope="col">criterion</th><th scope="col">rubric: value for a score '
        f"of 1 / 2 / 3</th>{heads}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>"
    )


def _measured(criterion: Criterion, value: float | None) -> str:
    if value is None:
        return '<span class="measured">none</span>'
    if criterion.unit == "share":
        return f'<span class="measured">{value * 100:.1f}%</span>'
    return f'<span class="measured">{value:.2f}</span>'


def _thresholds(criterion: Criterion) -> str:
    def shown(threshold: float) -> str:
        return f"{threshold * 100:g}%" if criterion.unit == "share" else f"{threshold:g}"

    sign = "≥" if criterion.direction == "higher_is_better" else "≤"
    steps = " / ".join(f"{sign} {shown(t)}" for t in criterion.thresholds)
    unit = " (times the expected cadence)" if criterion.unit == "ratio" else ""
    return f"{steps}{unit}"


def _formula(facts: ExplorerFacts) -> str:
    reliability = facts.settings.get("group_weight_reliability_validity", "0.5")
    coverage = facts.settings.get("group_weight_coverage", "0.5")
    top = facts.settings.get("normalized_score_max", "10")
    return (
        f"(reliability &times; {text(reliability)} + coverage &times; {text(coverage)}) &divide; "
        f"{float(reliability) + float(coverage):g} &divide; 3 &times; {text(top)}"
    )


# --- a data set's page -----------------------------------------------------------------------------


def data_set_pages(facts: ExplorerFacts, charts: dict[str, Charts], bokeh_js: str) -> list[Page]:
    return [
        _data_set_page(facts, scored, charts.get(scored.data_set), bokeh_js)
        for scored in facts.data_sets
    ]


def _data_set_page(
    facts: ExplorerFacts, scored: DataSetScore, charts: Charts | None, bokeh_js: str
) -> Page:
    root = "../"
    name = scored.data_set
    deliveries = [d for d in facts.deliveries if d.data_set == name]
    history = [p for p in facts.history if p.data_set == name]
    coverage = [c for c in facts.coverage if c.data_set == name]
    fed = [cell for cell in facts.cells if name in cell.data_sets]
    elements = charts.elements if charts else {}
    cells = "".join(
        f'<li><a href="{root}{cell_page(cell.score)}">{text(cell.name)}</a> '
        f'<span class="where">{_where(cell)}</span> '
        f"{score_badge(cell.score.score)}"
        f"{' <span class=sets>sets the cell score</span>' if cell.score.best_data_set == name else ''}"
        "</li>"
        for cell in fed
    )
    body = f"""
<p class="breadcrumb"><a href="{root}data-sets/index.html">Data sets</a> &rsaquo;
<code>{text(name)}</code></p>
<h1>{text(facts.title(name))}</h1>
<dl class="facts">
<div><dt>Quality score</dt><dd data-quality="{scored.quality_score:.2f}">
{score_badge(scored.quality_score)} / 10</dd></div>
<div><dt>Records</dt><dd>{
        count_html(scored.record_count, scored.record_count_suppressed, facts.threshold)
    }</dd></div>
<div><dt>Newest record</dt><dd>{text(scored.newest_record_date or "none")}</dd></div>
<div><dt>Scored on</dt><dd>{text(scored.as_of_date)}</dd></div>
</dl>
<h2>The seven criteria</h2>
{_criteria_table(facts, scored)}
<h2>The cells it feeds</h2>
{f'<ul class="cells">{cells}</ul>' if cells else "<p>It feeds no taxonomy cell.</p>"}
<h2>Contributors and deliveries</h2>
{_contributors(deliveries)}
{_deliveries(deliveries, elements.get("deliveries"))}
<h2>Its quality score over time</h2>
{_history(history, elements.get("history"), facts.threshold)}
<h2>Coverage by state and year</h2>
{_coverage_grid(coverage)}
"""
    return layout(facts, data_set_page(name), facts.title(name), body, bokeh_js, charts)


def _criteria_table(facts: ExplorerFacts, scored: DataSetScore) -> str:
    rows = [
        (
            f'{text(c.label)}<span class="measure">{text(c.measure)}</span>',
            GROUPS.get(c.group, text(c.group)),
            _measured(c, scored.values[c.name]),
            f'<span data-criterion="{c.name}" data-score-value="{scored.scores[c.name]}">'
            f"{score_badge(scored.scores[c.name], 0, 3)}</span>",
            _thresholds(c),
        )
        for c in facts.rubric
    ]
    groups = (
        f'<p class="groups">Reliability and validity group <strong>'
        f"{scored.reliability_validity_score:.2f}</strong> / 3, coverage group <strong>"
        f"{scored.coverage_score:.2f}</strong> / 3; quality score = {_formula(facts)} = "
        f"<strong>{scored.quality_score:.2f}</strong>.</p>"
    )
    return (
        _table(
            "Each criterion's measured value and its 0-3 score; the rubric's thresholds "
            "give the value a score of 1, 2 and 3 needs.",
            ["criterion", "group", "measured", "score (0-3)", "rubric: 1 / 2 / 3"],
            rows,
            "criteria-one",
        )
        + groups
    )


def _contributors(deliveries: Sequence[Delivery]) -> str:
    if not deliveries:
        return "<p>The published gold lists no delivery for this data set.</p>"
    by_contributor: dict[str, list[Delivery]] = {}
    for delivery in deliveries:
        by_contributor.setdefault(delivery.contributor, []).append(delivery)
    rows = [
        (
            text(group[0].contributor_name),
            text(group[0].contributor_kind or "not declared"),
            f"<code>{text(contributor)}</code>",
            ", ".join(text(d.delivery_label) for d in group),
        )
        for contributor, group in by_contributor.items()
    ]
    return _table(
        "Who delivers this data set, and the labels of their deliveries.",
        ["contributor", "kind", "id", "deliveries"],
        rows,
    )


def _years(delivery: Delivery) -> str:
    first, last = delivery.first_period_year, delivery.last_period_year
    if first is None:
        return "no dated record"
    return text(first) if first == last else f"{text(first)}&ndash;{text(last)}"


def _deliveries(deliveries: Sequence[Delivery], element: str | None) -> str:
    if not deliveries:
        return ""
    dated = [d for d in deliveries if d.first_period_year is not None]
    first = min((d.first_period_year for d in dated), default=None)
    last = max((d.last_period_year for d in dated), default=None)
    span = f"from {first} to {last}" if first is not None else "with no dated record"
    chart = _figure(
        element or "",
        "Deliveries over time",
        f"Each bar is a delivery, over the years its records cover; together they run {span}. "
        "The table below lists the same.",
    )
    rows = [
        (
            text(d.delivery_label),
            text(d.contributor_name),
            _years(d),
            text(d.newest_record_date or "none"),
        )
        for d in deliveries
    ]
    return chart + _table(
        "The deliveries, with the years their records cover and their newest record.",
        ["delivery", "contributor", "years covered", "newest record"],
        rows,
        "deliveries",
    )


def _history(history: Sequence[HistoryPoint], element: str | None, threshold: int) -> str:
    if not history:
        return "<p>The published gold holds no score history for this data set yet.</p>"
    first, last = history[0], history[-1]
    if len(history) == 1:
        described = f"One publication day so far: {first.quality_score:.2f} on {first.as_of_date}."
    else:
        described = (
            f"From {first.quality_score:.2f} on {first.as_of_date} to "
            f"{last.quality_score:.2f} on {last.as_of_date}, lowest "
            f"{min(p.quality_score for p in history):.2f}, highest "
            f"{max(p.quality_score for p in history):.2f}."
        )
    rows = [
        (
            text(p.as_of_date),
            f'<span data-history-score="{p.quality_score:.2f}">{p.quality_score:.2f}</span>',
            f"{p.reliability_validity_score:.2f}",
            f"{p.coverage_score:.2f}",
            count_html(p.record_count, p.record_count_suppressed, threshold),
        )
        for p in history
    ]
    return _figure(element or "", "Quality score at each publication", described) + _table(
        "The quality score (0-10), its two group scores (0-3) and the record count on each "
        "day the hub scored the data set.",
        ["day", "quality", "reliability and validity", "coverage", "records"],
        rows,
        "history",
    )


def _coverage_grid(coverage: Sequence[StateYear]) -> str:
    if not coverage:
        return (
            "<p>The published gold holds no coverage by US state for this data set: its "
            "records are not placed in a state and year (a data set of countries, for "
            "one).</p>"
        )
    years = list(
        range(min(c.period_year for c in coverage), max(c.period_year for c in coverage) + 1)
    )
    states: dict[str, tuple[str, set[int]]] = {}
    for point in coverage:
        states.setdefault(point.state_fips, (point.state_name, set()))[1].add(point.period_year)
    head = "".join(f'<th scope="col"><span>{year}</span></th>' for year in years)
    rows = "".join(
        f'<tr><th scope="row">{text(name)}</th>'
        + "".join(
            '<td class="on" data-covered="true"><span aria-hidden="true">●</span>'
            '<span class="visually-hidden">covered</span></td>'
            if year in covered
            else '<td class="off"><span class="visually-hidden">not covered</span></td>'
            for year in years
        )
        + "</tr>"
        for _, (name, covered) in sorted(states.items(), key=lambda item: item[1][0])
    )
    return (
        f'<p class="help">A dot marks a state and year with at least one record, {years[0]} '
        f"to {years[-1]}; states with none in any year are left out.</p>"
        '<div class="table-scroll"><table class="coverage-grid">'
        '<caption class="visually-hidden">Coverage by state and year</caption>'
        f'<thead><tr><th scope="col">state</th>{head}</tr></thead><tbody>{rows}</tbody>'
        "</table></div>"
    )


# --- the gaps --------------------------------------------------------------------------------------


def gaps_page(facts: ExplorerFacts) -> Page:
    cells = {cell.cell_id: cell for cell in facts.cells}
    empty = [gap for gap in facts.gaps if gap.data_set_count == 0]
    improvable = [gap for gap in facts.gaps if gap.data_set_count > 0 and gap.marginal_gain > 0]
    median = facts.gaps[0].added_data_set_score if facts.gaps else 0.0
    overall = facts.gaps[0].overall_score if facts.gaps else facts.overall.average_score

    def rows(gaps: Sequence[Gap]) -> list[tuple[str, ...]]:
        return [
            (
                f'<span data-rank="{gap.gap_rank}">{gap.gap_rank}</span>',
                f'<a href="{cell_page(cells[gap.cell_id].score)}">'
                f"{text(cells[gap.cell_id].name)}</a>",
                _where(cells[gap.cell_id]),
                f"{gap.cell_score:.2f} → {gap.cell_score_if_added:.2f}",
                f'<span data-overall-if-added="{gap.overall_score_if_added:.2f}">'
                f"{gap.overall_score_if_added:.2f}</span>",
                f'<span data-gain="{gap.marginal_gain:.4f}">+{gap.marginal_gain:.2f}</span>',
            )
            for gap in gaps
        ]

    headers = ["rank", "cell", "where", "cell score", "overall score if filled", "gain"]
    empty_table = "<p>Every cell has at least one data set.</p>"
    if empty:
        empty_table = _table(
            "The empty cells, most worth filling first.", headers, rows(empty), "gaps empty"
        )
    fed_table = "<p>None: every fed cell already scores at least the median data set's.</p>"
    if improvable:
        fed_table = _table(
            "Cells already fed whose score is below the median data set's.",
            headers,
            rows(improvable),
            "gaps fed",
        )
    body = f"""
<h1>The field's shopping list</h1>
<p class="lede">The cells no data set feeds, ranked by what filling them is worth: the overall
score (now <strong>{overall:.2f}</strong>) if one data set of the hub's median quality
(<strong>{median:.2f}</strong>) fed the cell.{_ties(empty)}</p>
{empty_table}
<h2>Cells with data that a median data set would still improve</h2>
{fed_table}
"""
    return layout(facts, "gaps.html", "Gaps", body)


def _ties(empty: Sequence[Gap]) -> str:
    if len(empty) < 2 or len({gap.marginal_gain for gap in empty}) > 1:
        return ""
    return (
        " Every empty cell is worth the same, so they follow the taxonomy's order (the cell "
        "id): what sets them apart is the evidence they would hold (open a cell to read it)."
    )


# --- the dimensions --------------------------------------------------------------------------------


def dimensions_page(facts: ExplorerFacts, charts: Charts, bokeh_js: str) -> Page:
    by_value = {(d.dimension, d.value): d for d in facts.dimensions}
    columns = []
    for dimension, values in DIMENSIONS.items():
        rows = "".join(
            f'<tr id="{text(value)}"><th scope="row">{label(value)}</th>'
            f'<td data-dimension-value="{text(value)}" data-statistic="cells">'
            f"{score_badge(by_value[(dimension, value)].average_score)}</td>"
            f'<td data-dimension-value="{text(value)}" data-statistic="data-sets">'
            f"{score_badge(by_value[(dimension, value)].average_quality_score)}</td></tr>"
            for value in values
        )
        columns.append(
            f'<section class="dimension"><h2>{label(dimension)}s</h2>'
            f'<table class="data"><caption>The three {text(dimension)}s.</caption><thead><tr>'
            f'<th scope="col">{text(dimension)}</th><th scope="col">mean of its 9 cells</th>'
            '<th scope="col">mean quality of its data sets</th></tr></thead>'
            f"<tbody>{rows}</tbody></table></section>"
        )
    overall = facts.overall
    chart = _figure(
        charts.elements["dimensions"],
        "The nine dimension values, both statistics",
        "For each value, the mean of its nine cells (blue, left) beside the mean quality of "
        "the data sets feeding them (orange, right). The tables above give the same figures.",
    )
    body = f"""
<h1>Interventions, conditions and levels</h1>
<p class="lede">Two statistics for each of the nine dimension values. <strong>Mean of its 9
cells</strong>: how well the field's evidence covers it, an empty cell counting 0.
<strong>Mean quality of its data sets</strong> (the average normalized quality score): how good
the evidence is where there is some, each data set feeding any of its cells counted once.
A value can have good data sets and still score low when most of its cells are empty.</p>
<p class="overall-line" data-dimension-value="all">Overall: {score_badge(overall.average_score)}
over all 27 cells; {score_badge(overall.average_quality_score)} the mean quality of every data
set feeding a cell.</p>
<div class="dimensions">{"".join(columns)}</div>
{chart}
"""
    return layout(facts, "dimensions.html", "Dimensions", body, bokeh_js, charts)


def data_sets_index(facts: ExplorerFacts) -> Page:
    body = f"""
<h1>The data sets</h1>
<p class="lede">Every data set the hub scores, with its quality score (0&ndash;10). Open one
for its criteria, contributors, deliveries, score history and coverage.</p>
{_data_sets_table(facts, "../")}
"""
    return layout(facts, "data-sets/index.html", "Data sets", body)
