"""The 27-cell heat map drawn for people: a PNG for reports, a self-contained HTML page, and a
table for the terminal.

The PNG and the page follow the reference hub's layout: levels as rows, interventions as
grouped column headers over their three conditions, a 0-10 sequential color scale, cells nobody
feeds hatched grey, and the dimension averages in the margins. The terminal's table turns the
grid on its side, so that it stays whole in 80 columns. All are pure: the same scores give the
same bytes.
"""

from __future__ import annotations

import html
import io

import matplotlib
import matplotlib.style
import numpy as np
from matplotlib import colormaps
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_hex, to_rgb
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from rich.table import Table
from rich.text import Text

from orchestration.publishing.heatmap import (
    CONDITIONS,
    INTERVENTIONS,
    LEVELS,
    CellScore,
    as_grid,
    grid_columns,
)

SCORE_SCALE = (0.0, 10.0)
# ColorBrewer's YlGnBu: sequential, colorblind-safe, and its pale low end stays distinct from
# the grey used for cells with no data, so a fed cell scored 0 never reads as an empty one.
COLOR_SCALE = "YlGnBu"
NO_DATA_COLOR = "#d4d4d4"
NO_DATA_LABEL = "no data"
DIMENSION_VALUES = (*INTERVENTIONS, *CONDITIONS, *LEVELS)


def score_color(score: float) -> str:
    """The scale's color for a 0-10 score, as #rrggbb."""
    low, high = SCORE_SCALE
    return to_hex(colormaps[COLOR_SCALE]((score - low) / (high - low)))


def ink_color(background: str) -> str:
    """Black or white, whichever reads better on the background (WCAG contrast ratio)."""

    def channel(value: float) -> float:
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (channel(v) for v in to_rgb(background))
    luminance = 0.2126 * red + 0.7152 * green + 0.0722 * blue
    return "#000000" if (luminance + 0.05) / 0.05 >= 1.05 / (luminance + 0.05) else "#ffffff"


def render_png(
    cells: list[CellScore], overall: float, dimension_scores: dict[str, float], title: str
) -> bytes:
    """The heat map as PNG bytes, with no timestamp or software version embedded."""
    grid, averages = _checked(cells, overall, dimension_scores)
    # "default" pins every style setting, so a user's matplotlibrc cannot change the bytes.
    with matplotlib.style.context("default"), matplotlib.rc_context({"hatch.linewidth": 1.2}):
        figure = Figure(figsize=(14, 7), dpi=120)
        # The Agg canvas is attached explicitly: no pyplot, no display, no global backend switch.
        FigureCanvasAgg(figure)
        axes = figure.add_axes((0, 0, 1, 1))
        _draw(axes, grid, overall, averages, title)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()


