"""No secret is in the repository: local keys are made per hub, private; elsewhere they must be
set, and the hub's state is its owner's alone."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from orchestration.platform.settings import (
    DEVELOPMENT_KEYS_FILE,
    PIPELINE_KEYS,
    REPO_ROOT,
    ObjectStore,
    SettingsError,
    apply_development_defaults,
)

HUB_VARIABLES = [
    "HUB_HOME",
    "HUB_S3_ENDPOINT",
    "HUB_S3_REGION",
    "HUB_RAW_BUCKET",
    "HUB_LAKE_BUCKET",
    "HUB_WAREHOUSE_PATH",
    "DAGSTER_HOME",
    "HUB_PSEUDONYM_KEY",
    *PIPELINE_KEYS,
]


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def bare(monkeypatch):
    """An environment with none of the hub's variables set."""
    for name in HUB_VARIABLES:
        monkeypatch.delenv(name, raising=False)


def test_the_embedded_stores_pipeline_keys_are_made_per_hub_and_kept_private(bare, tmp_path):
    first, second = tmp_path / "one", tmp_path / "two"
    apply_development_defaults(first)
    keys = (os.environ[PIPELINE_KEYS[0]], os.environ[PIPELINE_KEYS[1]])
    for name in PIPELINE_KEYS:
        os.environ.pop(name)
    apply_development_defaults(first)
    assert (os.environ[PIPELINE_KEYS[0]], os.environ[PIPELINE_KEYS[1]]) == keys
    for name in PIPELINE_KEYS:
        os.environ.pop(name)
    os.environ["HUB_HOME"] = str(second)
    apply_development_defaults(second)

    assert os.environ[PIPELINE_KEYS[1]] != keys[1]
    assert len(keys[1]) >= 40
    assert mode(first / DEVELOPMENT_KEYS_FILE) == 0o600


def test_the_repository_holds_no_default_secret():
    tracked = subprocess.run(
        ["git", "ls-files", "orchestration", "infra", "adapters", "expectations"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    offending = [
        name
        for name in tracked
        if name.endswith(".py")
        and any(
            marker in (REPO_ROOT / name).read_text()
            for marker in ("change-me", 'SECRET_ACCESS_KEY = "', "DEV_SECRET")
        )
    ]
    assert offending == []


def test_a_store_elsewhere_gets_no_made_up_keys_and_half_a_pair_is_refused(bare, tmp_path):
    os.environ["HUB_S3_ENDPOINT"] = "https://s3.example.org"
    apply_development_defaults(tmp_path)

    # no keys: the AWS credential chain (instance role, SSO, web identity), never local ones
    assert PIPELINE_KEYS[0] not in os.environ
    assert ObjectStore.from_environment().uses_credential_chain
    os.environ[PIPELINE_KEYS[0]] = "AKIAEXAMPLE"
    with pytest.raises(SettingsError, match="only one of HUB_S3_ACCESS_KEY_ID"):
        ObjectStore.from_environment()


def test_the_cli_says_in_one_line_what_is_missing_and_keeps_its_state_private(tmp_path):
    environment = {k: v for k, v in os.environ.items() if k not in HUB_VARIABLES}
    home = tmp_path / "hub"
    home.mkdir(mode=0o755)
    hub = [sys.executable, "-m", "orchestration.cli", "objectstore", "status"]

    elsewhere = subprocess.run(
        hub,
        env={**environment, "HUB_HOME": str(home), "HUB_S3_ENDPOINT": "https://s3.example.org"},
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
    )
    assert elsewhere.returncode == 1
    assert "HUB_PSEUDONYM_KEY is not set" in elsewhere.stderr and not elsewhere.stdout
    assert "Traceback" not in elsewhere.stdout + elsewhere.stderr

    local = subprocess.run(
        hub,
        env={**environment, "HUB_HOME": str(home)},
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
    )
    assert "Traceback" not in local.stdout + local.stderr
    assert mode(home) == 0o700
    for name in ("pseudonym.key", DEVELOPMENT_KEYS_FILE):
        assert mode(home / name) == 0o600
