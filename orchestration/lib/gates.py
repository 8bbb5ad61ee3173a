"""The gates a bronze candidate passes before it is published: a GE suite and a pandera model.

Landing parses a delivery into a local Parquet candidate; the gates decide whether it may
replace what bronze holds. The GE suite runs as SQL in DuckDB over the table bronze would
become (the released objects plus the candidate), so rules across deliveries, such as unique
ids, hold; the pandera model checks the adapter's output frame, the candidate alone. A failed
gate holds the delivery back, the previous bronze stays, and the asset's blocking checks fail
so nothing downstream runs on it. A data set without a suite or model has no such gate.
"""

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import dagster as dg
import polars as pl

from expectations import registry
from expectations.gate_result import GateResult
from orchestration.lib import lake_layout
from orchestration.lib.lake_layout import RawObject
from orchestration.lib.landing import Gate, GateVerdict, LandingReport
from orchestration.lib.resources import LakeResource, open_duckdb
from orchestration.lib.source_specs import SourceSpec

GE_CHECK = "great_expectations_suite"
PANDERA_CHECK = "pandera_schema"


@dataclass(frozen=True)
class BronzeGates:
    """The gates declared for one data set in expectations/bronze/<data set>.py.

    Only which gates exist is known when the code location loads; the suite and the model
    are imported when a landing runs them.
    """

    spec: SourceSpec
    check_names: tuple[str, ...]

    def check_specs(self) -> list[dg.AssetCheckSpec]:
        descriptions = {
            GE_CHECK: f"The GE suite in expectations/bronze/{self.spec.name}.py, run as SQL in "
            "DuckDB over the released bronze plus each new delivery.",
            PANDERA_CHECK: f"The pandera model in expectations/bronze/{self.spec.name}.py, run "
            "on each new delivery as the adapter read it.",
        }
        return [
            dg.AssetCheckSpec(
                name, asset=self.spec.asset_key, blocking=True, description=descriptions[name]
            )
            for name in self.check_names
        ]

    def gate(self, lake: LakeResource) -> Gate:
        from expectations.pandera_gate import validate_frame

        suite = registry.suite_for("bronze", self.spec.name)
        model = registry.pandera_model_for("bronze", self.spec.name)

        def verdict(raw: RawObject, candidate: Path) -> GateVerdict:
            results = {}
            if suite is not None:
                results[GE_CHECK] = self._great_expectations(lake, raw, candidate, suite)
            if model is not None:
                results[PANDERA_CHECK] = validate_frame(pl.scan_parquet(candidate), model)
            return GateVerdict(
                passed=all(result.success for result in results.values()),
                results={name: result.as_metadata() for name, result in results.items()},
            )

        return verdict

    def _great_expectations(
        self, lake: LakeResource, raw: RawObject, candidate: Path, suite: list
    ) -> GateResult:
        from expectations.gx_duckdb import validate_relation

        fs = lake.filesystem()
        replaced = f"{lake.lake_bucket}/{lake_layout.bronze_key(raw)}"
        released = [
            f"s3://{key}"
            for key in fs.glob(f"{lake.lake_bucket}/{lake_layout.bronze_glob(self.spec.name)}")
            if key != replaced
        ]
        files = ", ".join(f"'{path}'" for path in [*released, str(candidate)])
        setup = [
            lake.object_store.duckdb_secret_sql(),
            "CREATE OR REPLACE VIEW bronze AS SELECT * FROM "
            f"read_parquet([{files}], union_by_name = true)",
        ]
        return validate_relation(lambda: open_duckdb(":memory:"), "bronze", suite, setup_sql=setup)

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


def gates_for(spec: SourceSpec) -> BronzeGates | None:
    declared = registry.declared_gates("bronze", spec.name)
    names = tuple(
        name
        for name, defined_by in ((GE_CHECK, "gx_suite"), (PANDERA_CHECK, "PanderaModel"))
        if defined_by in declared
    )
    return BronzeGates(spec, names) if names else None


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
