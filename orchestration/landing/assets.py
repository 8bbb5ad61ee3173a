"""The bronze asset type: one asset per declared data set, with its gates as asset checks."""

from datetime import UTC, datetime, timedelta

import dagster as dg

from orchestration.landing.cadence import days_overdue
from orchestration.landing.gates import gates_for
from orchestration.landing.landing import LandingReport, land_source
from orchestration.platform.declarations import SourceSpec
from orchestration.platform.resources import LakeResource

# Object-store hiccups (a dropped connection, a 503) are worth a retry; bad data is not, and
# is reported in the landing report instead of raised.
OBJECT_STORE_RETRY = dg.RetryPolicy(max_retries=2, delay=5, backoff=dg.Backoff.EXPONENTIAL)


def build_bronze_asset(spec: SourceSpec) -> dg.AssetsDefinition:
    """Land a data set's raw deliveries as bronze Parquet; report what landed and what not."""
    gates = gates_for(spec)

    @dg.asset(
        key=spec.asset_key,
        group_name="bronze",
        description=f"{spec.title}: every contributor delivery landed as Parquet. "
        f"{spec.description}".strip(),
        kinds={"parquet", "s3"},
        metadata={
            "declared_in": dg.MetadataValue.path(str(spec.declared_in)),
            "contributors": dg.MetadataValue.json(
                {
                    c.contributor: {"format": c.format, "files": c.files}
                    for c in spec.contributors.values()
                }
            ),
            "cadence_days": spec.cadence_days,
        },
        freshness_policy=dg.FreshnessPolicy.time_window(
            fail_window=timedelta(days=2 * spec.cadence_days),
            warn_window=timedelta(days=spec.cadence_days),
        ),
        retry_policy=OBJECT_STORE_RETRY,
        check_specs=[
            dg.AssetCheckSpec(
                "deliveries_parsed",
                asset=spec.asset_key,
                description="Every raw delivery of this data set could be read; a delivery "
                "that could not is not in bronze and its previous version stays.",
            ),
            dg.AssetCheckSpec(
                "deliveries_on_cadence",
                asset=spec.asset_key,
                description=f"A new delivery has landed within the declared cadence "
                f"({spec.cadence_days} days); failing means contributors have gone quiet.",
            ),
            *gates.check_specs(),
        ],
    )
    def _bronze(context: dg.AssetExecutionContext, lake: LakeResource):
        report = land_source(
            spec,
            lake.filesystem(),
            lake.raw_bucket,
            lake.lake_bucket,
            gate=gates.gate(lake),
        )
        for outcome in report.failed:
            context.log.error(outcome.error)
        for outcome in report.held:
            context.log.error(f"{outcome.raw_key} failed the gates and was held back")
        for warning in report.warnings:
            context.log.warning(warning)
        yield dg.MaterializeResult(metadata=landing_metadata(report))
        yield dg.AssetCheckResult(
            check_name="deliveries_parsed",
            passed=not report.failed,
            severity=dg.AssetCheckSeverity.WARN,
            metadata={
                "failed_deliveries": dg.MetadataValue.json(
                    [{"raw_key": o.raw_key, "error": o.error} for o in report.failed]
                ),
            },
        )
        overdue = days_overdue(report.newest_landed_at, spec.cadence_days, datetime.now(UTC))
        yield dg.AssetCheckResult(
            check_name="deliveries_on_cadence",
            passed=overdue == 0,
            severity=dg.AssetCheckSeverity.WARN,
            metadata={
                "newest_delivery_landed_at": report.newest_landed_at or "never",
                "cadence_days": spec.cadence_days,
                "days_overdue": overdue if overdue is not None else "nothing landed yet",
            },
        )
        yield from gates.check_results(report)

    return _bronze


def landing_metadata(report: LandingReport) -> dict:
    """What a steward sees on the bronze asset after each landing."""
    in_bronze = [o for o in report.outcomes if o.status in ("landed", "unchanged")]
    columns = sorted({c for o in in_bronze for c in o.columns})
    return {
        "dagster/row_count": report.rows_in_bronze,
        "rows_landed": report.rows_in_bronze,
        "rows_quarantined": report.rows_rejected,
        "deliveries_landed_now": len(report.landed_now),
        "deliveries_unchanged": sum(o.status == "unchanged" for o in report.outcomes),
        "deliveries_failed": len(report.failed),
        "deliveries_held_by_gates": len(report.held),
        "deliveries_removed": len(report.removed),
        "top_quarantine_reasons": dg.MetadataValue.json(report.top_rejection_reasons()),
        "warnings": dg.MetadataValue.json(report.warnings),
        "detected_columns": dg.MetadataValue.json(columns),
        "deliveries": dg.MetadataValue.md(_deliveries_table(report)),
    }


def _deliveries_table(report: LandingReport) -> str:
    lines = [
        "| raw object | status | rows | quarantined | sha256 |",
        "|---|---|---:|---:|---|",
    ]
    for o in report.outcomes:
        lines.append(f"| {o.raw_key} | {o.status} | {o.rows} | {o.rejected} | {o.sha256[:12]} |")
    return "\n".join(lines)
