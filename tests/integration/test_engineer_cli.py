"""`hub upload` and `hub contributor keys` on the session's real object store: a delivery goes up
with its contributor's own keys, and the store's policy, not only the command's checks, keeps
a contributor inside its declared data sets."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from orchestration.engineering import tools as engineer_tools
from orchestration.engineering.tools import ContributorKeys
from orchestration.platform.lake_layout import RawObject
from orchestration.platform.objectstore import Identity
from orchestration.platform.settings import ObjectStore
from orchestration.trust.governance import load_governance
from orchestration.trust.identities import contributor_actions, contributor_keys

pytestmark = pytest.mark.integration

HUB = str(Path(sys.executable).parent / "hub")
CONTRIBUTOR = "tx_dfps"  # declared for screenings only


@pytest.fixture(scope="module")
def tx_dfps_keys(object_store, module_hub_env) -> ContributorKeys:
    """The session's store, made to know tx_dfps as the hub declares it, on this module's raw
    bucket: loaded into the running server, as `hub contributor keys` does. The identity stays
    until the session's store stops; it reaches nothing but this module's bucket."""
    keys = ContributorKeys(
        CONTRIBUTOR,
        contributor_keys(CONTRIBUTOR),
        f"test-{CONTRIBUTOR}-{secrets.token_hex(4)}",
        secrets.token_hex(20),
        None,
        False,
    )
    actions = contributor_actions(load_governance(), CONTRIBUTOR, module_hub_env.raw_bucket)
    object_store.identities.append(
        Identity(f"contributor_{CONTRIBUTOR}", keys.access_key_id, keys.secret_access_key, actions)
    )
    loaded = engineer_tools.load_into_embedded_store(object_store, keys, module_hub_env.store)
    assert loaded == "loaded"
    assert engineer_tools.load_into_embedded_store(object_store, keys, module_hub_env.store) == (
        "known"
    )
    return keys


def hub(*arguments: str, environment: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [HUB, *arguments],
        env={**os.environ, **environment},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_an_upload_lands_under_the_contributors_prefix_byte_for_byte(
    tx_dfps_keys, module_hub_env, tmp_path
):
    delivery = tmp_path / "June screenings.csv"
    # several parts' worth, so the upload streams rather than sending one body
    delivery.write_bytes(b"screening_id,screened_on\n" + os.urandom(3 * 1024 * 1024))
    completed = hub(
        "upload",
        str(delivery),
        "--data-set",
        "screenings",
        "--contributor",
        CONTRIBUTOR,
        environment=dict(
            zip(
                tx_dfps_keys.variables,
                (tx_dfps_keys.access_key_id, tx_dfps_keys.secret_access_key),
                strict=True,
            )
        ),
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    key = f"screenings/{CONTRIBUTOR}__{date.today().isoformat()}/June screenings.csv"
    assert key in completed.stdout
    assert "hub materialize --data-set screenings" in completed.stdout
    landed = module_hub_env.fs.cat_file(f"{module_hub_env.raw_bucket}/{key}")
    assert landed == delivery.read_bytes()


def test_the_store_refuses_a_contributor_outside_its_declared_data_sets(
    tx_dfps_keys, module_hub_env, tmp_path
):
    delivery = tmp_path / "hotline.csv"
    delivery.write_bytes(b"state,calls\nTX,12\n")
    as_tx_dfps = engineer_tools.store_with_keys(module_hub_env.store, tx_dfps_keys)
    # The command's own checks would refuse these; sent anyway, the store refuses them.
    for forged in (
        RawObject("hotline", f"{CONTRIBUTOR}__2024", "hotline.csv"),
        RawObject("screenings", "la_ocs__2024-06", "hotline.csv"),
    ):
        with pytest.raises(PermissionError):
            engineer_tools.upload_delivery(delivery, forged, as_tx_dfps, module_hub_env.raw_bucket)
        assert not module_hub_env.fs.exists(f"{module_hub_env.raw_bucket}/{forged.key}")
    assert engineer_tools.keys_accepted(as_tx_dfps) is True, "refused by policy, not unknown"
    unknown = ObjectStore(module_hub_env.store.endpoint_url, "nobody", "nothing")
    assert engineer_tools.keys_accepted(unknown) is False


def test_the_command_refuses_before_sending_and_says_why(module_hub_env, tmp_path):
    delivery = tmp_path / "hotline.csv"
    delivery.write_bytes(b"state,calls\nTX,12\n")
    completed = hub(
        "upload",
        str(delivery),
        "--data-set",
        "hotline",
        "--contributor",
        CONTRIBUTOR,
        environment={},
    )
    assert completed.returncode == 1
    assert "'tx_dfps' is not declared for data set 'hotline'" in " ".join(completed.stderr.split())


def test_contributor_keys_are_made_once_and_printed_to_export(module_hub_env, tmp_path):
    environment = {"HUB_HOME": str(tmp_path / "hub")}
    first = hub("contributor", "keys", CONTRIBUTOR, environment=environment)
    assert first.returncode == 0, first.stdout + first.stderr
    exports = first.stdout.splitlines()
    assert [line.split("=")[0] for line in exports] == [
        "export HUB_CONTRIBUTOR_TX_DFPS_ACCESS_KEY_ID",
        "export HUB_CONTRIBUTOR_TX_DFPS_SECRET_ACCESS_KEY",
    ]
    notes = " ".join(first.stderr.split())
    assert "for the embedded object store only, made now" in notes
    assert "object-store-keys.json (mode 0600)" in notes
    assert "hub objectstore start" in notes, "this hub's embedded store is not running"
    again = hub("contributor", "keys", CONTRIBUTOR, environment=environment)
    assert again.stdout.splitlines() == exports
    assert "made earlier" in again.stderr


def test_a_running_store_is_never_told_to_drop_or_change_an_identity(object_store, tx_dfps_keys):
    """SeaweedFS keeps an identity the reloaded file no longer names, so only additions are
    loaded while it runs; anything else waits for a restart, with the file left as it runs."""
    identities_file = object_store.data_dir / "s3-identities.json"
    running = identities_file.read_text()
    without_tx_dfps = [i for i in object_store.identities if i.name != f"contributor_{CONTRIBUTOR}"]
    rotated = [
        Identity(i.name, i.access_key_id, "rotated-secret", i.actions)
        for i in object_store.identities
    ]
    for identities in (without_tx_dfps, rotated):
        store = type(object_store)(object_store.data_dir, identities, object_store.ports)
        assert store.load_new_identities() is False
        assert identities_file.read_text() == running
    assert engineer_tools.keys_accepted(
        engineer_tools.store_with_keys(ObjectStore(object_store.endpoint_url, "", ""), tx_dfps_keys)
    )


def test_materialize_refuses_an_undeclared_data_set(module_hub_env):
    completed = hub("materialize", "--data-set", "trafficking", environment={})
    assert completed.returncode == 1
    said = " ".join(completed.stderr.split())
    assert "no data set 'trafficking' is declared; declared:" in said and "screenings" in said
