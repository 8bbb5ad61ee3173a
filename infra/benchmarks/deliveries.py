"""The screening deliveries the pipeline benchmark lands, made with the demo generator.

CSV: the tx_dfps monthly extracts of `generate_estate(..., screening_rows=N)`, four months of
N/4 rows each, with the generator's handful of impossible dates (quarantined at landing).
Parquet: the same rows as a warehouse extract sends them, typed, under a Parquet
contributor of screenings; a warehouse holds no impossible date, so those few rows are left
out.
The incremental delivery is a new month of the same layout, with its own screening ids.

The commercial-sex-ads deliveries (`--ads-rows`) are the ads_monitor_ngo's quarterly Arrow
files of `generate_estate(..., ads_rows=N)`, at most 10M rows each, written chunk by chunk.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import polars as pl

from infra.demo.generate import generate_estate

SOURCE = "screenings"
CSV_CONTRIBUTOR = "tx_dfps"
INCREMENTAL_MONTH = "2024-07"
ADS_SOURCE = "commercial_sex_ads"
ADS_CONTRIBUTOR = "ads_monitor_ngo"
# The other contributors' deliveries are generated too; this scale keeps them at one row.
_TINY_SCALE = 1e-6


def csv_deliveries(out: Path, rows: int, seed: int) -> dict[str, Path]:
    """Raw key -> local file of the tx_dfps CSVs holding `rows` screenings altogether."""
    estate = out / "estate"
    generate_estate(estate, seed=seed, scale=_TINY_SCALE, only=[SOURCE], screening_rows=rows)
    files = sorted(estate.glob(f"{SOURCE}/{CSV_CONTRIBUTOR}__*/*.csv"))
    return {path.relative_to(estate).as_posix(): path for path in files}


def ads_deliveries(out: Path, rows: int, seed: int) -> dict[str, Path]:
    """Raw key -> local file of the ads_monitor_ngo Arrow files holding `rows` area-weeks."""
    estate = out / "estate"
    generate_estate(estate, seed=seed, scale=_TINY_SCALE, only=[ADS_SOURCE], ads_rows=rows)
    files = sorted(estate.glob(f"{ADS_SOURCE}/{ADS_CONTRIBUTOR}__*/*.arrow"))
    return {path.relative_to(estate).as_posix(): path for path in files}


def parquet_key(csv_key: str, contributor: str) -> str:
    delivery = csv_key.split("/")[1].replace(f"{CSV_CONTRIBUTOR}__", f"{contributor}__")
    return f"{SOURCE}/{delivery}/screenings.parquet"


def as_parquet(csv_files: dict[str, Path], out: Path, contributor: str) -> dict[str, Path]:
    """The CSV deliveries as typed Parquet under `contributor`, one object per delivery."""
    converted = {}
    connection = duckdb.connect()
    for key, path in csv_files.items():
        target = out / parquet_key(key, contributor)
        target.parent.mkdir(parents=True, exist_ok=True)
        connection.execute(
            f"""
            COPY (
                SELECT * REPLACE (
                    CAST(try_strptime(screened_on, '%Y-%m-%d') AS DATE) AS screened_on,
                    CAST(try_strptime(youth_dob, '%Y-%m-%d') AS DATE) AS youth_dob
                )
                FROM read_csv('{path}', all_varchar = true)
                WHERE try_strptime(screened_on, '%Y-%m-%d') IS NOT NULL
            ) TO '{target}' (FORMAT parquet, COMPRESSION zstd)
            """
        )
        converted[parquet_key(key, contributor)] = target
    connection.close()
    return converted


def incremental_delivery(csv_files: dict[str, Path], out: Path, rows: int) -> dict[str, Path]:
    """One new month of `rows` screenings, as CSV (key -> file); new ids, so none repeats."""
    first_key, first_path = next(iter(csv_files.items()))
    month = first_key.split("__")[1].split("/")[0]
    frame = pl.read_csv(first_path, n_rows=rows, infer_schema=False)
    frame = frame.with_columns(
        pl.col("screening_id").str.replace(
            f"-{month.replace('-', '')}-", f"-{INCREMENTAL_MONTH.replace('-', '')}-", literal=True
        )
    )
    key = f"{SOURCE}/{CSV_CONTRIBUTOR}__{INCREMENTAL_MONTH}/screenings.csv"
    target = out / key
    target.parent.mkdir(parents=True, exist_ok=True)
    frame.write_csv(target)
    return {key: target}


def total_bytes(files: dict[str, Path]) -> int:
    return sum(path.stat().st_size for path in files.values())


def remove(out: Path) -> None:
    shutil.rmtree(out, ignore_errors=True)