def render_html(
    cells: list[CellScore], overall: float, dimension_scores: dict[str, float], title: str
) -> str:
    """The heat map as one self-contained HTML page whose grid is an accessible table."""
    grid, averages = _checked(cells, overall, dimension_scores)
    title_text = html.escape(title)
    lines = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{title_text}</title>",
        f"<style>{_STYLESHEET}</style>",
        "</head>",
        "<body>",
        "<main>",
        f"<h1>{title_text}</h1>",
        f'<p class="overall-line">Overall score <strong data-dimension-value="overall" '
        f'data-average="{overall:.2f}">{overall:.2f}</strong> / 10, the mean of all 27 '
        "taxonomy cells.</p>",
        '<table class="heatmap">',
        "<caption>The 27 taxonomy cells, each scored 0-10 from the data sets that feed it. "
        "Rows are social-ecological levels; columns are the three interventions, each over its "
        f"three conditions. Cells no data set feeds are marked &ldquo;{NO_DATA_LABEL}&rdquo;."
        "</caption>",
        '<colgroup><col class="row-labels"></colgroup>',
        *('<colgroup span="3"></colgroup>' for _ in INTERVENTIONS),
        '<colgroup><col class="margin"></colgroup>',
        "<thead>",
        "<tr>",
        '<th scope="col" rowspan="2" class="corner">level</th>',
        *(
            f'<th scope="colgroup" colspan="3" class="intervention">{intervention}'
            f"{_average_badge(intervention, averages[intervention])}</th>"
            for intervention in INTERVENTIONS
        ),
        '<th scope="col" rowspan="2" class="margin-head">level average</th>',
        "</tr>",
        "<tr>",
        *(
            f'<th scope="col"{_group_start(condition)}>{condition}</th>'
            for _, condition in grid_columns()
        ),
        "</tr>",
        "</thead>",
        "<tbody>",
    ]
    for level in LEVELS:
        lines.append("<tr>")
        lines.append(f'<th scope="row">{level}</th>')
        lines.extend(_cell_html(grid[level][slot]) for slot in grid_columns())
        lines.append(f'<td class="margin">{_average_badge(level, averages[level])}</td>')
        lines.append("</tr>")
    lines += [
        "</tbody>",
        "<tfoot>",
        "<tr>",
        '<th scope="row">condition average</th>',
        '<td colspan="9" class="condition-averages">',
        *(_average_badge(condition, averages[condition], named=True) for condition in CONDITIONS),
        '<span class="note">each over its nine cells, across all interventions</span>',
        "</td>",
        f'<td class="margin">{_average_badge("overall", overall, named=True)}</td>',
        "</tr>",
        "</tfoot>",
        "</table>",
        legend_html(
            f"Cell score, {SCORE_SCALE[0]:g} (weak or no evidence) to {SCORE_SCALE[1]:g} (strong), "
            "sequential scale"
        ),
        "</main>",
        "</body>",
        "</html>",
        "",
    ]
    return "\n".join(lines)


def _checked(
    cells: list[CellScore], overall: float, dimension_scores: dict[str, float]
) -> tuple[dict[str, dict[tuple[str, str], CellScore]], dict[str, float]]:
    """The grid and the nine dimension averages, refusing input the scale cannot show."""
    grid = as_grid(cells)
    low, high = SCORE_SCALE
    for cell in cells:
        if not low <= cell.score <= high:
            raise ValueError(
                f"cell {cell.cell_id} has score {cell.score}, outside the {low:g}-{high:g} "
                "scale; check gold.taxonomy_cell_scores"
            )
    missing = [value for value in DIMENSION_VALUES if value not in dimension_scores]
    if missing:
        raise ValueError(
            f"the dimension scores lack {missing}; pass the average_score of each "
            "dimension_value in gold.taxonomy_dimension_scores"
        )
    averages = {value: dimension_scores[value] for value in DIMENSION_VALUES}
    for name, value in [*averages.items(), ("overall", overall)]:
        if not low <= value <= high:
            raise ValueError(f"the {name} average is {value}, outside the {low:g}-{high:g} scale")
    return grid, averages


def _cell_label(cell: CellScore) -> str:
    where = f"{cell.intervention} x {cell.condition} x {cell.level}"
    if cell.data_set_count == 0:
        return f"{where}: {NO_DATA_LABEL}, no data set feeds this cell"
    data_sets = "1 data set" if cell.data_set_count == 1 else f"{cell.data_set_count} data sets"
    return f"{where}: {cell.score:.1f} / 10 from {data_sets}; best data set: {cell.best_data_set}"


def _group_start(condition: str) -> str:
    return ' class="group-start"' if condition == CONDITIONS[0] else ""


def _cell_html(cell: CellScore) -> str:
    label = html.escape(_cell_label(cell), quote=True)
    group_start = " group-start" if cell.condition == CONDITIONS[0] else ""
    position = (
        f'data-cell="{html.escape(cell.cell_id, quote=True)}" data-level="{cell.level}" '
        f'data-intervention="{cell.intervention}" data-condition="{cell.condition}"'
    )
    if cell.data_set_count == 0:
        return (
            f'<td class="cell empty{group_start}" {position} data-empty="true" '
            f'title="{label}">{NO_DATA_LABEL}<span class="visually-hidden">: {label}</span></td>'
        )
    background = score_color(cell.score)
    return (
        f'<td class="cell{group_start}" {position} data-score="{cell.score:.1f}" '
        f'style="background-color:{background};color:{ink_color(background)}" '
        f'title="{label}">{cell.score:.1f}<span class="visually-hidden">: {label}</span></td>'
    )


