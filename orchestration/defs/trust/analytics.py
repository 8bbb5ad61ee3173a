"""The gold analytic marts, suppressed, one asset per mart declared in orchestration/trust/marts.yml.

Loading validates the whole of orchestration/trust/: a declaration error stops the code
location with every problem listed, rather than letting data leave on a wrong declaration.
"""

import dagster as dg

from orchestration.defs.transform.dbt import WAREHOUSE_POOL
from orchestration.lib.trust.assets import build_suppressed_mart_asset
from orchestration.lib.trust.governance import load_governance


@dg.definitions
def analytics() -> dg.Definitions:
    governance = load_governance()
    return dg.Definitions(
        assets=[
            build_suppressed_mart_asset(mart, WAREHOUSE_POOL)
            for mart in governance.suppressed_marts
        ]
    )
