"""Small-cell suppression on crafted tables: nothing below 11 shows, nothing can be recovered."""

from __future__ import annotations

import itertools

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from trust_checks import (
    Table,
    differencing,
    hidden_rows,
    margins,
    published_equations,
    recoverable,
    true_totals,
)

from orchestration.trust.suppression import (
    MINIMUM_THRESHOLD,
    SuppressedTable,
    SuppressionError,
    configured_threshold,
    small_counts,
    suppress,
    withhold_sums,
)


def grid(rows: dict[str, list[int]], columns: list[str]) -> pl.DataFrame:
    """A two-way table in long form: one row per (state, level) cell."""
    return pl.DataFrame(
        [
            {"state": state, "level": column, "n": value}
            for state, values in rows.items()
            for column, value in zip(columns, values, strict=True)
        ]
    )


def value_of(result, state: str, level: str):
    row = result.cells.filter((pl.col("state") == state) & (pl.col("level") == level))
    return row["n"].item()


def known_large_margins(frame: pl.DataFrame, dimensions: list[str]) -> list[list[int]]:
    """Every margin total of at least 11: what anyone might know from elsewhere."""
    values = frame["n"].to_list()
    return [
        members
        for _, members in margins(frame, dimensions)
        if sum(values[i] for i in members) >= MINIMUM_THRESHOLD
    ]


def test_small_counts_are_suppressed_and_zero_and_eleven_are_not():
    table = pl.DataFrame({"data_set": ["a", "b", "c", "d", "e"], "n": [0, 1, 10, 11, 500]})
    result = suppress(table, "n")
    assert result.cells["n"].to_list() == [0, None, None, 11, 500]
    assert result.cells["n_suppressed"].to_list() == [False, True, True, False, False]
    assert result.totals is None
    assert (result.primary, result.complementary) == (2, 0)


def test_a_lone_suppressed_cell_would_be_recoverable_from_its_row_and_column_totals():
    columns = ["no_concern", "possible", "clear_concern"]
    table = grid({"TX": [3, 40, 50], "LA": [20, 30, 60]}, columns)
    # primary suppression alone: TX's row total minus the two cells shown gives the 3 back
    row_total = 3 + 40 + 50
    assert row_total - 40 - 50 == 3

    result = suppress(table, "n", dimensions=["state", "level"])

    assert value_of(result, "TX", "no_concern") is None
    assert value_of(result, "TX", "possible") is None  # next smallest in the row
    assert value_of(result, "LA", "no_concern") is None  # next smallest in the column
    assert value_of(result, "LA", "possible") is None  # the column of the row's complement
    assert value_of(result, "TX", "clear_concern") == 50
    assert (result.primary, result.complementary) == (1, 3)
    unknown = hidden_rows(result.cells, "n")
    for row in unknown:
        assert not recoverable(unknown, known_large_margins(table, ["state", "level"]), [row])


def test_the_audit_catches_a_cell_the_row_and_column_rule_misses():
    # Every row and column holds 0 or at least 2 small cells, so the row/column rule is
    # satisfied, yet rows r1+r2 minus columns c1+c2 leave exactly the cell (r2, c3) = 6.
    columns = ["c1", "c2", "c3", "c4"]
    rows = {"r1": [2, 3, 50, 60], "r2": [4, 5, 6, 70], "r3": [80, 90, 7, 8], "r4": [40, 45, 9, 10]}
    table = grid(rows, columns)
    small = [i for i, n in enumerate(table["n"].to_list()) if n < 11]
    bridge = table.with_row_index().filter((pl.col("state") == "r2") & (pl.col("level") == "c3"))
    assert recoverable(
        small, known_large_margins(table, ["state", "level"]), [bridge["index"].item()]
    )

    result = suppress(table, "n", dimensions=["state", "level"])

    unknown = hidden_rows(result.cells, "n")
    assert set(small) < set(unknown)
    for row in small:
        assert not recoverable(unknown, known_large_margins(table, ["state", "level"]), [row])


