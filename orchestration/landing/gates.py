"""The gates a bronze candidate passes before it is published: a pandera schema check for
every data set, and the GE suite of a data set that has one.

Landing parses a delivery into a local Parquet candidate; the gates decide whether it may
replace what bronze holds. The pandera check reads the candidate as the adapter produced it
against a schema derived from the declaration: the lineage columns with their lake-layout
types, and the types the delivering contributor declares under `types:`. The GE suite of
expectations/bronze/<data set>.py holds the rules on values; it runs as SQL in DuckDB: its
row rules over the candidate, its uniqueness rules over the candidate's keys plus the
released rows that share one of them, so ids stay unique across deliveries while a delivery
costs its own size and one narrow probe of bronze, not a grouping of it. A failed gate holds
the delivery back and the previous bronze stays; the asset's checks fail, naming the
delivery and its failures, while everything downstream rebuilds from the released
deliveries, so one contributor's bad file stops nobody else.
"""

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import dagster as dg
import polars as pl
import pyarrow.parquet as pq

from expectations import registry
from expectations.gate_result import GateResult
from orchestration.landing.landing import Gate, GateVerdict, LandingReport
from orchestration.platform import lake_layout
from orchestration.platform.declarations import SourceSpec
from orchestration.platform.lake_layout import RawObject
from orchestration.platform.resources import LakeResource, open_duckdb
from orchestration.platform.sql_quoting import identifier, literal

GE_CHECK = "great_expectations_suite"
PANDERA_CHECK = "pandera_schema"
_FILE_COLUMN = "_gate_source_file"  # names each released row's object in `key_relation`
UNIQUENESS_RULES = ("expect_column_values_to_be_unique", "expect_compound_columns_to_be_unique")


@dataclass(frozen=True)
class BronzeGates:
    """The gates of one data set: the pandera schema check, and the GE suite when
    expectations/bronze/<data set>.py defines one.

    Only which gates exist is known when the code location loads; GE, the suite and pandera
    are imported when a landing runs them.
    """

    spec: SourceSpec
    check_names: tuple[str, ...]

    def check_specs(self) -> list[dg.AssetCheckSpec]:
        descriptions = {
            GE_CHECK: f"The GE suite in expectations/bronze/{self.spec.name}.py, run as SQL in "
            "DuckDB on each new delivery; its uniqueness rules over the released bronze plus "
            "the delivery.",
            PANDERA_CHECK: "Each new delivery, as its contributor's adapter read it, has the "
            "lineage columns with the types the lake layout gives them, and every column the "
            "contributor declares under `types:` has the type landing gives that type "
            "(pandera, on a schema derived in expectations/pandera_gate.py).",
        }
        return [
            # Not blocking: a delivery that fails is held back before it reaches bronze, so
            # bronze holds released data only and what reads it rebuilds from that. Blocking
            # would stop every data set's models for one contributor's bad file.
            dg.AssetCheckSpec(
                name, asset=self.spec.asset_key, blocking=False, description=descriptions[name]
            )
            for name in self.check_names
        ]

    def gate(self, lake: LakeResource | None) -> Gate:
        """The verdict landing asks for each delivery (see `_DeliveryGate`). Without a lake
        (`hub check --sample`), uniqueness holds within the delivery alone."""
        return _DeliveryGate(self, lake)

    def declared_types(self, contributor: str) -> dict[str, str]:
        """The `types:` the contributor declares for this data set; none for one it does not
        declare, whose deliveries landing ignores."""
        feed = self.spec.feed_for(contributor)
        return dict((feed.options.get("types") if feed else None) or {})

    def _great_expectations(
        self, lake: LakeResource | None, raw: RawObject, candidate: Path, suite: list
    ) -> GateResult:
        """The suite's row rules over the candidate alone; its uniqueness rules over the
        candidate's keys plus the released rows sharing one (see `key_relation`). Released
        objects passed both when they landed, so nothing they hold alone is checked again."""
        from expectations.gx_duckdb import validate_relation

        row_rules = [e for e in suite if not _spans_deliveries(e)]
        key_rules = [e for e in suite if _spans_deliveries(e)]
        outcomes = []
        # One in-memory database per delivery: its relations are built once, and GE's
        # connections are cursors on it (each sees them without setting anything up).
        with open_duckdb(":memory:", lake) as database:
            if row_rules:
                database.execute(f"CREATE VIEW bronze AS {_scan([str(candidate)])}")
                outcomes += validate_relation(database.cursor, "bronze", row_rules).outcomes
            if key_rules:
                released = self._released(lake, raw) if lake is not None else []
                relation = key_relation(released, candidate, key_columns(suite))
                # A table: GE reads the relation several times, the probe of bronze runs once.
                database.execute(f"CREATE TABLE bronze_keys AS {relation}")
                outcomes += validate_relation(database.cursor, "bronze_keys", key_rules).outcomes
        return GateResult(
            engine="great_expectations",
            relation="bronze",
            success=all(outcome.success for outcome in outcomes),
            outcomes=outcomes,
        )

    def _released(self, lake: LakeResource, raw: RawObject) -> list[str]:
        """Bronze objects of this data set other than the one `raw` would replace.

        Only objects at a key landing could have written: a name that is not (a quote, a glob
        character put there by hand) is left out rather than read, since DuckDB would expand
        a glob character in a listed path into other objects."""
        fs = lake.filesystem()
        replaced = f"{lake.lake_bucket}/{lake_layout.bronze_key(raw)}"
        found = fs.glob(f"{lake.lake_bucket}/{lake_layout.bronze_glob(self.spec.name)}")
        return [
            f"s3://{key}"
            for key in found
            if key != replaced and lake_layout.is_bronze_key(key.split("/", 1)[1])
        ]

    def check_results(self, report: LandingReport) -> list[dg.AssetCheckResult]:
        """One result per gate: failed when any delivery of this landing did not pass it."""
        gated = [o for o in report.outcomes if o.status in ("landed", "held")]
        results = []
        for name in self.check_names:
            verdicts = {o.raw_key: o.gate_results.get(name, {}) for o in gated}
            failed = {key: v for key, v in verdicts.items() if not v.get("success", True)}
            results.append(
                dg.AssetCheckResult(
                    check_name=name,
                    passed=not failed,
                    severity=dg.AssetCheckSeverity.ERROR,
                    metadata=_check_metadata(verdicts, failed),
                )
            )
        return results


