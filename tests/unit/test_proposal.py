"""`hub propose`: a sample file in any format becomes a declaration and a staging model that
land it without edits, with sentinels, dates and silver fields found, and a hostile header
kept inert."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
from pathlib import Path

import duckdb
import jinja2
import polars as pl
import pyarrow as pa
import pytest
import yaml
from duckdb.sqltypes import VARCHAR
from fpdf import FPDF

from adapters.registry import read_object
from infra.demo.writers import WRITERS, open_sink, write_xlsx
from orchestration.engineering.proposal import ProposalError, draft, main, run
from orchestration.platform.declarations import load_source_specs, parse_source_file
from orchestration.platform.settings import DBT_PROJECT_DIR

STAMP = dt.datetime(2024, 6, 5, 6, 0)
ROWS = 24
TABLE = pl.DataFrame(
    {
        "case_id": [f"C-{i:03d}" for i in range(ROWS)],
        "gender": ["Female", "Male", "Female", "Female"] * 6,
        "age": [14, 17, 23, -99, 31, 16] * 4,
        "race": ["White", "Black", "Hispanic", "N/A", "Asian", "N/A"] * 4,
        "state": ["TX", "LA", "FL"] * 8,
        "nationality": ["Mexico", "Guatemala", "United States", "Honduras"] * 6,
        "intake_date": [dt.date(2024, 1, 1) + dt.timedelta(days=5 * i) for i in range(ROWS)],
        "year": [2023, 2024] * 12,
        "lon": [round(-95.37 + i / 100, 2) for i in range(ROWS)],
        "lat": [round(29.76 + i / 100, 2) for i in range(ROWS)],
    }
)
WIDTHS = {
    "case_id": 6,
    "gender": 7,
    "age": 4,
    "race": 9,
    "state": 3,
    "nationality": 14,
    "intake_date": 11,
    "year": 5,
    "lon": 9,
    "lat": 7,
}
# format -> (file name, writer options, the format the adapters read it as)
FORMATS = {
    "csv": ("cases.csv", {}, "csv"),
    "tsv": ("cases.tsv", {}, "tsv"),
    "psv": ("cases.psv", {"separator": "|"}, "psv"),
    "delimited": ("cases.txt", {"separator": ";"}, "delimited"),
    "csv.gz": ("cases.csv.gz", {}, "csv"),
    "fixed_width": ("cases.fwf", {"widths": WIDTHS}, "fixed_width"),
    "json": ("cases.json", {"record_path": "cases", "envelope": {"exported": "2024-06"}}, "json"),
    "ndjson": ("cases.ndjson", {}, "ndjson"),
    "xml": ("cases.xml", {}, "xml"),
    "html": ("cases.html", {"title": "Cases"}, "html"),
    "xlsx": ("cases.xlsx", {"sheet": "Cases"}, "xlsx"),
    "xls": ("cases.xls", {}, "xls"),
    "ods": ("cases.ods", {}, "ods"),
    "parquet": ("cases.parquet", {}, "parquet"),
    "arrow": ("cases.arrow", {}, "arrow"),
    "orc": ("cases.orc", {}, "orc"),
    "avro": ("cases.avro", {"record_name": "Case", "namespace": "t", "sync_seed": "t"}, "avro"),
    "xpt": ("cases.xpt", {"file_format_version": 8}, "xpt"),
    "sav": ("cases.sav", {}, "sav"),
    "dta": ("cases.dta", {}, "dta"),
    "sqlite": ("cases.sqlite", {"table": "cases"}, "sqlite"),
    "geojson": ("cases.geojson", {}, "geojson"),
    "shapefile": ("cases.zip", {"layer": "cases"}, "shapefile"),
}
WRITER_OF = {"psv": "csv", "delimited": "csv", "csv.gz": "csv"}
LANDS_BY_BRIEF = {"csv", "tsv", "psv", "delimited", "csv.gz", "json", "ndjson", "xlsx", "xls"}
LANDS_BY_BRIEF |= {"ods", "xpt", "sav", "dta"}


def write_fixture(format: str, folder: Path, table: pl.DataFrame = TABLE) -> Path:
    name, options, _ = FORMATS[format]
    path = folder / name
    compression = "gzip" if name.endswith(".gz") else None
    with open_sink(path, compression, "cases.csv", STAMP) as sink:
        WRITERS[WRITER_OF.get(format, format)]([table], sink, stamp=STAMP, **options)
    return path


def run_staging(sql: str, table: pa.Table, data_set: str) -> pa.Table:
    """The drafted staging model run in DuckDB over a landed table, as dbt would run it."""
    rendered = jinja2.Environment(undefined=jinja2.StrictUndefined).from_string(sql)
    body = rendered.render(bronze=lambda relation: relation, source=lambda *_: "landed")
    rows = table.num_rows
    lineage = {
        "_raw_key": pa.array([f"raw/{data_set}/x__2024/f"] * rows),
        "_ingested_at": pa.array([dt.datetime(2024, 6, 5, tzinfo=dt.UTC)] * rows),
        "_delivery": pa.array(["x__2024"] * rows),
        "_contributor": pa.array(["x"] * rows),
        "_row_number": pa.array(range(1, rows + 1), pa.int64()),
    }
    for name, values in lineage.items():
        table = table.append_column(name, values)
    with duckdb.connect() as connection:
        connection.create_function(
            "hub_pseudonym",
            lambda value: hashlib.sha256(value.encode()).hexdigest()[:16],
            [VARCHAR],
            VARCHAR,
        )
        connection.register("landed", table)
        return connection.execute(body).fetch_arrow_table()


def land_draft(proposal, path: Path, folder: Path) -> pa.Table:
    """Write the drafts, parse the declaration as the hub does, land the file with the
    contributor's declared format and options, and run the staging model over it."""
    sources, staging = proposal.write(folder)
    (spec,) = parse_source_file(sources)
    feed = spec.contributors[proposal.contributor]
    with path.open("rb") as stream:
        landed = read_object(stream, path.name, feed.format, feed.options).table
    assert landed.num_rows > 0
    return run_staging(staging.read_text(), landed, proposal.data_set)


