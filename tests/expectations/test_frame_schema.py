"""The pandera check's schema, derived and never written: the lake layout's lineage columns
and each contributor's declared `types:`. Checked on every contributor's layout, on the demo
deliveries as the adapters land them, and on crafted bad frames."""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from expectations.pandera_gate import frame_schema, validate_frame
from infra.demo.generate import generate_estate
from orchestration.landing.gates import BronzeGates, gates_for
from orchestration.landing.landing import parse_candidate
from orchestration.platform.declarations import load_source_specs
from orchestration.platform.lake_layout import LINEAGE_COLUMNS, RawObject, parse_raw_key
from orchestration.platform.settings import DBT_PROJECT_DIR

NOW = dt.datetime(2024, 6, 5, 12, 0, tzinfo=dt.UTC)


@cache
def declared_gates() -> dict[str, BronzeGates]:
    return {spec.name: gates_for(spec) for spec in load_source_specs(DBT_PROJECT_DIR)}


def schema_check(frame: pl.DataFrame | pl.LazyFrame, data_set: str, contributor: str):
    """The check as landing runs it: the delivering contributor's declared types."""
    types = declared_gates()[data_set].declared_types(contributor)
    return validate_frame(frame.lazy(), frame_schema(types))


def failed(result) -> dict[tuple[str, ...], int | None]:
    return {
        (item.expectation_type, *item.columns): item.unexpected_count for item in result.failures
    }


def checked_columns(result) -> set[str]:
    return {column for item in result.outcomes for column in item.columns}


def layout_of(frames: list[pl.DataFrame], contributor: str) -> pl.DataFrame:
    return next(frame for frame in frames if frame["_contributor"][0] == contributor)


def at_row(row: int, column: str, value: object) -> pl.Expr:
    """`column` with `value` in row `row`."""
    return (
        pl.when(pl.int_range(pl.len()) == row).then(value).otherwise(pl.col(column)).alias(column)
    )


def test_each_contributors_layout_passes_its_schema(source, layout):
    frame = layout()

    result = schema_check(frame, source, frame["_contributor"][0])

    assert result.success, result.describe()


def test_every_demo_delivery_as_the_adapters_land_it_passes_its_schema(tmp_path):
    """The dtypes the schema expects are the ones the adapters give: every contributor's
    deliveries of the demo estate, parsed as landing parses them, pass, and each declared
    column they hold was checked."""
    estate = tmp_path / "estate"
    manifest = generate_estate(estate, seed=3, scale=0.02)
    gates = declared_gates()
    contributors, problems = set(), {}
    for delivery in manifest.deliveries:
        raw = parse_raw_key(delivery.key)
        feed = gates[raw.source].spec.feed_for(raw.contributor)
        candidate = parse_candidate(
            estate / delivery.key,
            raw,
            f"s3://raw/{delivery.key}",
            "0" * 64,
            feed.format,
            feed.options,
            NOW,
            tmp_path / f"{delivery.key.replace('/', '-')}.parquet",
        )
        result = schema_check(pl.scan_parquet(candidate.path), raw.source, raw.contributor)
        declared = set(gates[raw.source].declared_types(raw.contributor))
        unchecked = (declared & set(candidate.columns)) - checked_columns(result)
        if not result.success or unchecked:
            problems[delivery.key] = (result.describe(), sorted(unchecked))
        contributors.add((raw.source, raw.contributor))

    assert not problems
    assert len(contributors) >= 30  # every contributor the demo estate delivers for


def test_each_type_name_is_held_to_the_dtype_the_adapters_land(tmp_path):
    values = {
        "string": "x",
        "str": "y",
        "text": "z",
        "int": "12",
        "INTEGER": "-3",
        "float": "1.5",
        "double": "2",
        "number": "1e3",
        "bool": "yes",
        "boolean": "false",
        "date": "2024-05-01",
        "datetime": "2024-05-01T10:00:00+02:00",
        "timestamp": "2024-05-01 10:00:00",
    }
    types = {f"column_{name}": name for name in values}
    source = tmp_path / "typed.csv"
    source.write_text(",".join(types) + "\n" + ",".join(values.values()) + "\n")
    candidate = land(source, "csv", {"types": types}, tmp_path)

    result = validate_frame(pl.scan_parquet(candidate), frame_schema(types))

    assert result.success, result.describe()
    dtype_checked = {
        item.columns[0] for item in result.outcomes if item.expectation_type == "dtype"
    }
    # a column declared `string` keeps the type its source sent, so only the others are held
    assert dtype_checked == set(LINEAGE_COLUMNS) | {
        column for column, name in types.items() if name not in ("string", "str", "text")
    }


def test_a_columnar_source_keeps_its_timestamps_and_a_string_column_its_type(tmp_path):
    source = tmp_path / "typed.parquet"
    pq.write_table(
        pa.table(
            {
                "seen_at": pa.array([dt.datetime(2024, 5, 1, 10)], pa.timestamp("ms", tz="UTC")),
                "seen_local": pa.array([dt.datetime(2024, 5, 1, 10)], pa.timestamp("ns")),
                "count": pa.array([4], pa.int32()),
                "code": pa.array([7], pa.int64()),
            }
        ),
        source,
    )
    types = {"seen_at": "datetime", "seen_local": "timestamp", "count": "integer", "code": "string"}
    candidate = land(source, "parquet", {"types": types}, tmp_path)
    landed = pl.scan_parquet(candidate)

    result = validate_frame(landed, frame_schema(types))

    assert result.success, result.describe()
    assert landed.collect_schema()["seen_at"] == pl.Datetime("ms", "UTC")
    assert landed.collect_schema()["code"] == pl.Int64
    assert "code" not in checked_columns(result)


