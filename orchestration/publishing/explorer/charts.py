"""The explorer's charts, drawn by Bokeh in the browser from BokehJS, which the site carries
once (assets/) from the bokeh wheel: nothing loads from the internet.

Every chart is decoration over a table that says the same (the page puts one beside it), so
a chart is hidden from screen readers, needs no pointer, and its colors come from the
Okabe-Ito palette, which stays distinct under the common color-vision deficiencies.
Contributor-supplied text reaches a chart only as data: Bokeh escapes it in the page and
draws it as text on a canvas or in an escaped tooltip.
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time
from pathlib import Path

from bokeh.embed import components
from bokeh.models import ColumnDataSource, FactorRange, HoverTool, Range1d, SingleIntervalTicker
from bokeh.plotting import figure
from bokeh.resources import Resources
from bokeh.transform import factor_cmap

from orchestration.publishing.explorer.facts import Delivery, DimensionScore, HistoryPoint
from orchestration.publishing.heatmap_render import SCORE_SCALE

BLUE, ORANGE, VERMILLION = "#0072B2", "#E69F00", "#D55E00"
FONT = '"DejaVu Sans", "Segoe UI", Roboto, Helvetica, Arial, sans-serif'


@dataclass(frozen=True)
class Charts:
    """What a page embeds: one script for all its charts, and each chart's element."""

    script: str
    elements: dict[str, str]  # the chart's name -> its element


def bokeh_js_file() -> Path:
    """BokehJS as the installed bokeh wheel ships it."""
    (path,) = Resources(mode="absolute", components=["bokeh"]).js_files
    return Path(path)


def copy_bokeh_js(assets: Path) -> str:
    """Copy BokehJS into the site's assets once; returns its file name there."""
    source = bokeh_js_file()
    name = f"bokeh-{_bokeh_version()}.min.js"
    shutil.copyfile(source, assets / name)
    return name


def embed(**figures) -> Charts | None:
    """The named figures as one page's charts; None for none."""
    if not figures:
        return None
    script, elements = components(figures)
    return Charts(script, dict(elements))


def history_chart(points: Sequence[HistoryPoint]):
    """The data set's quality score at each publication day, on the 0-10 scale."""
    source = ColumnDataSource(
        {
            "day": [datetime.combine(p.as_of_date, time()) for p in points],
            "day_text": [p.as_of_date.isoformat() for p in points],
            "score": [p.quality_score for p in points],
        }
    )
    chart = _figure(x_axis_type="datetime", y_range=Range1d(*SCORE_SCALE), height=240)
    chart.yaxis.axis_label = "quality score (0-10)"
    chart.line("day", "score", source=source, line_width=3, color=BLUE)
    chart.scatter("day", "score", source=source, size=11, color=BLUE, line_color="white")
    chart.add_tools(HoverTool(tooltips=[("day", "@day_text"), ("quality score", "@score{0.00}")]))
    if len(points) == 1:
        # one publication: a week either side, so the point is not on the frame
        day = source.data["day"][0].timestamp() * 1000
        chart.x_range = Range1d(day - 7 * 86_400_000, day + 7 * 86_400_000)
    return chart


def deliveries_chart(deliveries: Sequence[Delivery]):
    """Each delivery as a bar over the years its records cover, a row per contributor."""
    dated = [d for d in deliveries if d.first_period_year is not None]
    rows = _contributor_rows(dated)
    source = ColumnDataSource(
        {
            "row": [rows[d.contributor] for d in dated],
            # a year is the band around its tick
            "start": [d.first_period_year - 0.45 for d in dated],
            "end": [d.last_period_year + 0.45 for d in dated],
            "label": [d.delivery_label for d in dated],
            "years": [_years(d) for d in dated],
        }
    )
    first = min((d.first_period_year for d in dated), default=2000)
    last = max((d.last_period_year for d in dated), default=first)
    chart = _figure(
        y_range=FactorRange(*sorted(set(rows.values()), reverse=True)),
        x_range=Range1d(first - 1, last + 1),
        height=90 + 42 * max(len(set(rows.values())), 1),
    )
    chart.xaxis.axis_label = "years the delivery's records cover"
    chart.xaxis.ticker = SingleIntervalTicker(interval=1 if last - first < 14 else 5)
    chart.xaxis.formatter.use_scientific = False
    chart.xaxis.minor_tick_line_color = None
    chart.hbar(
        y="row",
        left="start",
        right="end",
        height=0.55,
        source=source,
        fill_color=BLUE,
        fill_alpha=0.45,
        line_color=BLUE,
        line_width=2,
    )
    chart.add_tools(
        HoverTool(tooltips=[("contributor", "@row"), ("delivery", "@label"), ("years", "@years")])
    )
    return chart