def _hub(proposal) -> dict:
    document = yaml.safe_load(proposal.declaration_yaml())
    (source,) = document["sources"]
    (table,) = source["tables"]
    return table["config"]["meta"]["hub"]


@pytest.mark.parametrize("format", sorted(FORMATS))
def test_each_format_is_detected_and_its_draft_lands_without_edits(
    format: str, tmp_path: Path
) -> None:
    path = write_fixture(format, tmp_path)
    proposal = draft(path, data_set="victim_cases", contributor="tx_provider")

    assert proposal.sample.format == FORMATS[format][2]
    document = yaml.safe_load(proposal.declaration_yaml())
    (source,) = document["sources"]
    assert source["name"] == "victim_cases" and source["schema"] == "bronze"
    (table,) = source["tables"]
    meta = table["config"]["meta"]
    assert meta["dagster"] == {"asset_key": ["bronze", "victim_cases"]}
    feed = meta["hub"]["contributors"]["tx_provider"]
    assert feed["format"] == FORMATS[format][2] and meta["hub"]["demo"] is False
    assert meta["hub"]["silver"]["from"] == "stg_victim_cases__records"
    assert "{{ bronze(source('victim_cases', 'victim_cases')) }}" in proposal.staging_sql()

    staged = land_draft(proposal, path, tmp_path / "drafts")
    kept = [column.alias for column in proposal.columns if column.group != "bronze"]
    assert kept and set(kept) <= set(staged.column_names)
    assert {"raw_key", "landed_at", "delivery", "contributor"} <= set(staged.column_names)
    if format in LANDS_BY_BRIEF:
        assert staged.num_rows == ROWS


def test_a_pdf_table_is_drafted_and_lands(tmp_path: Path) -> None:
    pdf = FPDF()
    pdf.set_font("Helvetica", size=9)
    pdf.add_page()
    with pdf.table() as table:
        for cells in [["state", "year", "victims"]] + [
            [state, str(year), str(10 + year % 7)]
            for state in ("TX", "LA")
            for year in range(2015, 2021)
        ]:
            row = table.row()
            for cell in cells:
                row.cell(cell)
    path = tmp_path / "victims_by_state.pdf"
    path.write_bytes(bytes(pdf.output()))
    proposal = draft(path)
    fields = {m.column: m.field for m in proposal.mappings}

    assert proposal.sample.format == "pdf" and proposal.shape.shape == "indicator_observations"
    assert fields == {"state": "state_fips", "year": "period_year", "victims": "observed_value"}
    assert land_draft(proposal, path, tmp_path / "drafts").num_rows == 12


def test_title_rows_above_a_workbook_header_become_skip_rows(tmp_path: Path) -> None:
    path = tmp_path / "screening_log.xlsx"
    with path.open("wb") as sink:
        write_xlsx([TABLE], sink, stamp=STAMP, sheet="Log", title_rows=("Screening log", "Q1 2024"))
    proposal = draft(path)

    assert proposal.options["skip_rows"] == 2 and proposal.options["sheet"] == "Log"
    assert [p.name for p in proposal.profiles] == TABLE.columns
    assert land_draft(proposal, path, tmp_path / "drafts").num_rows == ROWS


