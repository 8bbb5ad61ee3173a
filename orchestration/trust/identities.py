"""Least-privilege object-store identities, derived from the trust's declarations.

  pipeline     reads and lists raw; reads, writes and lists the lake; cannot change raw,
               except the prefixes of contributors that deliver through an API, whose daily
               snapshots it writes into raw on their behalf; appends to the audit bucket,
               whose Object Lock keeps every entry as first written (trust/audit.py)
  contributor  writes (and reads back) raw/<data set>/<contributor>__* for its declared data
               sets; sees nothing else, not even the listing of the raw bucket
  role         reads and lists the lake prefixes its role declares (lake_read: [gold/])
  admin        creates the buckets; used by `hub objectstore start` only

Keys come from the environment only: HUB_S3_ACCESS_KEY_ID / HUB_S3_SECRET_ACCESS_KEY for the
pipeline, HUB_S3_ADMIN_*, HUB_CONTRIBUTOR_<ID>_* and HUB_ROLE_<ROLE>_* (ACCESS_KEY_ID and
SECRET_ACCESS_KEY). An identity whose keys are not set is not created, so it cannot log in.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from adapters.registry import API_FORMAT
from orchestration.platform.declarations import SourceSpec
from orchestration.platform.lake_layout import DELIVERY_SEPARATOR
from orchestration.platform.objectstore import Identity, bucket_action
from orchestration.platform.settings import PIPELINE_KEYS, development_secrets
from orchestration.trust.audit import audit_bucket
from orchestration.trust.governance import Governance

ADMIN_KEYS = ("HUB_S3_ADMIN_ACCESS_KEY_ID", "HUB_S3_ADMIN_SECRET_ACCESS_KEY")


def contributor_keys(contributor: str) -> tuple[str, str]:
    prefix = f"HUB_CONTRIBUTOR_{contributor.upper()}"
    return f"{prefix}_ACCESS_KEY_ID", f"{prefix}_SECRET_ACCESS_KEY"


def role_keys(role: str) -> tuple[str, str]:
    prefix = f"HUB_ROLE_{role.upper()}"
    return f"{prefix}_ACCESS_KEY_ID", f"{prefix}_SECRET_ACCESS_KEY"


def contributor_prefixes(governance: Governance, contributor: str) -> list[str]:
    """The raw prefixes (inside the raw bucket) a contributor may write."""
    return [
        f"{data_set}/{contributor}{DELIVERY_SEPARATOR}"
        for data_set in governance.contributors[contributor].data_sets
    ]


def pipeline_actions(
    raw_bucket: str,
    lake_bucket: str,
    api_prefixes: Sequence[str] = (),
    audit_bucket_name: str | None = None,
) -> list[str]:
    """`audit_bucket_name` defaults to the lake's (`audit_bucket`). SeaweedFS's Write there also
    allows overwrite and delete requests: the bucket's Object Lock turns them into later
    versions and delete markers, which leave every entry's first version in place."""
    audit = audit_bucket_name or audit_bucket(lake_bucket)
    return [
        bucket_action("Read", raw_bucket),
        bucket_action("List", raw_bucket),
        bucket_action("Read", lake_bucket),
        bucket_action("Write", lake_bucket),
        bucket_action("List", lake_bucket),
        *(bucket_action("Write", raw_bucket, prefix) for prefix in api_prefixes),
        *(bucket_action(verb, audit) for verb in ("Read", "Write", "List")),
    ]


def api_prefixes(specs: Iterable[SourceSpec]) -> list[str]:
    """The raw prefixes of contributors whose deliveries the pipeline pulls from an API."""
    return sorted(
        f"{spec.name}/{feed.contributor}{DELIVERY_SEPARATOR}"
        for spec in specs
        for feed in spec.contributors.values()
        if feed.format == API_FORMAT
    )


def contributor_actions(governance: Governance, contributor: str, raw_bucket: str) -> list[str]:
    return [
        bucket_action(verb, raw_bucket, prefix)
        for prefix in contributor_prefixes(governance, contributor)
        for verb in ("Write", "Read", "List")
    ]


def role_actions(governance: Governance, role: str, lake_bucket: str) -> list[str]:
    return [
        bucket_action(verb, lake_bucket, prefix)
        for prefix in governance.roles[role].lake_read
        for verb in ("Read", "List")
    ]


def object_store_identities(
    governance: Governance,
    raw_bucket: str,
    lake_bucket: str,
    environment: Mapping[str, str] | None = None,
    specs: Iterable[SourceSpec] = (),
) -> list[Identity]:
    """Every identity whose keys the environment holds, each with only what it needs.

    `specs` (the dbt source declarations) name the contributors the pipeline pulls from an API.
    """
    environment = os.environ if environment is None else environment

    def keys(names: tuple[str, str]) -> tuple[str, str] | None:
        values = (environment.get(names[0], ""), environment.get(names[1], ""))
        return values if all(values) else None

    pipeline = keys(PIPELINE_KEYS)
    if pipeline is None:
        raise RuntimeError(
            f"{PIPELINE_KEYS[0]} and {PIPELINE_KEYS[1]} must be set for the pipeline's identity"
        )
    actions = pipeline_actions(raw_bucket, lake_bucket, api_prefixes(specs))
    identities = [Identity("hub_pipeline", *pipeline, actions)]
    if admin := keys(ADMIN_KEYS):
        identities.append(Identity("hub_admin", *admin, ["Admin"]))
    for contributor in sorted(governance.contributors):
        if found := keys(contributor_keys(contributor)):
            actions = contributor_actions(governance, contributor, raw_bucket)
            identities.append(Identity(f"contributor_{contributor}", *found, actions))
    for role in sorted(governance.roles):
        if governance.roles[role].lake_read and (found := keys(role_keys(role))):
            actions = role_actions(governance, role, lake_bucket)
            identities.append(Identity(f"role_{role}", *found, actions))
    return identities


def development_keys(governance: Governance, home: Path) -> dict[str, str]:
    """Local keys for every identity but the pipeline's (settings makes that one), made once
    under `home` (mode 0600).

    For the embedded object store only; a deployment sets the variables from its secret store.
    """
    wanted = [ADMIN_KEYS]
    wanted += [contributor_keys(c) for c in sorted(governance.contributors)]
    wanted += [role_keys(r) for r in sorted(governance.roles) if governance.roles[r].lake_read]
    stored = development_secrets(home, wanted)
    return {name: stored[name] for pair in wanted for name in pair}
