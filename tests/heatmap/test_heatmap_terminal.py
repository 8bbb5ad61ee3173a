"""The heat map in a terminal, or a log: whole in 80 columns, every cell under its level."""

from __future__ import annotations

import io

from rich.console import Console

from orchestration.publishing.heatmap import CONDITIONS, INTERVENTIONS, LEVELS
from orchestration.publishing.heatmap_render import NO_DATA_LABEL, terminal_table

WIDTH = 80  # what rich assumes when stdout is no terminal: a log file, a pipe


def rendered(table, width: int = WIDTH) -> str:
    console = Console(width=width, file=io.StringIO(), record=True, color_system=None)
    console.print(table)
    return console.export_text()


def grid_read_back(text: str) -> dict[tuple[str, str], dict[str, str]]:
    """(intervention, condition) -> level -> what the table shows, read from its rows."""
    lines = [line for line in text.splitlines() if line.startswith("│")]
    header_line = next(line for line in text.splitlines() if line.startswith("┃"))
    header = [part.strip() for part in header_line.split("┃")[1:-1]]
    grid, intervention = {}, None
    for line in lines:
        first, condition, *levels = (part.strip() for part in line.split("│")[1:-1])
        if first in INTERVENTIONS:
            intervention = first
        if condition in CONDITIONS:
            grid[(intervention, condition)] = dict(zip(header[2:], levels, strict=True))
    return grid


def test_the_heat_map_is_whole_in_80_columns(cells, overall, averages, title):
    text = rendered(terminal_table(cells, overall, averages, title))

    assert "…" not in text
    assert max(len(line) for line in text.splitlines()) <= WIDTH
    words = " ".join(text.split())
    for name in (*INTERVENTIONS, *CONDITIONS, *LEVELS, title, f"overall {overall:.2f} / 10"):
        assert name in words


def test_every_cell_shows_its_score_under_its_level(cells, overall, averages, title):
    grid = grid_read_back(rendered(terminal_table(cells, overall, averages, title)))

    assert len(grid) == len(INTERVENTIONS) * len(CONDITIONS)
    for cell in cells:
        shown = grid[(cell.intervention, cell.condition)][cell.level]
        if cell.data_set_count == 0:
            assert shown == NO_DATA_LABEL, cell.cell_id
        else:
            # a fed cell scored 0 shows its 0.0, never the empty cells' label
            assert shown == f"{cell.score:.1f}", cell.cell_id
    assert any(cell.data_set_count == 0 for cell in cells)
    assert any(cell.data_set_count and cell.score == 0 for cell in cells)


def test_the_averages_are_in_the_margins(cells, overall, averages, title):
    text = rendered(terminal_table(cells, overall, averages, title))
    words = " ".join(text.split())

    level_row = next(line for line in text.splitlines() if "level average" in line)
    assert [part.strip() for part in level_row.split("│")[3:-1]] == [
        f"{averages[level]:.2f}" for level in LEVELS
    ]
    for intervention in INTERVENTIONS:
        assert f"avg {averages[intervention]:.2f}" in words
    for condition in CONDITIONS:
        assert f"{condition} {averages[condition]:.2f}" in words


def test_a_title_is_shown_as_written_not_read_as_markup(cells, overall, averages):
    title = "Evidence [bold]heat map[/bold] of [partners]"

    assert title in rendered(terminal_table(cells, overall, averages, title))