def dimensions_chart(dimensions: Sequence[DimensionScore], labels: dict[str, str]):
    """For each of the nine dimension values, its mean cell score beside the mean quality of
    the data sets feeding its cells."""
    statistics = ("mean of its 9 cells", "mean quality of its data sets")
    factors = [(labels[d.value], statistic) for d in dimensions for statistic in statistics]
    values = [
        value
        for d in dimensions
        for value in (d.average_score, d.average_quality_score if d.average_quality_score else 0)
    ]
    source = ColumnDataSource(
        {
            "factor": factors,
            "statistic": [statistic for _, statistic in factors],
            "value": values,
            "text": [f"{v:.2f}" for v in values],
        }
    )
    chart = _figure(x_range=FactorRange(*factors), y_range=Range1d(*SCORE_SCALE), height=320)
    chart.vbar(
        x="factor",
        top="value",
        width=0.85,
        source=source,
        line_color="white",
        fill_color=factor_cmap("statistic", palette=(BLUE, ORANGE), factors=statistics, start=1),
        legend_field="statistic",
    )
    chart.text(
        x="factor",
        y="value",
        text="text",
        source=source,
        text_align="center",
        text_baseline="bottom",
        y_offset=-2,
        text_font_size="11px",
    )
    chart.yaxis.axis_label = "score (0-10)"
    chart.xaxis.major_label_text_font_size = "0px"
    chart.xaxis.group_text_font_size = "14px"
    chart.xaxis.group_text_color = "#1b1b1b"
    chart.xgrid.grid_line_color = None
    chart.legend.location = "top_left"
    chart.legend.orientation = "horizontal"
    chart.legend.label_text_font_size = "13px"
    chart.add_tools(HoverTool(tooltips=[("", "@factor"), ("score", "@text")]))
    return chart


def _figure(**options):
    chart = figure(
        sizing_mode="stretch_width",
        toolbar_location=None,
        tools="",
        background_fill_color="#ffffff",
        border_fill_color="#ffffff",
        outline_line_color=None,
        min_border_left=60,
        **options,
    )
    for axis in (chart.xaxis, chart.yaxis):
        axis.major_label_text_font_size = "13px"
        axis.axis_label_text_font_size = "13px"
        axis.axis_label_text_font_style = "normal"
        axis.major_label_text_font = FONT
        axis.axis_label_text_font = FONT
    chart.ygrid.grid_line_color = "#e4e4e4"
    chart.xgrid.grid_line_color = "#f0f0f0"
    return chart


def _contributor_rows(deliveries: Sequence[Delivery]) -> dict[str, str]:
    """contributor id -> its row's label: its name, with the id where two share a name."""
    names: dict[str, str] = {}
    for delivery in deliveries:
        names.setdefault(delivery.contributor, delivery.contributor_name or delivery.contributor)
    shared = {name for name in names.values() if list(names.values()).count(name) > 1}
    return {
        contributor: f"{name} ({contributor})" if name in shared else name
        for contributor, name in names.items()
    }


def _years(delivery: Delivery) -> str:
    first, last = delivery.first_period_year, delivery.last_period_year
    return str(first) if first == last else f"{first}-{last}"


def _bokeh_version() -> str:
    import bokeh

    return bokeh.__version__
