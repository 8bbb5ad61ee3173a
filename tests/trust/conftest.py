"""Fixtures of the trust tests that need no object store."""

from __future__ import annotations

from collections.abc import Iterator

import fsspec
import pytest

from orchestration.trust.audit import ANCHOR_KEY_VARIABLE, ANCHOR_VARIABLE


@pytest.fixture
def fs(tmp_path, monkeypatch) -> Iterator[fsspec.AbstractFileSystem]:
    """An empty in-memory filesystem, with the audit anchor in this test's own HUB_HOME:
    the memory store is one per process, so an anchor shared between tests would see each
    test's fresh log as a rewritten one."""
    monkeypatch.setenv("HUB_HOME", str(tmp_path))
    for name in (ANCHOR_VARIABLE, ANCHOR_KEY_VARIABLE):
        monkeypatch.delenv(name, raising=False)
    memory = fsspec.filesystem("memory")
    memory.store.clear()
    memory.pseudo_dirs.clear()
    memory.pseudo_dirs.append("")
    yield memory
    memory.store.clear()
