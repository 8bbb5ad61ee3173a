from __future__ import annotations

from pathlib import Path

import pytest

from infra.demo.generate import generate_estate
from infra.demo.manifest import EstateManifest


@pytest.fixture(scope="session")
def estate_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("estate")
    generate_estate(out, seed=2026)
    return out


@pytest.fixture(scope="session")
def manifest(estate_dir: Path) -> EstateManifest:
    return EstateManifest.read(estate_dir)