@pytest.mark.parametrize(
    ("junk", "encoding"),
    [("", "utf-8"), ("Unnamed: 0", "utf-8"), ("", "utf-8-sig")],
    ids=["empty cell", "pandas index", "byte-order mark"],
)
def test_preamble_rows_and_a_junk_first_header_cell_are_handled(
    junk: str, encoding: str, tmp_path: Path
) -> None:
    body = TABLE.drop("lon", "lat").with_row_index(junk or "index").write_csv()
    header, rest = body.split("\n", 1)
    header = header.replace("index", "", 1) if not junk else header
    text = "Victim services case export\nRun on 2024-06-05,,,\n\n" + header + "\n" + rest
    path = tmp_path / "export.csv"
    path.write_bytes(text.encode(encoding))
    proposal = draft(path)

    assert proposal.options["skip_rows"] == 3
    assert proposal.options["rename"] == {junk or "column_1": "source_row"}
    if encoding == "utf-8-sig":
        assert proposal.options["encoding"] == "utf-8-sig"
    assert [p.name for p in proposal.profiles][:2] == ["source_row", "case_id"]
    staged = land_draft(proposal, path, tmp_path / "drafts")
    assert staged.num_rows == ROWS and "source_row" in staged.column_names


def test_a_two_row_header_under_title_rows_is_read_as_one(tmp_path: Path) -> None:
    path = tmp_path / "offenses_by_state.csv"
    path.write_text(
        "Table 1,,,\n"
        "Human trafficking offenses by state,,,\n"
        "State,Commercial sex acts,,Involuntary servitude\n"
        ",Offenses,Cleared,Offenses\n"
        + "".join(f"{s},{i},{i // 2},{i % 3}\n" for i, s in enumerate(["Texas", "Ohio"] * 10))
    )
    proposal = draft(path)

    assert (proposal.options["skip_rows"], proposal.options["header_rows"]) == (2, 2)
    assert [p.name for p in proposal.profiles] == [
        "State",
        "Commercial sex acts Offenses",
        "Commercial sex acts Cleared",
        "Involuntary servitude Offenses",
    ]
    assert land_draft(proposal, path, tmp_path / "drafts").num_rows == 20


def test_minus_99_and_na_sentinels_are_found_and_made_null(tmp_path: Path) -> None:
    path = write_fixture("csv", tmp_path)
    proposal = draft(path, data_set="victim_cases")
    profiles = {p.name: p for p in proposal.profiles}

    assert profiles["age"].sentinels == ["-99"] and profiles["race"].sentinels == ["N/A"]
    assert -99 not in profiles["age"].numbers
    sql = proposal.staging_sql()
    assert "nullif(trim(\"race\"), 'N/A')" in sql and ", -99)" in sql
    staged = land_draft(proposal, path, tmp_path / "drafts")
    assert staged.column("age").null_count == 4 and -99 not in staged.column("age").to_pylist()
    assert "N/A" not in staged.column("race").to_pylist()


def test_a_dot_in_a_numeric_column_becomes_a_missing_value_code(tmp_path: Path) -> None:
    path = tmp_path / "county_rates.csv"
    path.write_text(
        "county_fips,year,poverty_rate\n"
        + "".join(f"48{i:03d},2022,{'.' if i % 5 == 0 else i / 10}\n" for i in range(1, 41, 2))
    )
    proposal = draft(path)

    assert "." in proposal.options["missing_values"]
    staged = land_draft(proposal, path, tmp_path / "drafts")
    assert staged.column("poverty_rate").null_count == 4


def test_us_dates_are_found_and_parsed(tmp_path: Path) -> None:
    frame = TABLE.with_columns(pl.col("intake_date").dt.strftime("%m/%d/%Y"))
    path = write_fixture("csv", tmp_path, frame)
    proposal = draft(path)
    intake = next(p for p in proposal.profiles if p.name == "intake_date")

    assert (intake.kind, intake.date_format) == ("date", "%m/%d/%Y")
    assert "try_strptime(trim(\"intake_date\"), '%m/%d/%Y')" in proposal.staging_sql()
    staged = land_draft(proposal, path, tmp_path / "drafts")
    assert staged.column("intake_date").to_pylist()[:2] == [
        dt.date(2024, 1, 1),
        dt.date(2024, 1, 6),
    ]