def _average_badge(value_name: str, average: float, named: bool = False) -> str:
    background = score_color(average)
    text = f"{value_name} {average:.2f}" if named else f"avg {average:.2f}"
    return (
        f'<span class="average" data-dimension-value="{value_name}" '
        f'data-average="{average:.2f}" title="{value_name} average: {average:.2f} / 10" '
        f'style="background-color:{background};color:{ink_color(background)}">{text}</span>'
    )


def legend_html(title: str) -> str:
    """The colour scale's legend under `title`: the gradient from 0 to 10 with its ticks,
    and the swatch of a cell no data set feeds (the report's and the explorer's)."""
    low, high = SCORE_SCALE
    stops = ", ".join(
        f"{score_color(low + (high - low) * step / 10)} {step * 10}%" for step in range(11)
    )
    ticks = "".join(f"<span>{low + (high - low) * step / 5:g}</span>" for step in range(6))
    return (
        '<div class="legend" role="group" aria-label="Color scale">'
        f'<span class="legend-title">{title}</span>'
        '<span class="legend-scale">'
        f'<span class="legend-bar" style="background:linear-gradient(to right, {stops})">'
        f'</span><span class="legend-ticks">{ticks}</span></span>'
        f'<span class="legend-empty"><span class="swatch empty"></span>{NO_DATA_LABEL}: '
        "no data set feeds the cell</span>"
        "</div>"
    )


_STYLESHEET = """
body { margin: 16px 24px; background: #ffffff; color: #1b1b1b;
  font-family: "DejaVu Sans", "Segoe UI", Roboto, Helvetica, Arial, sans-serif; }
h1 { font-size: 22px; margin: 0 0 4px; }
.overall-line { margin: 0 0 10px; font-size: 15px; }
table.heatmap { border-collapse: collapse; font-size: 14px; }
caption { caption-side: top; text-align: left; color: #444; font-size: 13px;
  padding-bottom: 8px; max-width: 1200px; }
th, td { border: 3px solid #ffffff; padding: 4px 6px; text-align: center; }
thead th { font-weight: 600; }
th.intervention { font-size: 16px; border-bottom: 3px solid #555555; }
th.corner, tbody th, tfoot th { text-align: right; padding-right: 12px; }
.group-start { border-left: 12px solid #ffffff; }
td.cell { width: 104px; height: 58px; font-size: 20px; font-weight: 700; }
td.cell.empty, .swatch.empty { color: #3a3a3a; font-size: 14px; font-weight: 400;
  font-style: italic; background: repeating-linear-gradient(135deg, #d4d4d4 0 6px,
  #f0f0f0 6px 10px); }
td.margin, th.margin-head { border-left: 16px solid #ffffff; width: 110px; }
.average { display: inline-block; margin: 2px 4px; padding: 3px 8px; border-radius: 4px;
  border: 1px solid #777777; font-size: 13px; font-weight: 600; white-space: nowrap; }
th.intervention .average { display: block; margin: 4px auto; width: fit-content; }
td.condition-averages { text-align: left; }
.note { color: #555555; font-size: 12px; margin-left: 8px; }
.legend { display: flex; align-items: center; gap: 18px; margin-top: 14px; font-size: 13px; }
.legend-scale { display: inline-flex; flex-direction: column; width: 260px; }
.legend-bar { display: block; height: 14px; border: 1px solid #888888; }
.legend-ticks { display: flex; justify-content: space-between; font-size: 12px; }
.swatch { display: inline-block; width: 28px; height: 18px; margin-right: 6px;
  vertical-align: middle; border: 1px solid #888888; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden;
  clip: rect(0 0 0 0); clip-path: inset(50%); white-space: nowrap; }
"""


# Layout of the PNG in grid units: one unit per cell, y growing downwards.
_GROUP_GAP = 0.18
_MARGIN_GAP = 0.45
_CELL_INSET = 0.03
_BADGE_HEIGHT = 0.42


