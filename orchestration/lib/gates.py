"""Blocking asset checks that gate a bronze table: a pandera model and a GE suite.

Both run where the data is. The GE suite is pushed down to DuckDB as SQL over the bronze
Parquet objects on the object store; the pandera model runs on a lazy Polars scan of the same
objects. A data set without a suite or model in expectations/ simply gets no such gate.
"""

from __future__ import annotations

import dagster as dg
import polars as pl
from expectations.gx_duckdb import validate_relation
from expectations.pandera_gate import validate_frame

from expectations import registry
from orchestration.lib import lake_layout
from orchestration.lib.resources import LakeResource, open_duckdb
from orchestration.lib.source_specs import SourceSpec


def build_bronze_gates(spec: SourceSpec) -> list[dg.AssetChecksDefinition]:
    checks = []
    suite = registry.suite_for("bronze", spec.name)
    if suite is not None:
        checks.append(_great_expectations_check(spec, suite))
    model = registry.pandera_model_for("bronze", spec.name)
    if model is not None:
        checks.append(_pandera_check(spec, model))
    return checks


def _great_expectations_check(spec: SourceSpec, suite) -> dg.AssetChecksDefinition:
    @dg.asset_check(
        asset=spec.asset_key,
        name="great_expectations_suite",
        blocking=True,
        description=f"The GE suite expectations/bronze/{spec.name}.py, run as SQL in DuckDB.",
    )
    def _check(lake: LakeResource) -> dg.AssetCheckResult:
        location = lake.bronze_uri(lake_layout.bronze_glob(spec.name))
        setup = [
            lake.object_store.duckdb_secret_sql(),
            "CREATE OR REPLACE VIEW bronze AS SELECT * FROM "
            f"read_parquet('{location}', union_by_name = true)",
        ]
        result = validate_relation(
            lambda: open_duckdb(":memory:"), setup_sql=setup, relation="bronze", suite=suite
        )
        return _check_result(result)

    return _check


def _pandera_check(spec: SourceSpec, model) -> dg.AssetChecksDefinition:
    @dg.asset_check(
        asset=spec.asset_key,
        name="pandera_schema",
        blocking=True,
        description=f"The pandera model in expectations/bronze/{spec.name}.py.",
    )
    def _check(lake: LakeResource) -> dg.AssetCheckResult:
        frame = pl.scan_parquet(
            lake.bronze_uri(lake_layout.bronze_glob(spec.name)),
            storage_options=_polars_storage_options(lake),
            missing_columns="insert",
            extra_columns="ignore",
        )
        return _check_result(validate_frame(frame, model))

    return _check


def _check_result(result) -> dg.AssetCheckResult:
    failures = [item for item in result.results if not item["success"]]
    return dg.AssetCheckResult(
        passed=result.success,
        metadata={
            "checks_run": len(result.results),
            "checks_failed": len(failures),
            "results": dg.MetadataValue.json(result.results),
        },
    )


def _polars_storage_options(lake: LakeResource) -> dict[str, str]:
    store = lake.object_store
    options = {
        "aws_access_key_id": store.access_key_id,
        "aws_secret_access_key": store.secret_access_key,
        "aws_region": store.region,
    }
    if store.endpoint_url:
        options["aws_endpoint_url"] = store.endpoint_url
        options["aws_allow_http"] = str(not store.uses_ssl).lower()
    return options