def test_a_small_total_is_withheld_and_cannot_be_derived_from_the_totals_shown():
    table = grid({"TX": [3, 4], "LA": [30, 40]}, ["possible", "clear_concern"])
    result = suppress(table, "n", dimensions=["state", "level"])
    totals = result.totals
    tx_total = totals.filter((pl.col("state") == "TX") & (pl.col("total_over") == "level"))
    assert tx_total["n"].item() is None and tx_total["n_suppressed"].item()
    # the grand total minus LA's row total would give TX's 7: one of them must be withheld
    assert totals.filter(~pl.col("n_suppressed")).height < totals.height - 1
    unknown = hidden_rows(result.cells, "n")
    equations = published_equations(result.cells, totals, ["state", "level"])
    tx_rows = [0, 1]
    assert not recoverable(unknown, equations, tx_rows)
    assert small_counts(totals, ["n"], 11) == {}


def test_three_way_tables_and_partitions_never_mix():
    table = pl.DataFrame(
        [
            {"indicator": indicator, "state": state, "year": year, "level": level, "n": n}
            for indicator, offset in (("cases", 0), ("signals", 100))
            for state in ("TX", "LA")
            for year in (2022, 2023)
            for level, n in (("low", 5 + offset), ("high", 40 + offset))
        ]
    )
    result = suppress(table, "n", dimensions=["state", "year", "level"], partition_by=["indicator"])
    signals = result.cells.filter(pl.col("indicator") == "signals")
    assert not signals["n_suppressed"].any(), "a small cases cell must not spill into signals"
    cases = result.cells.filter(pl.col("indicator") == "cases")
    assert cases["n_suppressed"].all()
    signal_totals = result.totals.filter(pl.col("indicator") == "signals")
    assert not signal_totals["n_suppressed"].any()
    grand = signal_totals.filter(pl.col("total_over") == "state,year,level")
    assert grand["n"].item() == 4 * 105 + 4 * 140


def test_an_already_suppressed_input_stays_suppressed_and_is_protected():
    table = grid({"TX": [None, 40, 50], "LA": [20, 30, 60]}, ["a", "b", "c"])
    result = suppress(table, "n", dimensions=["state", "level"])
    assert value_of(result, "TX", "a") is None
    assert value_of(result, "TX", "b") is None
    tx_total = result.totals.filter((pl.col("state") == "TX") & (pl.col("total_over") == "level"))
    assert tx_total["n"].item() is None


def test_two_small_cells_of_a_row_do_not_show_as_the_row_total_minus_the_rest():
    table = grid(
        {"TX": [3, 5, 40, 50], "LA": [20, 30, 60, 70], "FL": [25, 35, 45, 55]}, list("abcd")
    )
    # the row and column rule is satisfied by the two small cells alone, but then TX's row
    # total minus the cells shown would be 3 + 5 = 8
    result = suppress(table, "n", dimensions=["state", "level"])

    hidden = table.filter(result.cells["n_suppressed"] & (pl.col("state") == "TX"))
    assert hidden["n"].sum() >= MINIMUM_THRESHOLD
    assert differencing(crosstab(table, result, ["state", "level"]), MINIMUM_THRESHOLD) == []


def crosstab(
    original: pl.DataFrame, result, dimensions: list[str], name: str = "cases"
) -> dict[str, Table]:
    """A suppressed cross-tabulation as it leaves: its cells and totals, with the truth."""
    keys = tuple(dimensions)
    return {
        name: Table(result.cells, counts=("n",), keys=keys, truth=original),
        f"{name}_totals": Table(
            result.totals,
            counts=("n",),
            keys=keys,
            truth=true_totals(original, result.totals, "n", dimensions),
        ),
    }


def scores(record_counts: dict[str, int | None]) -> pl.DataFrame:
    return pl.DataFrame(
        {"data_set": list(record_counts), "record_count": list(record_counts.values())},
        schema={"data_set": pl.String, "record_count": pl.Int64},
    )