def land(source: Path, format: str, options: dict, workdir: Path) -> Path:
    raw = RawObject("typed", "typed__2024-05", source.name)
    destination = workdir / "candidate.parquet"
    parse_candidate(source, raw, f"s3://raw/{raw.key}", "0" * 64, format, options, NOW, destination)
    return destination


def test_a_bad_delivery_fails_exactly_the_schema_checks_it_breaks(contributor_frames):
    frame = layout_of(contributor_frames("screenings"), "fl_djj")
    frame = frame.with_columns(
        pl.col("county_fips").cast(pl.String),
        at_row(0, "_raw_key", None),
        at_row(1, "_row_number", 0),
    )

    assert failed(schema_check(frame, "screenings", "fl_djj")) == {
        ("dtype", "county_fips"): None,
        ("not_nullable", "_raw_key"): 1,
        ("greater_than_or_equal_to", "_row_number"): 1,
    }


def test_a_declared_integer_column_landed_as_text_fails(contributor_frames):
    frame = layout_of(contributor_frames("screenings"), "fl_djj")
    as_text = frame.with_columns(pl.col("youth_sex").cast(pl.String))

    result = schema_check(as_text, "screenings", "fl_djj")

    assert failed(result) == {("dtype", "youth_sex"): None}
    assert "Int64" in result.failures[0].observed_value
    assert "String" in result.failures[0].observed_value


@pytest.mark.parametrize("column", LINEAGE_COLUMNS)
def test_a_missing_lineage_column_fails(column, valid_frame):
    result = schema_check(valid_frame("prosecutions").drop(column), "prosecutions", "usao")

    assert failed(result) == {("column_in_dataframe", column): None}


def test_a_null_raw_key_fails(valid_frame):
    frame = valid_frame("hotline").with_columns(at_row(1, "_raw_key", None))

    assert failed(schema_check(frame, "hotline", "nhth")) == {("not_nullable", "_raw_key"): 1}


def test_a_lineage_column_of_another_type_fails(valid_frame):
    frame = valid_frame("screenings").with_columns(
        pl.col("_ingested_at").dt.replace_time_zone(None)
    )

    assert failed(schema_check(frame, "screenings", "tx_dfps")) == {("dtype", "_ingested_at"): None}


def test_a_column_not_declared_under_types_is_not_checked(contributor_frames):
    """tx_dfps declares only its dates: its codes may come as anything, and a column it never
    declared is not looked at, though fl_djj declares county_fips an integer."""
    frame = layout_of(contributor_frames("screenings"), "tx_dfps")
    frame = frame.with_columns(
        pl.col("county_fips").cast(pl.Int64), youth_sex=pl.lit(2), notes=pl.lit(None)
    )

    result = schema_check(frame, "screenings", "tx_dfps")

    assert result.success, result.describe()
    assert checked_columns(result) == {*LINEAGE_COLUMNS, "screened_on", "youth_dob"}


def test_a_declared_column_a_delivery_lacks_is_not_required(contributor_frames):
    frame = layout_of(contributor_frames("prosecutions"), "bjs_fjsp")
    declared = declared_gates()["prosecutions"].declared_types("bjs_fjsp")
    assert {"defendant_age", "disposition"} <= set(declared) - set(frame.columns)

    result = schema_check(frame, "prosecutions", "bjs_fjsp")

    assert result.success, result.describe()
    assert not checked_columns(result) & {"defendant_age", "disposition"}


@pytest.mark.parametrize(
    "dtype",
    [pl.Datetime("us"), pl.Datetime("ms", "UTC"), pl.Datetime("ns", "America/Chicago")],
    ids=str,
)
def test_a_declared_datetime_may_have_any_unit_and_zone(dtype):
    frame = landed_frame(seen_at=pl.Series([dt.datetime(2024, 5, 1)]).cast(dtype))

    assert validate_frame(frame, frame_schema({"seen_at": "datetime"})).success


@pytest.mark.parametrize("declared", ["datetime", "date"])
def test_a_declared_date_or_datetime_landed_as_text_fails(declared):
    frame = landed_frame(seen_at=pl.Series(["2024-05-01"]))

    result = validate_frame(frame, frame_schema({"seen_at": declared}))

    assert failed(result) == {("dtype", "seen_at"): None}


def test_an_unknown_declared_type_is_named():
    with pytest.raises(ValueError, match=r"'seen_at': unknown declared type 'instant'"):
        frame_schema({"seen_at": "instant"})


def landed_frame(**columns: pl.Series) -> pl.DataFrame:
    return pl.DataFrame(columns).with_columns(
        _raw_key=pl.lit("s3://raw/x/x__1/file"),
        _raw_sha256=pl.lit("0" * 64),
        _delivery=pl.lit("x__1"),
        _contributor=pl.lit("x"),
        _row_number=pl.int_range(1, pl.len() + 1, dtype=pl.Int64),
        _ingested_at=pl.lit(NOW, pl.Datetime("us", "UTC")),
    )


@pytest.mark.parametrize(
    "hostile",
    ['count"); DROP TABLE bronze; --', "../../etc/passwd", "<script>x</script>", "  ", "ü\u0000x"],
)
def test_a_hostile_declared_column_name_is_only_a_name(hostile, valid_frame):
    """A contributor's column name reaches the schema as a dictionary key, never as code: a
    value of the wrong type in it fails by that name, and the right one passes."""
    frame = valid_frame("hotline")
    schema = frame_schema({hostile: "integer"})

    good = frame.with_columns(pl.lit(3, dtype=pl.Int64).alias(hostile))
    assert validate_frame(good.lazy(), schema).success

    bad = frame.with_columns(pl.lit("three").alias(hostile))
    assert failed(validate_frame(bad.lazy(), schema)) == {("dtype", hostile): None}
