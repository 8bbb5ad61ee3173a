"""The data trust's assets: the suppressed gold analytic marts (one per mart declared in
orchestration/trust/marts.yml) and an asset per extract a live agreement approves (each role
and purpose it allows), made in one step.

Loading validates the whole of orchestration/trust/: a declaration error stops the code
location with every problem listed, rather than letting data leave on a wrong declaration.
"""

from datetime import date

import dagster as dg

from orchestration.transform.definitions import WAREHOUSE_POOL
from orchestration.trust.assets import build_extracts_asset, build_suppressed_mart_asset
from orchestration.trust.extracts import Companion
from orchestration.trust.governance import load_governance


def definitions(companion: Companion | None = None) -> dg.Definitions:
    """`companion` goes with every published-tier extract (see extracts.make_extract)."""
    governance = load_governance()
    marts = [
        build_suppressed_mart_asset(mart, WAREHOUSE_POOL) for mart in governance.suppressed_marts
    ]
    today = date.today()
    approved = [
        (agreement, role, purpose)
        for agreement in governance.agreements.values()
        if agreement.is_live(today)
        for role in agreement.roles
        if governance.marts_allowed(agreement, role)
        for purpose in agreement.purposes
    ]
    extracts = (
        [build_extracts_asset(governance, approved, WAREHOUSE_POOL, companion)] if approved else []
    )
    return dg.Definitions(assets=[*marts, *extracts])