def scores_table(published: pl.DataFrame, truth: dict[str, int] | None = None) -> Table:
    """Record counts per data set as published; `truth` when some are withheld."""
    return Table(
        published,
        counts=("record_count",),
        keys=("data_set",),
        never_summed=("data_set",),
        data_set_column="data_set",
        truth=published if truth is None else scores(truth),
    )


# prosecutions by state and trafficking type: the `both` cases add up to 9 in all
PROSECUTIONS = grid(
    {"TX": [150, 30, 4], "LA": [120, 25, 3], "FL": [173, 28, 2]}, ["sex", "labor", "both"]
)


def published_prosecutions() -> SuppressedTable:
    """PROSECUTIONS as a cross-tabulation may be published: labor and both hidden in every
    state; the sex and labor totals shown, both (9) withheld; the grand total and LA's total
    withheld, since either with the totals shown would give away both = 9."""
    hidden = pl.col("level") != "sex"
    cells = PROSECUTIONS.with_columns(
        pl.when(hidden).then(None).otherwise(pl.col("n")).alias("n"), hidden.alias("n_suppressed")
    )
    rows = [
        (None, "sex", "state", 443),
        (None, "labor", "state", 83),
        (None, "both", "state", None),
        ("TX", None, "level", 184),
        ("LA", None, "level", None),
        ("FL", None, "level", 203),
        (None, None, "state,level", None),
    ]
    totals = pl.DataFrame(
        rows, schema=["state", "level", "total_over", "n"], orient="row"
    ).with_columns(pl.col("n").is_null().alias("n_suppressed"))
    return SuppressedTable(cells=cells, totals=totals, primary=3, complementary=3)


def test_a_record_count_that_is_a_withheld_grand_total_is_withheld_with_it():
    result = published_prosecutions()
    alone = crosstab(PROSECUTIONS, result, ["state", "level"])
    assert differencing(alone, MINIMUM_THRESHOLD) == [], "the cross-tabulation alone is safe"
    record_counts = {"prosecutions": 535, "hotline": 1224}
    published = {**alone, "dataset_quality_scores": scores_table(scores(record_counts))}

    # the data set's record count is the grand total: 535 - 443 - 83 = 9
    (found,) = differencing(published, MINIMUM_THRESHOLD)
    assert found.revealed == 9
    assert found.figure == "dataset_quality_scores.record_count {'data_set': 'prosecutions'}"

    released = withhold_sums(
        scores(record_counts),
        "record_count",
        cells=result.cells,
        totals=result.totals,
        cross_count="n",
        dimensions=["state", "level"],
        where={"data_set": "prosecutions"},
    )

    assert released.to_dicts() == [
        {"data_set": "prosecutions", "record_count": None, "record_count_suppressed": True},
        {"data_set": "hotline", "record_count": 1224, "record_count_suppressed": False},
    ]
    published["dataset_quality_scores"] = scores_table(released, truth=record_counts)
    assert differencing(published, MINIMUM_THRESHOLD) == []


def test_a_record_count_that_is_a_published_grand_total_stays():
    result = suppress(PROSECUTIONS, "n", dimensions=["state", "level"])
    released = withhold_sums(
        scores({"prosecutions": 535}),
        "record_count",
        cells=result.cells,
        totals=result.totals,
        cross_count="n",
        dimensions=["state", "level"],
        where={"data_set": "prosecutions"},
    )
    assert released.to_dicts() == [
        {"data_set": "prosecutions", "record_count": 535, "record_count_suppressed": False}
    ]
    published = {
        **crosstab(PROSECUTIONS, result, ["state", "level"]),
        "dataset_quality_scores": scores_table(released, truth={"prosecutions": 535}),
    }
    assert differencing(published, MINIMUM_THRESHOLD) == []


