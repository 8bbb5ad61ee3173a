"""The benchmark steps, each run alone in a child process by `infra.benchmarks.run`.

    python -m infra.benchmarks.steps STEP ARGUMENTS_JSON REPORT_PATH

The hub's settings come from the environment the parent sets (its own buckets, warehouse and
Dagster home per measured state); the data set measured is `screenings` unless the arguments
name another (`"source"`). Each step times its own work, without interpreter start
and imports, and writes a JSON report: `seconds`, `rows` and what else it learnt.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

SOURCE = "screenings"
PEER_CHUNK_ROWS = 100_000


def _lake():
    from orchestration.platform.resources import LakeResource

    return LakeResource.from_environment()


def _raw_keys(lake, source: str = SOURCE) -> list[str]:
    """The data set's raw objects, as bucket/key."""
    fs = lake.filesystem()
    prefix = f"{lake.raw_bucket}/{source}/"
    return sorted(key for key in fs.find(prefix) if not key.endswith("/"))


def _spec():
    from orchestration.platform.declarations import load_source_specs
    from orchestration.platform.settings import DBT_PROJECT_DIR

    return next(spec for spec in load_source_specs(DBT_PROJECT_DIR) if spec.name == SOURCE)


def _materialize(selection_name: str, source: str = SOURCE) -> dict[str, Any]:
    """A Dagster run of one selection, in process, as the raw-bucket sensor would start it."""
    started = time.perf_counter()
    import dagster as dg

    from orchestration.automation.sensors import keys_to_run
    from orchestration.definitions import defs

    definitions = defs()
    graph = definitions.resolve_asset_graph()
    job = definitions.resolve_implicit_global_asset_job_def()
    with dg.DagsterInstance.get() as instance:
        # the pipeline is what the raw-bucket sensor would run for a new delivery
        selections = {
            "all_bronze": lambda: dg.AssetSelection.groups("bronze").resolve(graph),
            "bronze": lambda: {dg.AssetKey(["bronze", source])},
            "downstream": lambda: (
                set(keys_to_run(source, graph, instance))
                - dg.AssetSelection.groups("bronze").resolve(graph)
            ),
            "pipeline": lambda: keys_to_run(source, graph, instance),
        }
        keys = sorted(selections[selection_name]())
        loaded = time.perf_counter()
        result = job.execute_in_process(
            instance=instance, asset_selection=keys, raise_on_error=False
        )
    finished = time.perf_counter()
    steps = {
        event.step_key: round(event.event_specific_data.duration_ms / 1000, 3)
        for event in result.all_events
        if event.is_step_success
    }
    failed = [event.step_key for event in result.all_events if event.is_step_failure]
    rows = 0
    for event in result.get_asset_materialization_events():
        materialization = event.event_specific_data.materialization
        if materialization.asset_key == dg.AssetKey(["bronze", source]):
            rows = materialization.metadata["rows_landed"].value
    report: dict[str, Any] = {
        "seconds": finished - loaded,
        "definitions_seconds": loaded - started,
        "assets": len(keys),
        "rows_in_bronze": rows,
        "step_seconds": steps,
        "success": result.success,
    }
    if not result.success:
        report["error"] = f"the run failed in steps {failed}; see the step log"
    return report


def land(arguments: dict[str, Any]) -> dict[str, Any]:
    """Materialize the bronze asset; the gates' share is timed around each gate call."""
    from orchestration.landing.gates import BronzeGates

    spent: list[float] = []
    original = BronzeGates.gate

    def timed_gate(self: BronzeGates, lake):
        verdict = original(self, lake)

        def timed(raw, candidate):
            started = time.perf_counter()
            try:
                return verdict(raw, candidate)
            finally:
                spent.append(time.perf_counter() - started)

        return timed

    BronzeGates.gate = timed_gate
    source = arguments.get("source", SOURCE)
    report = _materialize("bronze", source)
    # The run also runs the asset's other checks (dbt's source tests start dbt): the landing
    # is the bronze step itself, adapter, Parquet, upload and gates.
    report["run_seconds"] = report["seconds"]
    report["seconds"] = report["step_seconds"].get(f"bronze__{source}")
    report["gate_seconds"] = sum(spent)
    report["gate_calls"] = len(spent)
    report["rows"] = report["rows_in_bronze"]
    return report