def test_obvious_columns_map_to_their_silver_fields(tmp_path: Path) -> None:
    path = write_fixture("csv", tmp_path)
    proposal = draft(path, data_set="victim_cases")
    fields = {m.column: m.field for m in proposal.mappings}

    assert proposal.shape.shape == "person_records"
    assert fields["gender"] == "sex" and fields["age"] == "age_band"
    assert fields["state"] == "state_fips" and fields["year"] == "period_year"
    assert fields["nationality"] == "nationality"
    declared = _hub(proposal)["silver"]["fields"]
    assert declared["sex"] == {"code": "sex_codes", "column": "gender"}
    assert declared["age_band"] == {"age": "age"} and declared["state_fips"] == {"state": "state"}
    assert declared["nationality"] == {"country": "nationality"}
    evidence = next(m for m in proposal.mappings if m.field == "sex").evidence
    assert any("sex_codes" in item for item in evidence)


def test_yearly_counts_by_country_are_indicator_observations(tmp_path: Path) -> None:
    path = tmp_path / "victims_by_country.csv"
    countries = ["Mexico", "Honduras", "Philippines", "India"]
    path.write_text(
        "country,year,victims_identified,prosecutions\n"
        + "".join(
            f"{c},{y},{len(c) * y % 97},{y % 13}\n" for c in countries for y in range(2015, 2020)
        )
    )
    proposal = draft(path)
    fields = {m.column: m.field for m in proposal.mappings}
    hub = _hub(proposal)

    assert proposal.shape.shape == "indicator_observations"
    assert fields["country"] == "country_iso3" and fields["year"] == "period_year"
    assert set(hub["silver"]["measures"]) == {"victims_identified", "prosecutions"}
    assert (
        hub["scope"] == "global" and hub["contributors"]["contributor"]["jurisdiction"] == "global"
    )
    assert land_draft(proposal, path, tmp_path / "drafts").num_rows == 20


def test_codes_of_a_taxonomy_rule_suggest_its_cells(tmp_path: Path) -> None:
    frame = TABLE.with_columns(
        pl.Series("trafficking_type", ["Sex trafficking", "Labor trafficking"] * 12)
    )
    path = write_fixture("csv", tmp_path, frame)
    proposal = draft(path, data_set="victim_cases")

    assert "protection.supply.individual" in _hub(proposal)["silver"]["cells"]
    assert any("htcds_exploitation_type labor, sex" in line for line in proposal.cell_evidence)


HOSTILE = [
    'say "hi"',
    "x; DROP TABLE cases; --",
    "{{ run_query('drop table silver.cases') }}",
    "two\nlines",
    "../../etc/passwd",
    "{% for x in range(9) %}{{ x }}{% endfor %}",
    "{# note #}",
    "age",
]