def test_a_figure_per_state_follows_its_state_total_and_one_not_that_total_is_withheld():
    result = published_prosecutions()
    per_state = pl.DataFrame({"state": ["TX", "LA", "FL", "GA"], "cases": [184, 148, 999, 0]})

    released = withhold_sums(
        per_state,
        "cases",
        cells=result.cells,
        totals=result.totals,
        cross_count="n",
        dimensions=["state", "level"],
        by=["state"],
    )

    # TX's total is published, LA's withheld; 999 is not FL's total (203); GA has no cells,
    # so its total is zero
    assert released["cases"].to_list() == [184, None, None, 0]
    assert released["cases_suppressed"].to_list() == [False, True, True, False]


def test_a_threshold_below_eleven_is_refused_unless_overridden(tmp_path, monkeypatch):
    table = pl.DataFrame({"n": [5]})
    with pytest.raises(SuppressionError, match="below the minimum of 11"):
        suppress(table, "n", threshold=5)
    assert suppress(table, "n", threshold=5, allow_below_minimum=True).cells["n"].item() == 5

    settings_seed = tmp_path / "scoring_settings.csv"
    settings_seed.write_text("setting,value,description\nsmall_cell_threshold,5,x\n")
    monkeypatch.delenv("HUB_SMALL_CELL_THRESHOLD_OVERRIDE", raising=False)
    with pytest.raises(SuppressionError, match="HUB_SMALL_CELL_THRESHOLD_OVERRIDE"):
        configured_threshold(settings_seed)
    monkeypatch.setenv("HUB_SMALL_CELL_THRESHOLD_OVERRIDE", "1")
    assert configured_threshold(settings_seed) == 5


def test_the_seed_sets_the_threshold_to_eleven():
    assert configured_threshold() == 11


cell_values = st.one_of(st.integers(0, 12), st.integers(11, 80))


@settings(max_examples=60, deadline=None)
@given(
    st.integers(2, 4),
    st.integers(2, 4),
    st.integers(1, 3),
    st.data(),
)
def test_no_small_count_shows_and_none_can_be_recovered_from_what_is_published(
    states, years, levels, data
):
    size = states * years * levels
    values = data.draw(st.lists(cell_values, min_size=size, max_size=size))
    dropped = data.draw(st.sets(st.integers(0, size - 1), max_size=size // 3))
    table = pl.DataFrame(
        [
            {"state": f"s{state}", "year": 2020 + year, "level": f"l{level}", "n": values[index]}
            for index, (state, year, level) in enumerate(
                itertools.product(range(states), range(years), range(levels))
            )
            if index not in dropped  # absent combinations, as a group-by leaves them
        ]
    )
    dimensions = ["state", "year", "level"]
    result = suppress(table, "n", dimensions=dimensions)

    assert small_counts(result.cells, ["n"], 11) == {}
    assert small_counts(result.totals, ["n"], 11) == {}
    unknown = hidden_rows(result.cells, "n")
    primary = [i for i, n in enumerate(table["n"].to_list()) if 0 < n < 11]
    assert set(primary) <= set(unknown)
    equations = published_equations(result.cells, result.totals, dimensions)
    for row in primary:
        assert not recoverable(unknown, equations, [row])
    withheld_small = result.totals.filter(pl.col("n_suppressed"))
    original = table["n"].to_list()
    for members_dims, members in margins(table, dimensions):
        total = sum(original[i] for i in members)
        if 0 < total < 11:
            assert not recoverable(unknown, equations, members), members_dims
    assert withheld_small.height == result.totals_withheld
    # every row or column that hides a cell hides at least two, unless it has one cell only
    hidden = set(unknown)
    for summed, members in margins(table, dimensions):
        if len(summed) == 1 and len(members) > 1:
            assert len(hidden & set(members)) != 1
    # no total minus the published parts inside it (cells, or finer totals) is a small count
    assert differencing(crosstab(table, result, dimensions), 11) == []
    # what extracts do with a gold mart: suppressing it again hides nothing more
    assert suppress(result.cells, "n", dimensions=dimensions).cells.equals(result.cells)
