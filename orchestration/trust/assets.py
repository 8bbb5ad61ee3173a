"""The trust's asset types: a suppressed gold analytic mart and an approved extract."""

import os
from contextlib import AbstractContextManager, ExitStack, nullcontext
from pathlib import Path

import dagster as dg
import duckdb

from orchestration.platform.resources import LakeResource, WarehouseResource
from orchestration.platform.settings import REPO_ROOT
from orchestration.trust.analytics import (
    small_values_in_gold,
    write_suppressed_mart,
)
from orchestration.trust.extracts import Companion, ExtractError, make_extract
from orchestration.trust.governance import AccessRefused, Agreement, Governance, Mart
from orchestration.trust.suppression import configured_threshold

MARTS_FILE = "orchestration/trust/marts.yml"
SMALL_CELLS_CHECK = "no_small_cells"


def build_suppressed_mart_asset(mart: Mart, pool: str) -> dg.AssetsDefinition:
    """gold/<mart>: the intermediate counts, suppressed, as gold.<mart> and gold.<mart>_totals."""
    key = dg.AssetKey(["gold", mart.name])

    @dg.asset(
        key=key,
        group_name="gold",
        deps=[dg.AssetKey(["intermediate", mart.suppressed_from])],
        kinds={"duckdb", "parquet", "s3"},
        pool=pool,
        description=f"{mart.counts[0]} by {', '.join(mart.dimensions)}, with small cells and "
        "the cells and totals that would reveal them suppressed (null). Also "
        f"gold.{mart.totals_name}; exports/published_gold publishes both.",
        metadata={
            "declared_in": dg.MetadataValue.path(MARTS_FILE),
            "dimensions": dg.MetadataValue.json(list(mart.dimensions)),
            "partition_by": dg.MetadataValue.json(list(mart.partition_by)),
        },
        check_specs=[
            dg.AssetCheckSpec(
                SMALL_CELLS_CHECK,
                asset=key,
                blocking=True,
                description="No count from 1 to the threshold - 1 in the mart or its totals; "
                "nothing downstream (the lake's gold/, extracts) runs unless this passes.",
            )
        ],
    )
    def _mart(lake: LakeResource, warehouse: WarehouseResource):
        threshold = configured_threshold()
        with warehouse.connect(lake) as connection:
            outcome = write_suppressed_mart(connection, mart, threshold)
            small = small_values_in_gold(connection, mart, threshold)
        yield dg.MaterializeResult(
            metadata={
                "dagster/row_count": outcome.cells,
                "totals": outcome.totals,
                "primary_suppressions": outcome.primary,
                "complementary_suppressions": outcome.complementary,
                "totals_withheld": outcome.totals_withheld,
                "small_cell_threshold": threshold,
            }
        )
        yield dg.AssetCheckResult(
            check_name=SMALL_CELLS_CHECK,
            passed=not small,
            metadata={"small_values": dg.MetadataValue.json(small), "threshold": threshold},
        )

    return _mart


def build_extracts_asset(
    governance: Governance,
    approved: list[tuple[Agreement, str, str]],
    pool: str,
    companion: Companion | None = None,
) -> dg.AssetsDefinition:
    """extracts/<role>/<purpose> for each (agreement, role, purpose) approved: the package the
    agreement allows, remade on each run.

    One step makes every selected extract through one read-only connection to the warehouse,
    instead of a step per extract each opening it. An extract refused or failing does not stop
    the others: they are delivered, then the step fails naming it."""
    specs, requests = [], {}
    for agreement, role, purpose in approved:
        marts = governance.marts_allowed(agreement, role)
        key = dg.AssetKey(["extracts", role, purpose])
        requests[key] = (role, purpose)
        specs.append(
            dg.AssetSpec(
                key,
                group_name="extracts",
                # and the cross-tabulations whose totals decide the marts' declared sums
                deps=sorted(
                    {dg.AssetKey(["gold", mart.name]) for mart in marts}
                    | {dg.AssetKey(["gold", s.mart]) for mart in marts for s in mart.sums_of},
                    key=lambda key: key.path,
                ),
                kinds={"parquet", "duckdb", "s3"},
                description=f"The extract for role {role!r} and purpose {purpose!r} under "
                f"agreement {agreement.id!r} ({agreement.party}, to {agreement.expires_on}): "
                f"{', '.join(m.name for m in marts)}, suppressed, in "
                f"lake/extracts/{role}/{purpose}/.",
                metadata={
                    "agreement": agreement.id,
                    "expires_on": agreement.expires_on.isoformat(),
                    "tier": agreement.tier,
                    "data_sets": dg.MetadataValue.json(list(agreement.data_sets)),
                },
            )
        )

    @dg.multi_asset(name="extracts", specs=specs, can_subset=True, pool=pool)
    def _extracts(
        context: dg.AssetExecutionContext, lake: LakeResource, warehouse: WarehouseResource
    ):
        local_root = Path(os.environ.get("HUB_HOME", REPO_ROOT / ".hub")) / "extracts"
        fs, threshold = lake.filesystem(), configured_threshold()
        failed: list[str] = []
        with ExitStack() as stack:
            opened: list[duckdb.DuckDBPyConnection] = []

            def shared_connection() -> AbstractContextManager[duckdb.DuckDBPyConnection]:
                # opened once access is first granted, closed when the step ends
                if not opened:
                    opened.append(stack.enter_context(warehouse.connect(lake, read_only=True)))
                return nullcontext(opened[0])

            for key in sorted(context.selected_asset_keys):
                role, purpose = requests[key]
                try:
                    package = make_extract(
                        governance,
                        role,
                        purpose,
                        shared_connection,
                        fs,
                        lake.lake_bucket,
                        local_root,
                        threshold,
                        context={"dagster_run_id": context.run_id},
                        companion=companion,
                    )
                except AccessRefused as refusal:
                    failed.append(f"{role}/{purpose}: refused (audited): {refusal}")
                    continue
                except ExtractError as error:
                    failed.append(f"{role}/{purpose}: {error}")
                    continue
                yield dg.MaterializeResult(
                    asset_key=key,
                    metadata={
                        "location": package.lake_location,
                        "local_directory": dg.MetadataValue.path(str(package.local_directory)),
                        "tables": dg.MetadataValue.json(package.tables),
                        "suppressed_cells": dg.MetadataValue.json(package.suppressed_cells),
                        "contributors": dg.MetadataValue.json(package.contributors),
                        "audit_entry": package.audit_sequence,
                    },
                )
        if failed:
            raise dg.Failure(
                description=f"{len(failed)} extract(s) not delivered: " + "; ".join(failed)
            )

    return _extracts
