"""The explorer tests' facts (explorer_samples.py) as fixtures, and a headless Chromium to open
the sites built from them."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from explorer_samples import hostile_hub, small_hub

from orchestration.publishing.explorer.facts import ExplorerFacts

CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture
def facts() -> ExplorerFacts:
    return small_hub()


@pytest.fixture
def hostile_facts() -> ExplorerFacts:
    return hostile_hub()


@pytest.fixture(scope="session")
def chromium_path() -> Path:
    if not CHROMIUM.exists() and shutil.which("chromium") is None:
        pytest.skip(
            "chromium not found (looked at /usr/bin/chromium and on PATH); on Debian run "
            "infra/install_chromium.sh as root to install it and run the explorer's browser tests"
        )
    return CHROMIUM if CHROMIUM.exists() else Path(shutil.which("chromium"))


@pytest.fixture(scope="session")
def browser(chromium_path) -> Iterator:
    """Headless Chromium driven by Playwright, with its network limited to the file system."""
    sync_api = pytest.importorskip(
        "playwright.sync_api",
        reason="the playwright package (a dev dependency) is not installed: `uv sync`",
    )
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(chromium_path),
            args=["--no-sandbox", "--disable-background-networking", "--disable-component-update"],
        )
        yield launched
        launched.close()
