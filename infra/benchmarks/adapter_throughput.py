"""Throughput of the adapters' `read_batches` on generated CSV, Parquet and XLSX files.

    .venv/bin/python infra/benchmarks/adapter_throughput.py                  # small, a minute
    .venv/bin/python infra/benchmarks/adapter_throughput.py --csv-mb 200 --parquet-mb 200 --xlsx-mb 20
    .venv/bin/python infra/benchmarks/adapter_throughput.py --large          # 1 GB, 1 GB, 50 MB

Prints MB/s (file bytes over wall time, consuming every batch) and rows/s per format.
The files are synthetic offense-count records, generated into a temporary folder
(`--workdir` to keep them).
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

import numpy as np
import openpyxl
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from adapters import read_batches

_MB = 1_000_000
_STATES = ["TX", "CA", "NY", "FL", "OH", "GA", "WA", "AZ", "NV", "MN"]
_OFFENSES = ["Commercial Sex Acts", "Involuntary Servitude"]


def offense_records(rows: int, seed: int) -> pa.Table:
    """Synthetic agency-level offense counts, shaped like the FBI human trafficking table."""
    rng = np.random.default_rng(seed)
    years = rng.integers(2013, 2021, rows)
    return pa.table(
        {
            "case_id": pa.array([f"CASE-{seed:03d}-{i:08d}" for i in range(rows)]),
            "state": pa.array(np.array(_STATES)[rng.integers(0, len(_STATES), rows)]),
            "data_year": pa.array(years),
            "offense_name": pa.array(np.array(_OFFENSES)[rng.integers(0, 2, rows)]),
            "actual_count": pa.array(rng.integers(0, 400, rows)),
            "cleared_count": pa.array(rng.integers(0, 200, rows)),
            "victim_age": pa.array(rng.integers(9, 70, rows)),
            "rate_per_100k": pa.array(rng.random(rows) * 10),
            "report_date": pa.array(
                [
                    f"{year}-{m:02d}-15"
                    for year, m in zip(years, rng.integers(1, 13, rows), strict=True)
                ]
            ),
            "agency_note": pa.array(
                np.array(["", "joint task force", "referred by hotline", "NA"])[
                    rng.integers(0, 4, rows)
                ]
            ),
        }
    )


def write_csv(path: Path, size_mb: float) -> None:
    chunk = offense_records(100_000, seed=1)
    with pacsv.CSVWriter(path, chunk.schema) as writer:
        seed = 1
        while path.stat().st_size < size_mb * _MB:
            writer.write_table(chunk)
            seed += 1
            chunk = offense_records(100_000, seed=seed)


def write_parquet(path: Path, size_mb: float) -> None:
    chunk = offense_records(200_000, seed=1)
    with pq.ParquetWriter(path, chunk.schema, compression="zstd") as writer:
        seed = 1
        while path.stat().st_size < size_mb * _MB:
            writer.write_table(chunk)
            seed += 1
            chunk = offense_records(200_000, seed=seed)


def write_xlsx(path: Path, size_mb: float) -> None:
    # XLSX is zipped XML: size one sample to learn bytes per row, then write the full file.
    def write(rows: int) -> None:
        workbook = openpyxl.Workbook(write_only=True)
        sheet = workbook.create_sheet("offenses")
        table = offense_records(rows, seed=7)
        sheet.append(table.column_names)
        for row in zip(*(column.to_pylist() for column in table.columns), strict=True):
            sheet.append(row)
        workbook.save(path)

    sample_rows = min(20_000, max(int(size_mb * 10_000), 100))
    write(sample_rows)
    bytes_per_row = path.stat().st_size / sample_rows
    write(max(int(size_mb * _MB / bytes_per_row), 1))


def measure(path: Path, format: str) -> tuple[float, float, int, int]:
    started = time.perf_counter()
    rows = batches = 0
    with path.open("rb") as stream:
        for result in read_batches(stream, f"bench/{path.name}", format):
            rows += result.table.num_rows
            batches += 1
    seconds = time.perf_counter() - started
    return seconds, path.stat().st_size / _MB / seconds, rows, batches


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--csv-mb", type=float, default=20)
    parser.add_argument("--parquet-mb", type=float, default=20)
    parser.add_argument("--xlsx-mb", type=float, default=2)
    parser.add_argument("--large", action="store_true", help="1 GB CSV, 1 GB Parquet, 50 MB XLSX")
    parser.add_argument("--workdir", type=Path, help="keep the generated files here")
    args = parser.parse_args()
    if args.large:
        args.csv_mb, args.parquet_mb, args.xlsx_mb = 1000, 1000, 50
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="hub-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    plan = [
        ("csv", workdir / "offenses.csv", args.csv_mb, write_csv),
        ("parquet", workdir / "offenses.parquet", args.parquet_mb, write_parquet),
        ("xlsx", workdir / "offenses.xlsx", args.xlsx_mb, write_xlsx),
    ]
    print(
        f"{'format':8} {'file MB':>9} {'rows':>11} {'batches':>8} {'seconds':>8} {'MB/s':>8} "
        f"{'rows/s':>11}"
    )
    try:
        for format, path, size_mb, write in plan:
            if size_mb <= 0:
                continue
            # Import and first-call costs are paid once per process, not per megabyte.
            warm_up = workdir / f"warm-up.{format}"
            write(warm_up, 0.01)
            measure(warm_up, format)
            warm_up.unlink()
            if not path.exists():
                write(path, size_mb)
            seconds, rate, rows, batches = measure(path, format)
            print(
                f"{format:8} {path.stat().st_size / _MB:9.1f} {rows:11,d} {batches:8d} "
                f"{seconds:8.2f} {rate:8.1f} {rows / seconds:11,.0f}"
            )
    finally:
        if args.workdir is None:
            for _, path, _, _ in plan:
                if path.exists():
                    os.unlink(path)
            workdir.rmdir()


if __name__ == "__main__":
    main()