def materialize(arguments: dict[str, Any]) -> dict[str, Any]:
    report = _materialize(arguments["selection"], arguments.get("source", SOURCE))
    report["rows"] = arguments.get("rows", report["rows_in_bronze"])
    return report


def background(arguments: dict[str, Any]) -> dict[str, Any]:
    """Upload a small demo estate of every data set and land it all: the hub the measured
    screenings join, so the dbt graph builds whole (its source tests need every data set)."""
    lake = _lake()
    fs = lake.filesystem()
    estate = Path(arguments["estate"])
    for path in sorted(estate.rglob("*")):
        relative = path.relative_to(estate)
        if path.is_file() and not relative.parts[0].startswith("_"):
            fs.put_file(str(path), f"{lake.raw_bucket}/{relative.as_posix()}")
    return _materialize("all_bronze")


def definitions(arguments: dict[str, Any]) -> dict[str, Any]:
    """Import the code location and build its definitions: what every run and the UI pay."""
    started = time.perf_counter()
    from orchestration.definitions import defs

    defs()
    return {"seconds": time.perf_counter() - started, "rows": 0}


def interpreter(arguments: dict[str, Any]) -> dict[str, Any]:
    return {"seconds": 0.0, "rows": 0}


def floor(arguments: dict[str, Any]) -> dict[str, Any]:
    """DuckDB reads each raw object from the store and writes it back as Parquet; nothing else.

    DuckDB's core reads no Arrow IPC file: pyarrow's reader hands it the record batches
    (zero copy), and DuckDB writes them.
    """
    import pyarrow as pa
    import pyarrow.ipc as ipc

    from orchestration.platform.resources import open_duckdb

    lake = _lake()
    keys = _raw_keys(lake, arguments.get("source", SOURCE))
    connection = open_duckdb(":memory:", lake)
    fs = lake.filesystem()
    started = time.perf_counter()
    rows = 0
    for key in keys:
        target = f"s3://{lake.lake_bucket}/floor/{key.split('/', 1)[1]}.parquet"
        if arguments["format"] == "arrow":
            with fs.open(key, "rb") as stream:
                batches = ipc.open_file(stream)
                connection.register(
                    "raw_object",
                    pa.RecordBatchReader.from_batches(
                        batches.schema,
                        (batches.get_batch(i) for i in range(batches.num_record_batches)),
                    ),
                )
                copied = connection.execute(
                    f"COPY (SELECT * FROM raw_object) TO '{target}' (FORMAT parquet)"
                ).fetchone()
                connection.unregister("raw_object")
        else:
            reader = {"csv": "read_csv", "parquet": "read_parquet"}[arguments["format"]]
            copied = connection.execute(
                f"COPY (SELECT * FROM {reader}('s3://{key}')) TO '{target}' (FORMAT parquet)"
            ).fetchone()
        rows += copied[0] if copied else 0
    return {"seconds": time.perf_counter() - started, "rows": rows, "objects": len(keys)}


