"""Rotation of the pseudonym key, recorded in the audit log.

Every pseudonym in silver (person_key, case_key, defendant_key, record_key) is an HMAC under
the key, so after a rotation silver, gold and the extracts must all be rebuilt; pseudonyms made
under the old key cannot be linked to new ones. The log records fingerprints, never keys: a
fingerprint is a keyed hash of a fixed label, so it identifies a key without revealing it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from orchestration.platform.pseudonyms import KEY_VARIABLE, MIN_KEY_BYTES
from orchestration.trust.audit import AuditLog

RERUN = (
    "every silver table holds pseudonyms made under the old key: run `hub materialize` "
    "(the full_refresh job) to rebuild silver, gold and the extracts; extracts delivered before "
    "the rotation cannot be linked to pseudonyms made after it"
)


class KeyRotationError(RuntimeError):
    pass


@dataclass(frozen=True)
class Rotation:
    previous_fingerprint: str
    new_fingerprint: str
    key_file: Path | None
    audit_sequence: int


def key_fingerprint(key: str | bytes) -> str:
    raw = key.encode() if isinstance(key, str) else key
    return hmac.new(raw, b"hub pseudonym key fingerprint", hashlib.sha256).hexdigest()[:16]


def rotate_key_file(key_file: Path, fs: Any, lake_bucket: str, reason: str) -> Rotation:
    """Replace the local development key with a new random one and audit the rotation."""
    previous = key_file.read_text().strip() if key_file.exists() else ""
    new_key = secrets.token_hex(MIN_KEY_BYTES)
    key_file.write_text(new_key)
    key_file.chmod(0o600)
    return _record(
        fs,
        lake_bucket,
        reason,
        key_fingerprint(previous) if previous else "none",
        new_key,
        key_file,
    )


def record_key_rotation(current_key: str, fs: Any, lake_bucket: str, reason: str) -> Rotation:
    """Audit a rotation the operator made in the secret store behind HUB_PSEUDONYM_KEY."""
    last = last_recorded_fingerprint(fs, lake_bucket)
    if last == key_fingerprint(current_key):
        raise KeyRotationError(
            f"{KEY_VARIABLE} still holds the key recorded at the last rotation (fingerprint "
            f"{last}); put the new key in the secret store and the environment first, then "
            "run this again"
        )
    return _record(fs, lake_bucket, reason, last or "unrecorded", current_key, None)


def last_recorded_fingerprint(fs: Any, lake_bucket: str) -> str | None:
    for _, text in reversed(AuditLog(fs, lake_bucket).entries()):
        entry = json.loads(text)
        if entry.get("action") == "key_rotation":
            return entry["details"].get("new_key_fingerprint")
    return None


def _record(
    fs: Any,
    lake_bucket: str,
    reason: str,
    previous_fingerprint: str,
    new_key: str,
    key_file: Path | None,
) -> Rotation:
    new_fingerprint = key_fingerprint(new_key)
    entry = AuditLog(fs, lake_bucket).append(
        "key_rotation",
        details={
            "reason": reason,
            "previous_key_fingerprint": previous_fingerprint,
            "new_key_fingerprint": new_fingerprint,
            "key_source": str(key_file) if key_file else KEY_VARIABLE,
            "to_rerun": RERUN,
        },
    )
    return Rotation(previous_fingerprint, new_fingerprint, key_file, entry["sequence"])