def _column_left(index: int) -> float:
    return index + (index // len(CONDITIONS)) * _GROUP_GAP


def _draw(
    axes: Axes,
    grid: dict[str, dict[tuple[str, str], CellScore]],
    overall: float,
    averages: dict[str, float],
    title: str,
) -> None:
    grid_right = _column_left(len(grid_columns()) - 1) + 1
    margin_left = grid_right + _MARGIN_GAP
    axes.set_xlim(-1.55, margin_left + 1.25)
    axes.set_ylim(5.35, -3.05)
    axes.set_axis_off()

    # A title is free text: "$" must print as a dollar sign, not start matplotlib's math mode.
    axes.text(-1.45, -2.75, title, fontsize=18, fontweight="bold", va="center", parse_math=False)
    axes.text(
        -1.45,
        -2.3,
        f"overall score {overall:.2f} / 10, the mean of all 27 cells",
        fontsize=13,
        va="center",
    )

    for group, intervention in enumerate(INTERVENTIONS):
        left = _column_left(group * len(CONDITIONS))
        right = left + len(CONDITIONS)
        axes.text(
            (left + right) / 2,
            -1.62,
            intervention,
            fontsize=15,
            fontweight="bold",
            ha="center",
            va="center",
        )
        axes.plot([left + 0.05, right - 0.05], [-1.38, -1.38], color="#555555", linewidth=1.5)
        _draw_average(axes, left + 1, -1.25, 1, averages[intervention], "avg")
    for index, (_, condition) in enumerate(grid_columns()):
        axes.text(_column_left(index) + 0.5, -0.4, condition, fontsize=12, ha="center", va="center")
    axes.text(margin_left + 0.5, -0.4, "level average", fontsize=12, ha="center", va="center")

    for row, level in enumerate(LEVELS):
        axes.text(-0.15, row + 0.5, level, fontsize=13, fontweight="bold", ha="right", va="center")
        for index, slot in enumerate(grid_columns()):
            _draw_cell(axes, _column_left(index), row, grid[level][slot])
        _draw_average(axes, margin_left, row + 0.29, 1, averages[level], "")

    footer = len(LEVELS) + 0.22
    axes.text(
        -0.15,
        footer + 0.21,
        "condition\naverage",
        fontsize=11,
        ha="right",
        va="center",
        linespacing=1.0,
    )
    for index, condition in enumerate(CONDITIONS):
        _draw_average(axes, index * 1.6, footer, 1.5, averages[condition], condition)
    axes.text(
        3 * 1.6 + 0.05,
        footer + 0.21,
        "each over its nine cells, across all interventions",
        fontsize=10,
        color="#555555",
        va="center",
    )
    _draw_average(axes, margin_left - 0.1, footer, 1.2, overall, "overall")
    _draw_legend(axes, footer + 1.0)


def _draw_cell(axes: Axes, left: float, top: float, cell: CellScore) -> None:
    box = (left + _CELL_INSET, top + _CELL_INSET)
    size = 1 - 2 * _CELL_INSET
    center = (left + 0.5, top + 0.5)
    if cell.data_set_count == 0:
        axes.add_patch(
            Rectangle(
                box,
                size,
                size,
                facecolor=NO_DATA_COLOR,
                hatch="//",
                hatchcolor="#ffffff",
                linewidth=0,
            )
        )
        axes.text(
            *center,
            NO_DATA_LABEL,
            fontsize=11,
            fontstyle="italic",
            color="#2b2b2b",
            ha="center",
            va="center",
            bbox={"facecolor": NO_DATA_COLOR, "edgecolor": "none", "pad": 2},
        )
        return
    background = score_color(cell.score)
    axes.add_patch(Rectangle(box, size, size, facecolor=background, linewidth=0))
    axes.text(
        *center,
        f"{cell.score:.1f}",
        fontsize=16,
        fontweight="bold",
        color=ink_color(background),
        ha="center",
        va="center",
    )


def _draw_average(
    axes: Axes, left: float, top: float, width: float, average: float, label: str
) -> None:
    background = score_color(average)
    axes.add_patch(
        Rectangle(
            (left, top),
            width,
            _BADGE_HEIGHT,
            facecolor=background,
            edgecolor="#777777",
            linewidth=0.8,
        )
    )
    axes.text(
        left + width / 2,
        top + _BADGE_HEIGHT / 2,
        f"{label} {average:.2f}".strip(),
        fontsize=11,
        fontweight="bold",
        color=ink_color(background),
        ha="center",
        va="center",
    )


def _draw_legend(axes: Axes, top: float) -> None:
    low, high = SCORE_SCALE
    left, width, height = 0.0, 4.2, 0.3
    gradient = np.linspace(0, 1, 256)[np.newaxis, :]
    axes.imshow(
        gradient,
        cmap=COLOR_SCALE,
        aspect="auto",
        interpolation="nearest",
        extent=(left, left + width, top + height, top),
    )
    axes.add_patch(
        Rectangle((left, top), width, height, fill=False, edgecolor="#777777", linewidth=0.8)
    )
    for step in range(6):
        score = low + (high - low) * step / 5
        x = left + width * step / 5
        axes.plot([x, x], [top + height, top + height + 0.08], color="#555555", linewidth=0.8)
        axes.text(x, top + height + 0.2, f"{score:g}", fontsize=10, ha="center", va="center")
    axes.text(left - 0.15, top + height / 2, "cell score", fontsize=11, ha="right", va="center")
    axes.text(
        left + width + 0.15,
        top + height / 2,
        "sequential scale, 0 = weak, 10 = strong",
        fontsize=10,
        color="#555555",
        va="center",
    )
    swatch_left = left + width + 3.4
    axes.add_patch(
        Rectangle(
            (swatch_left, top - 0.05),
            0.5,
            height + 0.1,
            facecolor=NO_DATA_COLOR,
            hatch="//",
            hatchcolor="#ffffff",
            edgecolor="#777777",
            linewidth=0.8,
        )
    )
    axes.text(
        swatch_left + 0.65,
        top + height / 2,
        f"{NO_DATA_LABEL}: no data set feeds the cell",
        fontsize=11,
        va="center",
    )


def terminal_table(
    cells: list[CellScore], overall: float, dimension_scores: dict[str, float], title: str
) -> Table:
    """The heat map as a table for a terminal or a log: the grid turned on its side (a row
    per intervention and condition, a column per level) so that every name stays whole in
    80 columns, each cell on the color scale of the PNG and the page."""
    grid, averages = _checked(cells, overall, dimension_scores)
    table = Table(
        title=Text(f"{title}\noverall {overall:.2f} / 10"),
        caption=Text(
            f"cell score 0-10 (weak to strong evidence), from the best data set feeding the "
            f"cell; {NO_DATA_LABEL}: no data set feeds it. Condition averages: "
            + ", ".join(f"{condition} {averages[condition]:.2f}" for condition in CONDITIONS)
            + "."
        ),
        caption_justify="left",
        show_footer=True,
    )
    # Folded, never cut with an ellipsis, should a terminal be narrower still.
    table.add_column("intervention", footer="level average", overflow="fold")
    table.add_column("condition", overflow="fold")
    for level in LEVELS:
        table.add_column(
            level, footer=_terminal_score(averages[level]), justify="center", overflow="fold"
        )
    for intervention in INTERVENTIONS:
        for index, condition in enumerate(CONDITIONS):
            label = {0: intervention, 1: f"avg {averages[intervention]:.2f}"}.get(index, "")
            table.add_row(
                Text(label, style="bold" if index == 0 else "dim"),
                condition,
                *(_terminal_cell(grid[level][(intervention, condition)]) for level in LEVELS),
                end_section=condition == CONDITIONS[-1],
            )
    return table


def _terminal_score(score: float, digits: int = 2) -> Text:
    background = score_color(score)
    return Text(f" {score:.{digits}f} ", style=f"{ink_color(background)} on {background}")


def _terminal_cell(cell: CellScore) -> Text:
    if cell.data_set_count == 0:
        return Text(NO_DATA_LABEL, style="italic dim")
    return _terminal_score(cell.score, digits=1)