def _strings(value, path=()):
    """Every string value of a YAML document (mapping keys are not rendered by dbt)."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, (*path, key))
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item, path)
    elif isinstance(value, str):
        yield path, value


def test_a_hostile_header_stays_quoted_and_inert(tmp_path: Path) -> None:
    rows = [[str(i), "tx; --", "{{ 7 * 7 }}", "a", "b", "c", "d", str(20 + i)] for i in range(12)]
    frame = pl.DataFrame(dict(zip(HOSTILE, zip(*rows, strict=True), strict=True)))
    path = tmp_path / "hostile.csv"
    path.write_text(frame.write_csv())
    proposal = draft(path, data_set="hostile", contributor="someone")

    document = yaml.safe_load(proposal.declaration_yaml())
    values = list(_strings(document))
    environment = jinja2.Environment()
    for where, value in values:
        if where[-1] == "external_location":
            continue
        assert not any(mark in value for mark in ("{{", "{%", "{#")), (where, value)
        assert environment.from_string(value).render() == value
    names = [column["name"] for column in document["sources"][0]["tables"][0]["columns"]]
    assert all(".." not in name and "{" not in name and '"' not in name for name in names)
    assert "two lines" in names  # the adapters fold a header's line break into a space
    renamed = document["sources"][0]["tables"][0]["config"]["meta"]["hub"]["contributors"]
    assert set(renamed["someone"]["options"]["rename"]) == {
        'say "hi"',
        "x; DROP TABLE cases; --",
        "{{ run_query('drop table silver.cases') }}",
        "../../etc/passwd",
        "{% for x in range(9) %}{{ x }}{% endfor %}",
        "{# note #}",
    }
    sql = proposal.staging_sql()
    assert sql.count("{{") == 1 and "{%" not in sql and "{#" not in sql
    assert not [name for name in HOSTILE[:-1] if name in sql]
    assert all(len(line) <= 80 for line in proposal.report().splitlines())
    staged = land_draft(proposal, path, tmp_path / "drafts")
    assert staged.num_rows == 12 and "age" in staged.column_names


def test_write_never_replaces_a_file(tmp_path: Path) -> None:
    path = write_fixture("csv", tmp_path)
    proposal = draft(path, data_set="victim_cases")
    out = tmp_path / "proposals"
    written = proposal.write(out)

    assert sorted(p.name for p in out.iterdir()) == [
        "_victim_cases__sources.yml",
        "stg_victim_cases__records.sql",
    ]
    assert all(p.parent == out for p in written)
    written[1].write_text("-- the engineer's edits\n")
    with pytest.raises(ProposalError, match="already exists"):
        proposal.write(out)
    assert written[1].read_text() == "-- the engineer's edits\n"


def test_the_command_prints_the_report_and_writes_the_drafts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_fixture("csv", tmp_path)
    out = tmp_path / "out"

    assert main([str(path), "--data-set", "victim_cases", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "shape person_records" in printed and "sex <- gender" in printed
    assert (out / "stg_victim_cases__records.sql").exists()
    assert run(path, "Not An Id", None, tmp_path / "other") == 1
    assert "is not a snake_case id" in capsys.readouterr().err
    assert not (tmp_path / "other").exists()


def test_a_fixed_width_layout_is_inferred_from_aligned_columns(tmp_path: Path) -> None:
    path = write_fixture("fixed_width", tmp_path)
    proposal = draft(path)

    assert proposal.sample.format == "fixed_width"
    assert len(proposal.options["layout"]) == len(WIDTHS)
    staged = land_draft(proposal, path, tmp_path / "drafts")
    assert staged.column("field_1").to_pylist() == TABLE["case_id"].to_list()


def test_a_contributor_already_declared_is_described_as_there(tmp_path: Path) -> None:
    spec = next(s for s in load_source_specs(DBT_PROJECT_DIR) if s.contributors)
    contributor, feed = next(iter(spec.contributors.items()))
    proposal = draft(
        write_fixture("csv", tmp_path), data_set="victim_cases", contributor=contributor
    )

    described = _hub(proposal)["contributors"][contributor]
    assert (described["name"], described["kind"]) == (feed.name, feed.kind)
    (parsed,) = parse_source_file(proposal.write(tmp_path / "drafts")[0])
    assert parsed.contributors[contributor].jurisdiction == feed.jurisdiction


def test_hub_propose_writes_the_two_drafts_and_nothing_else(tmp_path: Path) -> None:
    import subprocess
    import sys

    sample = tmp_path / "victims.csv"
    sample.write_text("Country,Year,Sex,Age\nMexico,2021,F,17\nPhilippines,2022,M,30\n")
    out = tmp_path / "drafts"
    completed = subprocess.run(
        [sys.executable, "-m", "orchestration.cli", "propose", str(sample), "--out", str(out)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert completed.returncode == 0, completed.stderr
    assert sorted(path.name for path in out.iterdir()) == [
        "_victims__sources.yml",
        "stg_victims__records.sql",
    ]
    assert sorted(path.name for path in tmp_path.iterdir()) == ["drafts", "victims.csv"]
    (spec,) = parse_source_file(out / "_victims__sources.yml")
    assert spec.name == "victims" and spec.silver is not None


def test_a_header_above_rows_of_free_text_and_placeholders_is_one_row(tmp_path: Path) -> None:
    # as in court case records: long text with embedded newlines, NA everywhere, a literal
    # YYYY-MM-DD where the date is unknown; the first row alone is the header
    header = [
        "WebOrder", "Case", "Court", "VerdictDate", "Place", "FactSummary", "Offences",
        "MeansUsed", "NumberVictims", "MinorsIncluded", "FemaleVictim(s)", "MaleVictim(s)",
    ]  # fmt: skip
    rows = [
        [str(i), f"USA{170 + i}", "NA" if i < 3 else "District Court",
         "YYYY-MM-DD" if i < 3 else f"{i % 9 + 1}/1/15", "CA",
         f"The defendants were members\nof ring {i}", "NA", "NA",
         "Several teenage girls" if i < 3 else str(i), "NA", "Yes", "NA"]
        for i in range(1, 13)
    ]  # fmt: skip
    sample = tmp_path / "cases.csv"
    with sample.open("w", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(header)
        writer.writerows(rows)
    proposal = draft(sample, data_set="case_law", contributor="court_records")
    declaration = yaml.safe_load(proposal.declaration_yaml())
    hub = declaration["sources"][0]["tables"][0]["config"]["meta"]["hub"]
    options = hub["contributors"]["court_records"]["options"]
    assert options.get("header_rows", 1) == 1 and not options.get("skip_rows")
