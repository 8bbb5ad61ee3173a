"""Performance at scale: the pipeline against its floor and a peer loader (`make bench`).

    .venv/bin/python -m infra.benchmarks.run                        # 1M and 10M rows, CSV and Parquet
    .venv/bin/python -m infra.benchmarks.run --sizes 1000000        # the quick run, ~10 minutes
    .venv/bin/python -m infra.benchmarks.run --sizes 200000 --formats csv --no-peer
    .venv/bin/python -m infra.benchmarks.run --ads-rows 1000000 10000000   # ads only

Starts its own SeaweedFS on free loopback ports in a temporary folder, generates screening
deliveries with the demo generator, and measures, each step in a child process of its own:
landing through the bronze asset (Dagster, in-process executor), DuckDB's copy of the same
objects (the floor), the bronze gates and the same checks as one SQL query, dlt loading the
same objects into DuckDB, and, for the first format, the dbt build downstream, the whole
pipeline, a rerun with nothing new and an incremental run after one small delivery; and the
fixed cost of a run. With `--ads-rows`, the commercial-sex-ads data set at scale too (Arrow
deliveries of at most 10M rows, generated on disk in chunks): its floor, its landing, the dbt
build downstream and a whole run. Prints a
table and writes it to `.bench/results.json` and a timestamped copy (README.md: JSON format).
Figures are printed, never asserted: targets are reported as met or missed.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import s3fs
import yaml

from infra.benchmarks import deliveries
from infra.benchmarks.process import Measurement, load_average, run_step
from infra.benchmarks.steps import PROFILE_VARIABLE
from infra.demo.generate import generate_estate
from orchestration.platform.objectstore import (
    DEFAULT_PORTS,
    Identity,
    ObjectStore,
    ensure_buckets,
    free_ports,
)
from orchestration.platform.resources import LakeResource, dbt_environment
from orchestration.platform.settings import REPO_ROOT
from orchestration.platform.settings import ObjectStore as StoreSettings

SCHEMA_VERSION = 1
DEFAULT_SIZES = (1_000_000, 10_000_000)
FORMATS = ("csv", "parquet")
PEER_READERS = {"csv": ["read_csv_duckdb", "read_csv"], "parquet": ["read_parquet"]}
# dlt's pandas CSV reader lands about 4,000 rows a second here (4.5 minutes a million rows):
# measured only when asked for (--peer-readers), and never beyond this size.
PANDAS_PEER_MAX_ROWS = 1_000_000
DEFAULT_PEER_READERS = ["read_csv_duckdb", "read_parquet"]
# What the measured code is: copied once, so edits made while the bench runs change nothing.
SNAPSHOT = ("orchestration", "adapters", "expectations", "infra", "dbt_project", "taxonomy_seeds")
_SNAPSHOT_IGNORE = shutil.ignore_patterns(
    "target", "logs", "dbt_packages", ".user.yml", "__pycache__", "*.pyc"
)
MIB_LIMIT = 2048
ADS_FORMAT = "arrow"  # the ads_monitor_ngo's declared format
ADS_MIB_LIMIT = 4096  # issue 19: commercial-sex-ads at 100M rows within 4 GiB
ADS_MIB_LIMIT_FROM_ROWS = 100_000_000
BENCH_CONTRIBUTOR = "bench_parquet"
BACKGROUND = "background"
BACKGROUND_LAKE = f"lake-{BACKGROUND}"
# Every data set at 2% of the demo's size: a few thousand rows in all.
BACKGROUND_SCALE = 0.02
PACKAGES = ("duckdb", "dagster", "dbt-core", "dbt-duckdb", "polars", "pyarrow", "dlt")


def machine() -> dict[str, Any]:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    memory_kib = next(
        int(line.split()[1])
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal")
    )
    return {
        "cpus": os.cpu_count(),
        "cpu_model": cpu,
        "memory_gib": round(memory_kib / 1024**2, 1),
        "python": platform.python_version(),
        "system": platform.platform(),
        "packages": {name: _version(name) for name in PACKAGES},
    }


def _version(package: str) -> str | None:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def code_version(commit: str | None) -> dict[str, Any]:
    def git(*arguments: str) -> str:
        done = subprocess.run(
            ["git", *arguments], cwd=REPO_ROOT, capture_output=True, text=True, check=False
        )
        return done.stdout.strip()

    if commit is not None:
        return {"commit": git("rev-parse", commit), "dirty": False}
    return {"commit": git("rev-parse", "HEAD"), "dirty": bool(git("status", "--porcelain"))}


def snapshot(destination: Path, commit: str | None = None) -> Path:
    """The measured code: the working tree, or a commit with this benchmark laid over it."""
    destination.mkdir(parents=True, exist_ok=True)
    if commit is None:
        for name in SNAPSHOT:
            shutil.copytree(REPO_ROOT / name, destination / name, ignore=_SNAPSHOT_IGNORE)
        shutil.copy(REPO_ROOT / "pyproject.toml", destination / "pyproject.toml")
        return destination
    archive = subprocess.run(
        ["git", "archive", "--format=tar", commit, *SNAPSHOT, "pyproject.toml"],
        cwd=REPO_ROOT,
        capture_output=True,
        check=True,
    )
    subprocess.run(["tar", "-x", "-C", str(destination)], input=archive.stdout, check=True)
    benchmarks = destination / "infra" / "benchmarks"
    shutil.rmtree(benchmarks, ignore_errors=True)
    shutil.copytree(REPO_ROOT / "infra" / "benchmarks", benchmarks, ignore=_SNAPSHOT_IGNORE)
    return destination


def parquet_contributor(code: Path) -> tuple[str, bool]:
    """The screenings contributor the Parquet deliveries land under, and whether the bench
    declared it in the snapshot (older code declares only CSV contributors for screenings)."""
    path = code / "dbt_project" / "models" / "staging" / "screenings" / "_screenings__sources.yml"
    document = yaml.safe_load(path.read_text())
    source = next(s for s in document["sources"] if s["name"] == deliveries.SOURCE)
    table = next(t for t in source["tables"] if t["name"] == deliveries.SOURCE)
    contributors = table["config"]["meta"]["hub"]["contributors"]
    for name, contributor in contributors.items():
        if contributor.get("format") == "parquet":
            return name, False
    contributors[BENCH_CONTRIBUTOR] = {"format": "parquet", "files": "*.parquet"}
    path.write_text(yaml.safe_dump(document, sort_keys=False))
    return BENCH_CONTRIBUTOR, True


class Bench:
    """One benchmark run: the object store, the code snapshot, the states and the results."""

    def __init__(self, workdir: Path, store: ObjectStore, identity: Identity) -> None:
        self.workdir = workdir
        self.code = workdir / "code"
        self.log = workdir / "steps.log"
        self.store = store
        self.settings = StoreSettings(
            endpoint_url=store.endpoint_url,
            access_key_id=identity.access_key_id,
            secret_access_key=identity.secret_access_key,
        )
        self.fs = s3fs.S3FileSystem(**self.settings.s3fs_options(), skip_instance_cache=True)
        self.results: list[dict[str, Any]] = []
        self.saved: Callable[[], object] = lambda: None
        self.peer_readers: list[str] = []
        self.pseudonym_key = secrets.token_hex(32)
        self.profiles: Path | None = None  # where each step's profile goes, with --profile
        self.prepared_for: str | None = None  # the state the dbt manifest was prepared for

    def environment(
        self,
        state: str,
        raw_bucket: str,
        with_background: bool = True,
        measured: str = deliveries.SOURCE,
    ) -> dict[str, str]:
        """Variables for one measured state: its own lake bucket, warehouse and Dagster home.

        The state's lake starts with the background hub's bronze of every data set but the
        `measured` one.
        """
        home = self.workdir / "states" / state
        (home / "dagster").mkdir(parents=True, exist_ok=True)
        shutil.copy(self.code / "infra" / "dagster.yaml", home / "dagster" / "dagster.yaml")
        lake_bucket = f"lake-{state}"
        ensure_buckets(self.fs, [raw_bucket, lake_bucket])
        if with_background:
            self.copy_background(lake_bucket, measured)
        lake = LakeResource(
            endpoint_url=self.settings.endpoint_url,
            access_key_id=self.settings.access_key_id,
            secret_access_key=self.settings.secret_access_key,
            raw_bucket=raw_bucket,
            lake_bucket=lake_bucket,
        )
        env = {
            **os.environ,
            "PYTHONPATH": str(self.code),
            "HUB_HOME": str(home),
            "HUB_S3_ENDPOINT": self.settings.endpoint_url,
            "HUB_S3_REGION": self.settings.region,
            "HUB_S3_ACCESS_KEY_ID": self.settings.access_key_id,
            "HUB_S3_SECRET_ACCESS_KEY": self.settings.secret_access_key,
            "HUB_RAW_BUCKET": raw_bucket,
            "HUB_LAKE_BUCKET": lake_bucket,
            "HUB_WAREHOUSE_PATH": str(home / "warehouse.duckdb"),
            "HUB_PSEUDONYM_KEY": self.pseudonym_key,
            "DAGSTER_HOME": str(home / "dagster"),
            **dbt_environment(lake),
        }
        self.prepare_dbt(state, env)
        return env

    def copy_background(self, lake_bucket: str, measured: str) -> None:
        for key in self.fs.find(f"{BACKGROUND_LAKE}/bronze/"):
            if not key.startswith(f"{BACKGROUND_LAKE}/bronze/{measured}/"):
                self.fs.copy(key, lake_bucket + key[len(BACKGROUND_LAKE) :])

    def background(self, seed: int) -> None:
        """Land a small estate of every data set once: the hub each measured state starts from."""
        estate = self.workdir / "background-estate"
        generate_estate(estate, seed=seed, scale=BACKGROUND_SCALE)
        env = self.environment(BACKGROUND, f"raw-{BACKGROUND}", with_background=False)
        print("background hub (every data set, small)")
        self.measure(
            "background landing", "background", env, {"estate": str(estate)}, size=0, format=None
        )
        deliveries.remove(estate)

    def upload(self, files: dict[str, Path], raw_bucket: str) -> float:
        started = time.perf_counter()
        for key, path in files.items():
            self.fs.put_file(str(path), f"{raw_bucket}/{key}")
        return time.perf_counter() - started

    def measure(
        self,
        name: str,
        step: str,
        env: dict[str, str],
        arguments: dict[str, Any] | None = None,
        **labels: Any,
    ) -> Measurement:
        arguments = arguments or {}
        if self.profiles is not None:
            size = labels.get("size") or 0
            label = f"{_short(size) if size else 'fixed'}-{labels.get('format') or ''}-{name}"
            env = {**env, PROFILE_VARIABLE: str(self.profiles / f"{_slug(label)}.txt")}
        print(f"  {name:<22} ...", end="", flush=True)
        measured = run_step(step, arguments, env, self.code, self.log)
        rows = measured.report.get("rows", 0)
        seconds = measured.report.get("seconds")
        record = {
            **labels,
            "step": name,
            "rows": rows,
            "seconds": seconds,
            "rows_per_second": rows / seconds if rows and seconds else None,
            **{k: v for k, v in asdict(measured).items() if k != "report"},
            "details": {k: v for k, v in measured.report.items() if k not in ("rows", "seconds")},
        }
        self.results.append(record)
        self.saved()
        shown = f"{seconds:8.2f} s" if seconds is not None else "    -     "
        status = f"  FAILED: {measured.error}" if measured.error else ""
        print(
            f" {shown}  (process {measured.wall_seconds:7.2f} s, "
            f"{measured.peak_rss_mib:7.0f} MiB, load {measured.load_before:.2f}){status}",
            flush=True,
        )
        return measured

    def prepare_dbt(self, state: str, env: dict[str, str]) -> None:
        """The dbt manifest of the snapshot for `state`, as `hub prepare` builds it where the
        hub is deployed (not timed).

        dbt parses the project again, in full, when its profile differs from the one the
        saved parse was made with, and the warehouse path is part of the profile. With one
        preparation shared by all states, each measured dbt run would pay that full parse
        (3-4 s here), which a deployment prepared in its own environment never does.
        """
        if self.prepared_for == state:
            return
        command = [
            sys.executable,
            "-c",
            "from dagster_dbt import DbtProject\n"
            "from orchestration.transform.dbt_cli import prepare_dbt_project\n"
            "from orchestration.platform.settings import DBT_PROJECT_DIR as d\n"
            "p = DbtProject(project_dir=d, profiles_dir=d)\n"
            "prepare_dbt_project(p)",
        ]
        with self.log.open("ab") as output:
            subprocess.run(
                command, cwd=self.code, env=env, stdout=output, stderr=output, check=True
            )
        self.prepared_for = state

    def fixed_overhead(self) -> None:
        print("fixed overhead")
        env = self.environment(BACKGROUND, f"raw-{BACKGROUND}", with_background=False)
        labels = {"size": 0, "format": None}
        self.measure("python start", "interpreter", env, **labels)
        self.measure("definitions load", "definitions", env, **labels)
        self.measure("run on a small hub", "materialize", env, {"selection": "pipeline"}, **labels)

    def size_and_format(
        self,
        size: int,
        format: str,
        files: dict[str, Path],
        incremental: dict[str, Path],
        incremental_rows: int,
        peer: bool,
        landing_only: bool = False,
    ) -> None:
        tag = f"{_short(size)}-{format}"
        raw_bucket = f"raw-{tag}"
        print(f"{size:,} rows, {format}")
        labels = {"size": size, "format": format}
        env = self.environment(tag, raw_bucket)
        self.results.append(
            {**labels, "step": "upload", "seconds": self.upload(files, raw_bucket), "rows": size}
        )
        self.measure("landing floor (DuckDB)", "floor", env, {"format": format}, **labels)
        self.measure("landing (bronze asset)", "land", env, **labels)
        self.measure("gates", "gates", env, **labels)
        if not landing_only:
            self.measure(
                "dbt build downstream", "materialize", env, {"selection": "downstream"}, **labels
            )
        if peer:
            for reader in PEER_READERS[format]:
                if reader == "read_csv" and size > PANDAS_PEER_MAX_ROWS:
                    continue
                if reader not in self.peer_readers:
                    continue
                workdir = self.workdir / "states" / tag / "peer"
                workdir.mkdir(parents=True, exist_ok=True)
                arguments = {"format": format, "reader": reader, "workdir": str(workdir)}
                self.measure(f"peer dlt {reader}", "peer", env, arguments, **labels)
        if landing_only:
            return
        env = self.environment(f"{tag}-e2e", raw_bucket)
        self.measure("pipeline end to end", "materialize", env, {"selection": "pipeline"}, **labels)
        self.measure("rerun, nothing new", "materialize", env, {"selection": "pipeline"}, **labels)
        self.upload(incremental, raw_bucket)
        self.measure(
            "incremental run",
            "materialize",
            env,
            {"selection": "pipeline", "rows": incremental_rows},
            **labels,
        )

    def commercial_sex_ads(
        self, size: int, files: dict[str, Path], landing_only: bool = False
    ) -> None:
        """The commercial-sex-ads data set at `size` rows: the floor, the landing, the dbt
        build downstream, then a whole run on a fresh lake. The local files go once
        uploaded, and each state's warehouse once measured: at 100M rows they are tens of
        GB."""
        source = deliveries.ADS_SOURCE
        tag = f"ads-{_short(size)}"
        raw_bucket = f"raw-{tag}"
        print(f"{size:,} rows, {source}, {ADS_FORMAT}")
        labels = {"size": size, "format": ADS_FORMAT, "data_set": source}
        env = self.environment(tag, raw_bucket, measured=source)
        self.results.append(
            {**labels, "step": "upload", "seconds": self.upload(files, raw_bucket), "rows": size}
        )
        for path in files.values():
            path.unlink()
        arguments = {"source": source}
        floor = {**arguments, "format": ADS_FORMAT}
        self.measure("landing floor (DuckDB)", "floor", env, floor, **labels)
        self.measure("landing (bronze asset)", "land", env, arguments, **labels)
        if landing_only:
            return
        # rows/s of the build: the rows of bronze it builds from
        downstream = {**arguments, "selection": "downstream", "rows": size}
        self.measure("dbt build downstream", "materialize", env, downstream, **labels)
        self.remove_warehouse(tag)
        env = self.environment(f"{tag}-e2e", raw_bucket, measured=source)
        pipeline = {**arguments, "selection": "pipeline"}
        self.measure("pipeline end to end", "materialize", env, pipeline, **labels)
        self.remove_warehouse(f"{tag}-e2e")

    def remove_warehouse(self, state: str) -> None:
        for path in (self.workdir / "states" / state).glob("warehouse.duckdb*"):
            path.unlink()


def _short(size: int) -> str:
    for unit, scale in (("m", 1_000_000), ("k", 1_000)):
        if size >= scale and size % scale == 0:
            return f"{size // scale}{unit}"
    return str(size)


def _slug(label: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")


def _step(results: list[dict], size: int, format: str | None, step: str) -> dict | None:
    return next(
        (
            r
            for r in results
            if r["size"] == size
            and r["format"] == format
            and r["step"] == step
            and not r.get("error")
        ),
        None,
    )


def targets(results: list[dict]) -> list[dict[str, Any]]:
    """Each target per size and format: the measured ratio or figure, and whether it is met."""
    found = []

    def add(size, format, name, value, limit, unit="x") -> None:
        if value is not None:
            found.append(
                {
                    "size": size,
                    "format": format,
                    "target": name,
                    "value": round(value, 3),
                    "limit": limit,
                    "unit": unit,
                    "met": value <= limit,
                }
            )

    def ratio(a: dict | None, b: dict | None, key_a="seconds", key_b="seconds") -> float | None:
        if a is None or b is None:
            return None
        top = a.get(key_a) if key_a in a else a["details"].get(key_a)
        bottom = b.get(key_b) if key_b in b else b["details"].get(key_b)
        return top / bottom if top is not None and bottom else None

    for size, format in sorted({(r["size"], r["format"]) for r in results if r["size"]}):
        land = _step(results, size, format, "landing (bronze asset)")
        floor = _step(results, size, format, "landing floor (DuckDB)")
        gates = _step(results, size, format, "gates")
        peers = [
            r
            for r in results
            if r["size"] == size and r["format"] == format and r["step"].startswith("peer")
            if not r.get("error")
        ]
        fastest_peer = min(peers, key=lambda r: r["seconds"], default=None)
        full = _step(results, size, format, "pipeline end to end")
        incremental = _step(results, size, format, "incremental run")
        add(size, format, "landing / floor", ratio(land, floor), 1.5)
        if land is not None and floor is not None and floor["seconds"]:
            without_gates = land["seconds"] - land["details"].get("gate_seconds", 0)
            add(
                size,
                format,
                "landing less its gates / floor",
                without_gates / floor["seconds"],
                1.5,
            )
        add(size, format, "landing / fastest peer", ratio(land, fastest_peer), 1.0)
        add(
            size,
            format,
            "gates / plain-SQL floor",
            ratio(gates, gates, "seconds", "sql_floor_seconds"),
            2.0,
        )
        add(size, format, "gates in landing / landing", ratio(land, land, "gate_seconds"), 0.2)
        add(size, format, "incremental / full run", ratio(incremental, full), 0.15)
        if size >= 10_000_000:
            peak = max(
                (
                    r["peak_rss_mib"]
                    for r in results
                    if r["size"] == size
                    and r["format"] == format
                    and "peak_rss_mib" in r
                    and not r["step"].startswith("peer")
                ),
                default=None,
            )
            if format != ADS_FORMAT:
                add(size, format, "peak memory of any hub step", peak, MIB_LIMIT, "MiB")
            elif size >= ADS_MIB_LIMIT_FROM_ROWS:
                add(size, format, "peak memory of any hub step", peak, ADS_MIB_LIMIT, "MiB")
    return found


def print_table(results: list[dict], found: list[dict]) -> None:
    header = (
        f"{'rows':>11} {'format':7} {'step':24} {'work s':>9} {'process s':>10} {'rows/s':>12} "
        f"{'peak MiB':>9} {'cpu s':>8} {'load':>5}"
    )
    print("\n" + header + "\n" + "-" * len(header))
    for r in results:
        if "wall_seconds" not in r:
            continue
        rate = f"{r['rows_per_second']:,.0f}" if r.get("rows_per_second") else "-"
        work = f"{r['seconds']:.2f}" if r.get("seconds") is not None else "-"
        print(
            f"{r['size']:>11,} {r['format'] or '-':7} {r['step']:24} {work:>9} "
            f"{r['wall_seconds']:>10.2f} {rate:>12} {r['peak_rss_mib']:>9.0f} "
            f"{r['cpu_seconds']:>8.1f} {r['load_before']:>5.2f}"
            + (f"  FAILED: {r['error']}" if r.get("error") else "")
        )
    print("\ntargets")
    for t in found:
        verdict = "met" if t["met"] else "MISSED"
        print(
            f"{t['size']:>11,} {t['format']:7} {t['target']:30} {t['value']:>10.3f} {t['unit']:3} "
            f"(limit {t['limit']}) {verdict}"
        )


def markdown(document: dict[str, Any]) -> str:
    """The results and targets as Markdown tables, for infra/benchmarks/README.md."""
    lines = [
        "| rows | format | step | work s | process s | rows/s | peak MiB | cpu s | load |",
        "|---:|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in document["results"]:
        if "wall_seconds" not in r:
            continue
        rate = f"{r['rows_per_second']:,.0f}" if r.get("rows_per_second") else "-"
        work = f"{r['seconds']:.2f}" if r.get("seconds") is not None else "-"
        step = r["step"] + (" (failed)" if r.get("error") else "")
        lines.append(
            f"| {r['size']:,} | {r['format'] or '-'} | {step} | {work} | {r['wall_seconds']:.1f} "
            f"| {rate} | {r['peak_rss_mib']:.0f} | {r['cpu_seconds']:.1f} "
            f"| {r['load_before']:.2f} |"
        )
    lines += ["", "| rows | format | target | measured | limit | |", "|---:|---|---|---:|---:|---|"]
    for t in document["targets"]:
        lines.append(
            f"| {t['size']:,} | {t['format']} | {t['target']} | {t['value']:.2f} {t['unit']} "
            f"| {t['limit']} {t['unit']} | {'met' if t['met'] else '**missed**'} |"
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes",
        type=int,
        nargs="+",
        help=f"screening rows per size (default: {' '.join(map(str, DEFAULT_SIZES))}, "
        "or none with --ads-rows)",
    )
    parser.add_argument(
        "--ads-rows",
        type=int,
        nargs="+",
        default=[],
        metavar="ROWS",
        help="also measure the commercial-sex-ads data set at these sizes (Arrow deliveries "
        "of at most 10M rows, generated in chunks): floor, landing, dbt build, whole run",
    )
    parser.add_argument("--formats", nargs="+", choices=FORMATS, default=list(FORMATS))
    parser.add_argument(
        "--incremental-rows", type=int, default=10_000, help="rows of the incremental delivery"
    )
    parser.add_argument("--no-peer", action="store_true", help="skip the dlt peer loader")
    parser.add_argument(
        "--peer-readers",
        nargs="+",
        choices=sorted({r for readers in PEER_READERS.values() for r in readers}),
        default=DEFAULT_PEER_READERS,
        help="dlt readers to measure (default: %(default)s; read_csv is pandas, slow)",
    )
    parser.add_argument(
        "--landing-only",
        action="store_true",
        help="measure the landing, its floor, the gates and the peer only",
    )
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--out", type=Path, default=REPO_ROOT / ".bench")
    parser.add_argument("--workdir", type=Path, help="keep deliveries, states and logs here")
    parser.add_argument(
        "--profile",
        action="store_true",
        help="sample each step with pyinstrument: a text and an HTML call tree per step in "
        "OUT/profiles-<timestamp>/ (sampling slows the steps a little)",
    )
    parser.add_argument(
        "--render",
        type=Path,
        metavar="RESULTS_JSON",
        help="print an earlier run's results as Markdown tables, and run nothing",
    )
    parser.add_argument(
        "--from-commit",
        metavar="REV",
        help="measure this commit's code (with the working tree's benchmark) instead of the "
        "working tree",
    )
    args = parser.parse_args(argv)
    if args.sizes is None:
        args.sizes = [] if args.ads_rows else list(DEFAULT_SIZES)
    if args.render:
        document = json.loads(args.render.read_text())
        document["targets"] = targets(document["results"])
        print(markdown(document), end="")
        return 0

    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="hub-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    started_at = datetime.now(UTC)
    identity = Identity("hub_bench", f"bench-{secrets.token_hex(4)}", secrets.token_hex(16))
    ports = dict(zip(DEFAULT_PORTS, free_ports(len(DEFAULT_PORTS)), strict=True))
    store = ObjectStore(data_dir=workdir / "objectstore", identities=[identity], ports=ports)
    print(f"object store on {store.endpoint_url}, work folder {workdir}")
    store.start()
    bench = Bench(workdir, store, identity)
    settings = {
        "sizes": args.sizes,
        "ads_rows": args.ads_rows,
        "formats": args.formats,
        "incremental_rows": args.incremental_rows,
        "peer": not args.no_peer,
        "seed": args.seed,
        "from_commit": args.from_commit,
        "landing_only": args.landing_only,
        "peer_readers": args.peer_readers,
    }
    stamp = started_at.strftime("%Y%m%dT%H%M%SZ")
    args.out.mkdir(parents=True, exist_ok=True)

    def save(finished: bool = False) -> dict[str, Any]:
        """Write the results so far: a run cut short still leaves what it measured."""
        document = {
            "schema_version": SCHEMA_VERSION,
            "started_at": started_at.isoformat(),
            "finished_at": datetime.now(UTC).isoformat() if finished else None,
            "load_average_at_end": load_average(),
            "machine": machine(),
            "code": code_version(args.from_commit),
            "settings": settings,
            "results": bench.results,
            "targets": targets(bench.results),
        }
        text = json.dumps(document, indent=1, default=str)
        (args.out / f"results-{stamp}.json").write_text(text)
        if finished:
            (args.out / "results.json").write_text(text)
            (args.out / "results.md").write_text(markdown(document))
        if bench.log.exists():
            shutil.copy(bench.log, args.out / f"steps-{stamp}.log")
        return document

    bench.saved = save
    if args.profile:
        bench.profiles = args.out / f"profiles-{stamp}"
        settings["profiled"] = True
    bench.peer_readers = args.peer_readers
    try:
        snapshot(bench.code, args.from_commit)
        contributor, declared = parquet_contributor(bench.code)
        settings["parquet_contributor"] = contributor
        settings["parquet_contributor_declared_by_bench"] = declared
        bench.background(args.seed)
        if args.sizes:
            bench.fixed_overhead()
        for size in args.sizes:
            data = workdir / "deliveries" / _short(size)
            generating = time.perf_counter()
            csv_files = deliveries.csv_deliveries(data / "csv", size, args.seed)
            print(f"generated {size:,} rows in {time.perf_counter() - generating:.1f} s")
            incremental_csv = deliveries.incremental_delivery(
                csv_files, data / "incremental-csv", args.incremental_rows
            )
            for position, format in enumerate(args.formats):
                # The dbt build and the whole runs read bronze, which is the same whatever
                # format was delivered: they run for the first format only.
                landing_only = args.landing_only or position > 0
                if format == "csv":
                    files, incremental = csv_files, incremental_csv
                else:
                    files = deliveries.as_parquet(csv_files, data / "parquet", contributor)
                    incremental = deliveries.as_parquet(
                        incremental_csv, data / "parquet", contributor
                    )
                bench.size_and_format(
                    size,
                    format,
                    files,
                    incremental,
                    args.incremental_rows,
                    not args.no_peer,
                    landing_only,
                )
            deliveries.remove(data)
        for size in args.ads_rows:
            data = workdir / "deliveries" / f"ads-{_short(size)}"
            generating = time.perf_counter()
            files = deliveries.ads_deliveries(data, size, args.seed)
            generated = time.perf_counter() - generating
            print(f"generated {size:,} ads rows in {len(files)} files in {generated:.1f} s")
            bench.results.append(
                {
                    "size": size,
                    "format": ADS_FORMAT,
                    "data_set": deliveries.ADS_SOURCE,
                    "step": "generate",
                    "seconds": generated,
                    "rows": size,
                    "details": {"files": len(files), "bytes": deliveries.total_bytes(files)},
                }
            )
            bench.commercial_sex_ads(size, files, args.landing_only)
            deliveries.remove(data)
    finally:
        store.stop()
    document = save(finished=True)
    print_table(bench.results, document["targets"])
    print(
        f"\nwritten to {args.out}: results.json, results-{stamp}.json, results.md, "
        f"steps-{stamp}.log"
    )
    if args.workdir is None:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
