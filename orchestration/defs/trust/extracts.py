"""An asset per extract a live agreement approves (each role and purpose it allows), made in
one step."""

from datetime import date

import dagster as dg

from orchestration.defs.transform.dbt import WAREHOUSE_POOL
from orchestration.lib.trust.assets import build_extracts_asset
from orchestration.lib.trust.governance import load_governance


@dg.definitions
def extracts() -> dg.Definitions:
    governance = load_governance()
    today = date.today()
    approved = [
        (agreement, role, purpose)
        for agreement in governance.agreements.values()
        if agreement.is_live(today)
        for role in agreement.roles
        if governance.marts_allowed(agreement, role)
        for purpose in agreement.purposes
    ]
    if not approved:
        return dg.Definitions()
    return dg.Definitions(assets=[build_extracts_asset(governance, approved, WAREHOUSE_POOL)])