class _DeliveryGate:
    """A data set's gates as landing calls them, one verdict per new or changed delivery.

    GE and pandera take seconds to import. Landing calls `prepare()` when it finds the first
    delivery to land: they load in a background thread while that delivery downloads and
    parses, and the first verdict waits for them. A run with nothing new never imports them,
    nor does a data set without a suite import GE.
    """

    def __init__(self, gates: BronzeGates, lake: LakeResource | None) -> None:
        self.gates = gates
        self.lake = lake
        self.loader: _GateLoader | None = None

    def prepare(self) -> None:
        if self.loader is None:
            self.loader = _GateLoader(self.gates.spec.name, GE_CHECK in self.gates.check_names)
            self.loader.start()

    def loaded(self) -> tuple[Any, Any, Any]:
        """The suite (None without one), pandera's schema derivation and validator, once
        loaded."""
        self.prepare()
        return self.loader.loaded()

    def __call__(self, raw: RawObject, candidate: Path) -> GateVerdict:
        suite, frame_schema, validate_frame = self.loaded()
        results = {}
        if suite is not None:
            results[GE_CHECK] = _failing_closed(
                GE_CHECK, lambda: self.gates._great_expectations(self.lake, raw, candidate, suite)
            )
        results[PANDERA_CHECK] = _failing_closed(
            PANDERA_CHECK,
            lambda: validate_frame(
                pl.scan_parquet(candidate),
                frame_schema(self.gates.declared_types(raw.contributor)),
                relation="bronze",
            ),
        )
        return GateVerdict(
            passed=all(result["success"] for result in results.values()),
            results=results,
        )


def _failing_closed(check: str, run: Any) -> dict[str, Any]:
    """A gate's result as metadata; a gate that raises (a value GE or pandera cannot handle)
    holds the delivery with the error as its failure, rather than failing the landing of
    every other delivery."""
    try:
        return run().as_metadata()
    except Exception as error:
        return {
            "success": False,
            "failures": [f"{check} could not be evaluated: {type(error).__name__}: {error}"],
        }