def gates(arguments: dict[str, Any]) -> dict[str, Any]:
    """The gates as landing runs them on the last delivery, and their one-query floor.

    The candidate is the last delivery's bronze object, copied to a local file as landing
    leaves it; the released bronze is every other delivery, read from the store (uniqueness
    reads the released rows sharing a key with the candidate). The pandera schema check
    (derived from the last delivery's contributor's declared types) is also timed alone, on
    the same candidate, to split the gates' time.
    """
    import polars as pl

    from expectations import registry
    from expectations.pandera_gate import frame_schema, validate_frame
    from infra.benchmarks.gate_floor import plain_sql
    from orchestration.landing.gates import gates_for, key_columns, released_sharing_keys
    from orchestration.platform import lake_layout
    from orchestration.platform.resources import open_duckdb

    lake = _lake()
    declared = gates_for(_spec())
    if declared is None:
        raise RuntimeError(f"{SOURCE} has no bronze gates to measure")
    suite = registry.suite_for("bronze", SOURCE)
    fs = lake.filesystem()
    raw_key = _raw_keys(lake)[-1]
    raw = lake_layout.parse_raw_key(raw_key.split("/", 1)[1])
    schema = frame_schema(declared.declared_types(raw.contributor))
    bronze_key = f"{lake.lake_bucket}/{lake_layout.bronze_key(raw)}"
    released = [
        f"s3://{key}"
        for key in fs.glob(f"{lake.lake_bucket}/{lake_layout.bronze_glob(SOURCE)}")
        if key != bronze_key
    ]
    with tempfile.TemporaryDirectory(prefix="hub-bench-gates-") as workdir:
        candidate = Path(workdir) / "bronze.parquet"
        fs.get_file(bronze_key, str(candidate))
        gate = declared.gate(lake)
        gate.loaded()  # GE, the suite and pandera load once per landing: not timed here
        started = time.perf_counter()
        verdict = gate(raw, candidate)
        gates_done = time.perf_counter()
        validate_frame(pl.scan_parquet(candidate), schema)
        pandera_seconds = time.perf_counter() - gates_done

        # The relation the gates read: the candidate's rows, and the released rows sharing a
        # key with one of them (key columns only; their `_raw_key` is null, so the row
        # checks skip them).
        connection = open_duckdb(":memory:", lake)
        released_rows = released_sharing_keys(released, candidate, key_columns(suite))
        connection.execute(
            f"CREATE VIEW bronze AS SELECT * FROM read_parquet('{candidate}') "
            f"UNION ALL BY NAME ({released_rows})"
        )
        columns = [row[0] for row in connection.execute("DESCRIBE bronze").fetchall()]
        query = plain_sql(suite, schema, "bronze", columns, candidate=f"_raw_key = '{raw_key}'")
        sql_started = time.perf_counter()
        counts = connection.execute(query).fetchone() or ()
        sql_done = time.perf_counter()
        checked_rows = connection.execute("SELECT count(*) FROM bronze").fetchone()[0]
        listed = ", ".join(f"'{path}'" for path in [*released, str(candidate)])
        # bronze as it would become, as before the uniqueness rules were scoped
        rows = connection.execute(
            f"SELECT sum(num_rows) FROM parquet_file_metadata([{listed}])"
        ).fetchone()[0]
        candidate_rows = pl.scan_parquet(candidate).select(pl.len()).collect().item()
    return {
        "seconds": gates_done - started,
        "rows": rows,
        "candidate_rows": candidate_rows,
        "checked_rows": checked_rows,
        "released_objects": len(released),
        "pandera_seconds": pandera_seconds,
        "ge_seconds": gates_done - started - pandera_seconds,
        "sql_floor_seconds": sql_done - sql_started,
        "passed": verdict.passed,
        "sql_checks": len(counts),
        "sql_checks_failed": sum(1 for count in counts if count),
    }


