"""Pseudonym key rotation is audited by fingerprint and refused when nothing changed."""

from __future__ import annotations

import json

import pytest

from orchestration.trust.audit import AuditLog
from orchestration.trust.keys import (
    KeyRotationError,
    key_fingerprint,
    record_key_rotation,
    rotate_key_file,
)


def test_a_local_key_is_replaced_and_the_rotation_audited_without_the_key(fs, tmp_path):
    key_file = tmp_path / "pseudonym.key"
    key_file.write_text("a" * 64)
    rotation = rotate_key_file(key_file, fs, "lake", "yearly rotation")
    new_key = key_file.read_text()
    assert new_key != "a" * 64 and len(new_key) == 64
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert rotation.previous_fingerprint == key_fingerprint("a" * 64)
    assert rotation.new_fingerprint == key_fingerprint(new_key)
    (text,) = [text for _, text in AuditLog(fs, "lake").entries()]
    assert new_key not in text and "a" * 64 not in text
    entry = json.loads(text)
    assert entry["action"] == "key_rotation"
    assert "hub materialize" in entry["details"]["to_rerun"]


def test_an_operator_rotation_is_refused_until_the_key_changed(fs):
    record_key_rotation("k" * 64, fs, "lake", "compromise suspected")
    with pytest.raises(KeyRotationError, match="still holds the key recorded"):
        record_key_rotation("k" * 64, fs, "lake", "again")
    second = record_key_rotation("n" * 64, fs, "lake", "new key in the vault")
    assert second.previous_fingerprint == key_fingerprint("k" * 64)
    assert AuditLog(fs, "lake").verify().entries == 2