class _GateLoader(threading.Thread):
    """Imports pandera and, with a suite, GE and the suite off the landing's path; `loaded()`
    waits for them and raises what the import raised (a broken suite fails the delivery, not
    the thread)."""

    def __init__(self, data_set: str, with_suite: bool) -> None:
        super().__init__(name=f"gates-{data_set}", daemon=True)
        self.data_set = data_set
        self.with_suite = with_suite
        self.result: tuple[Any, Any, Any] | None = None
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            suite = None
            if self.with_suite:
                from expectations.gx_duckdb import validate_relation  # noqa: F401  (warm import)

                suite = registry.suite_for("bronze", self.data_set)
            from expectations.pandera_gate import frame_schema, validate_frame

            self.result = (suite, frame_schema, validate_frame)
        except BaseException as error:  # handed to the landing thread by loaded()
            self.error = error

    def loaded(self) -> tuple[Any, Any, Any]:
        self.join()
        if self.error is not None:
            raise self.error
        return self.result


def gates_for(spec: SourceSpec) -> BronzeGates:
    """Every data set has the pandera check (it declares its contributors' types, and landing
    adds lineage); the GE check comes with a suite in expectations/bronze/<data set>.py."""
    with_suite = "gx_suite" in registry.declared_gates("bronze", spec.name)
    return BronzeGates(spec, (GE_CHECK, PANDERA_CHECK) if with_suite else (PANDERA_CHECK,))


def _spans_deliveries(expectation: Any) -> bool:
    """Uniqueness holds across deliveries, so it is the one rule checked against bronze."""
    return expectation.expectation_type in UNIQUENESS_RULES


def _rule_columns(expectation: Any) -> list[str]:
    kwargs = expectation.configuration.kwargs
    return [kwargs["column"]] if "column" in kwargs else list(kwargs["column_list"])


def key_relation(released: list[str], candidate: Path, keys: list[str]) -> str:
    """SQL for the rows a uniqueness rule over `keys` must see: the candidate's keys, and the
    keys of released rows that equal one of the candidate's.

    A duplicate involving the candidate is within these rows; one among released rows alone
    was refused when the later of them landed. Rows with a missing key match nothing, as GE
    never counts them as duplicates. The released side reads the candidate too (and drops it
    by file name), so a key column absent from every released object reads as null rather
    than failing. A candidate without a key column is given whole, and the rule reports the
    missing column.
    """
    if not set(keys) <= set(pq.read_schema(candidate).names):
        return _scan([str(candidate)])
    own = _scan([str(candidate)], keys)
    if not released:
        return own
    return f"{own}\nUNION ALL\n{released_sharing_keys(released, candidate, keys)}"


def released_sharing_keys(released: list[str], candidate: Path, keys: list[str]) -> str:
    """SQL for the `keys` of the rows in `released` whose keys equal a row's in `candidate`
    (which must hold every key column).

    Keys compare as text: a contributor may send as numbers the ids another sends as text,
    and the two sides of the join have the types of different files."""
    selected = ", ".join(f"r.{identifier(column)}" for column in keys)
    matched = " AND ".join(
        f"r.{identifier(column)}::VARCHAR = c.{identifier(column)}::VARCHAR" for column in keys
    )
    return (
        f"SELECT {selected} FROM read_parquet({_listed([*released, str(candidate)])}, "
        f"union_by_name = true, filename = {literal(_FILE_COLUMN)}) AS r\n"
        f"SEMI JOIN ({_scan([str(candidate)], keys)}) AS c ON {matched}\n"
        f"WHERE r.{identifier(_FILE_COLUMN)} <> {literal(str(candidate))}"
    )


def key_columns(suite: list) -> list[str]:
    """The columns the suite's uniqueness rules name, sorted."""
    return sorted(
        {column for rule in suite if _spans_deliveries(rule) for column in _rule_columns(rule)}
    )


def _scan(files: list[str], columns: list[str] | None = None) -> str:
    selected = ", ".join(identifier(column) for column in columns) if columns else "*"
    return f"SELECT {selected} FROM read_parquet({_listed(files)}, union_by_name = true)"


def _listed(files: list[str]) -> str:
    return "[" + ", ".join(literal(path) for path in files) + "]"


def _check_metadata(verdicts: dict[str, dict], failed: dict[str, dict]) -> dict[str, Any]:
    if not verdicts:
        return {
            "deliveries_checked": 0,
            "note": "no new or changed deliveries; bronze holds only deliveries that passed",
        }
    return {
        "deliveries_checked": len(verdicts),
        "deliveries_held": dg.MetadataValue.json(sorted(failed)),
        "failures": dg.MetadataValue.json(
            {key: verdict.get("failures", []) for key, verdict in failed.items()}
        ),
    }