def peer(arguments: dict[str, Any]) -> dict[str, Any]:
    """dlt's filesystem source into a DuckDB file: the same raw objects, a peer's loader."""
    os.environ.setdefault("RUNTIME__DLTHUB_TELEMETRY", "false")
    import dlt
    from dlt.common.configuration.specs import AwsCredentials
    from dlt.sources.filesystem import filesystem, read_csv, read_csv_duckdb, read_parquet

    lake = _lake()
    store = lake.object_store
    credentials = AwsCredentials(
        aws_access_key_id=store.access_key_id,
        aws_secret_access_key=store.secret_access_key,
        region_name=store.region,
        endpoint_url=store.endpoint_url or None,
    )
    # Batches of Arrow tables or data frames: dlt normalizes those column-wise, while rows
    # of Python dicts (read_csv_duckdb's default) go through its row-by-row normalizer. dlt
    # has no row quarantine: one impossible date fails the whole load, so DuckDB reads the
    # CSV as text, which spares the peer the typing the hub's adapter does.
    readers: dict[str, Callable[[], Any]] = {
        "read_csv": lambda: read_csv(chunksize=PEER_CHUNK_ROWS, dtype=str),
        "read_csv_duckdb": lambda: read_csv_duckdb(
            chunk_size=PEER_CHUNK_ROWS, use_pyarrow=True, all_varchar=True
        ),
        "read_parquet": lambda: read_parquet(chunksize=PEER_CHUNK_ROWS, use_pyarrow=True),
    }
    glob = {"csv": "**/*.csv", "parquet": "**/*.parquet"}[arguments["format"]]
    workdir = Path(arguments["workdir"])
    database = workdir / f"{arguments['reader']}.duckdb"
    started = time.perf_counter()
    files = filesystem(
        bucket_url=f"s3://{lake.raw_bucket}/{SOURCE}/", credentials=credentials, file_glob=glob
    )
    pipeline = dlt.pipeline(
        pipeline_name=f"bench_{arguments['reader']}",
        destination=dlt.destinations.duckdb(str(database)),
        dataset_name=SOURCE,
        pipelines_dir=str(workdir / "pipelines"),
    )
    pipeline.run((files | readers[arguments["reader"]]()).with_name(SOURCE))
    seconds = time.perf_counter() - started
    with pipeline.sql_client() as client:
        rows = client.execute_sql(f"SELECT count(*) FROM {SOURCE}")[0][0]
    return {"seconds": seconds, "rows": rows, "reader": arguments["reader"]}


STEPS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "background": background,
    "interpreter": interpreter,
    "definitions": definitions,
    "floor": floor,
    "land": land,
    "gates": gates,
    "materialize": materialize,
    "peer": peer,
}


PROFILE_VARIABLE = "HUB_BENCH_PROFILE"  # a path: profile the step there (see `--profile`)


def main() -> int:
    step, arguments, report_path = sys.argv[1], json.loads(sys.argv[2]), Path(sys.argv[3])
    try:
        report = _profiled(STEPS[step], arguments, os.environ.get(PROFILE_VARIABLE))
    except Exception as error:
        traceback.print_exc()
        report = {"error": f"{type(error).__name__}: {error}", "success": False}
    report["own_peak_rss_kib"] = _own_memory_kib("VmHWM")
    # what the process still holds once its work is done: in a whole run, the landing's
    # process holds it while dbt builds
    report["own_rss_at_end_kib"] = _own_memory_kib("VmRSS")
    report_path.write_text(json.dumps(report, default=str))
    return 0 if report.get("success", True) else 1


def _profiled(
    run: Callable[[dict[str, Any]], dict[str, Any]], arguments: dict[str, Any], path: str | None
) -> dict[str, Any]:
    """`run(arguments)`, sampled by pyinstrument when `path` is given: the call tree of the
    step's main thread goes to `path` as text and beside it as HTML. Time spent waiting on a
    thread or a child process (the gates' loader, dbt) shows as the wait."""
    if not path:
        return run(arguments)
    from pyinstrument import Profiler

    profiler = Profiler(interval=0.005)
    profiler.start()
    try:
        return run(arguments)
    finally:
        profiler.stop()
        text = Path(path)
        text.parent.mkdir(parents=True, exist_ok=True)
        text.write_text(profiler.output_text(unicode=True, color=False))
        text.with_suffix(".html").write_text(profiler.output_html())


def _own_memory_kib(field: str) -> int:
    """A figure of this process's memory from /proc/self/status, in KiB: `VmHWM` (resident
    high-water mark) or `VmRSS` (resident now)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    return 0


if __name__ == "__main__":
    sys.exit(main())
