"""One asset per extract a live agreement approves: each (role, purpose) it allows."""

from datetime import date

import dagster as dg

from orchestration.defs.transform.dbt import WAREHOUSE_POOL
from orchestration.lib.trust.assets import build_extract_asset
from orchestration.lib.trust.governance import load_governance


@dg.definitions
def extracts() -> dg.Definitions:
    governance = load_governance()
    today = date.today()
    return dg.Definitions(
        assets=[
            build_extract_asset(governance, agreement, role, purpose, WAREHOUSE_POOL)
            for agreement in governance.agreements.values()
            if agreement.is_live(today)
            for role in agreement.roles
            if governance.marts_allowed(agreement, role)
            for purpose in agreement.purposes
        ]
    )
