"""The hub's Dagster code location: the definitions of each concern, merged.

landing      the bronze asset of every declared data set
transform    the dbt project: staging, silver and gold models
publishing   the published gold, the coverage heat map and the evidence explorer
trust        the suppressed analytic marts and the approved extracts
automation   the full refresh job, its schedule, the sensors, the executor
platform     the resources: the lake, the warehouse, the raw bucket
"""

import dagster as dg

from orchestration.automation import definitions as automation
from orchestration.landing import definitions as landing
from orchestration.platform import definitions as platform
from orchestration.publishing import definitions as publishing
from orchestration.publishing.explorer import build_for_extract
from orchestration.transform import definitions as transform
from orchestration.trust import definitions as trust


@dg.definitions
def defs() -> dg.Definitions:
    return dg.Definitions.merge(
        landing.definitions(),
        transform.definitions(),
        publishing.definitions(),
        # a published-tier extract carries the evidence explorer of what it holds
        trust.definitions(companion=build_for_extract),
        automation.definitions(),
        platform.definitions(),
    )
