"""The audit log: every extract, refusal, withdrawal and key rotation, hash-chained, in the lake.

Each entry is one JSON line in its own object, lake/audit/<sequence>.jsonl, created with an
exclusive write (If-None-Match: *), so concurrent writers never share a sequence number and
this code never overwrites an entry. Each entry holds the SHA-256 of the previous one, and its
own hash over everything else it holds; `verify` recomputes the chain and names the first
entry that was edited, removed or re-ordered. Deleting the newest entries leaves a valid
shorter chain: keep the head hash that `verify` prints somewhere else (a ticket, the steward's
minutes) to detect that too, or enable S3 Object Lock on the prefix (README: The data trust).
"""

from __future__ import annotations

import getpass
import hashlib
import json
import os
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

AUDIT_PREFIX = "audit"
GENESIS_HASH = "0" * 64
ACTOR_VARIABLE = "HUB_ACTOR"
ACTIONS = ("extract", "extract_refused", "withdrawal", "key_rotation")
_ENTRY_NAME = re.compile(r"^(\d{10})\.jsonl$")
_APPEND_ATTEMPTS = 20


def actor() -> str:
    """Who acts: HUB_ACTOR when set (a named steward, a service account), else the OS user."""
    return os.environ.get(ACTOR_VARIABLE) or getpass.getuser()


def entry_hash(entry: dict[str, Any]) -> str:
    body = {key: value for key, value in entry.items() if key != "hash"}
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def entry_key(sequence: int) -> str:
    return f"{AUDIT_PREFIX}/{sequence:010d}.jsonl"


@dataclass(frozen=True)
class Verification:
    entries: int
    head_hash: str
    broken_at: int | None = None  # sequence number of the first broken entry
    broken_key: str | None = None
    reason: str = ""

    @property
    def intact(self) -> bool:
        return self.broken_at is None


class AuditLog:
    """The log under lake/audit/ on any fsspec filesystem (s3fs for the lake)."""

    def __init__(self, fs: Any, lake_bucket: str) -> None:
        self.fs = fs
        self.root = f"{lake_bucket}/{AUDIT_PREFIX}"

    def append(
        self,
        action: str,
        *,
        role: str | None = None,
        purpose: str | None = None,
        details: dict[str, Any] | None = None,
        row_counts: dict[str, int] | None = None,
        now: datetime | None = None,
    ) -> dict[str, Any]:
        """Write the next entry and return it (with its sequence number and hash)."""
        if action not in ACTIONS:
            raise ValueError(f"audit action {action!r} is not one of {', '.join(ACTIONS)}")
        for _ in range(_APPEND_ATTEMPTS):
            sequence, previous_hash = self._head()
            entry = {
                "sequence": sequence + 1,
                "recorded_at": (now or datetime.now(UTC)).isoformat(),
                "actor": actor(),
                "action": action,
                "role": role,
                "purpose": purpose,
                "details": details or {},
                "row_counts": row_counts or {},
                "previous_hash": previous_hash,
            }
            entry["hash"] = entry_hash(entry)
            key = f"{self.root}/{sequence + 1:010d}.jsonl"
            line = json.dumps(entry, sort_keys=True, ensure_ascii=False) + "\n"
            try:
                self.fs.pipe_file(key, line.encode(), mode="create")
            except OSError:
                # Another writer took this sequence number first (S3 answers 412, which
                # s3fs reports as an OSError): read the new head and try again.
                if not self.fs.exists(key):
                    raise
                continue
            return entry
        raise RuntimeError(
            f"could not append to the audit log at {self.root} after {_APPEND_ATTEMPTS} "
            "attempts: too many concurrent writers; retry"
        )

    def entries(self) -> list[tuple[str, str]]:
        """(key, raw text) of every entry object, in sequence order."""
        return [(key, self.fs.cat_file(key).decode("utf-8", "replace")) for key in self._keys()]

    def verify(self) -> Verification:
        previous_hash = GENESIS_HASH
        keys = self._keys()
        for expected, key in enumerate(keys, start=1):
            sequence = int(_ENTRY_NAME.match(key.rsplit("/", 1)[1]).group(1))
            if sequence != expected:
                return Verification(
                    expected - 1,
                    previous_hash,
                    expected,
                    key,
                    f"entry #{expected} is missing (the next object is #{sequence})",
                )
            problem, entry = self._check(key, expected, previous_hash)
            if problem:
                return Verification(expected - 1, previous_hash, expected, key, problem)
            previous_hash = entry["hash"]
        return Verification(len(keys), previous_hash)

    def _check(
        self, key: str, sequence: int, previous_hash: str
    ) -> tuple[str | None, dict[str, Any]]:
        text = self.fs.cat_file(key).decode("utf-8", "replace")
        try:
            entry = json.loads(text)
        except json.JSONDecodeError as error:
            return f"entry #{sequence} is not valid JSON ({error})", {}
        if text.count("\n") != 1 or not text.endswith("\n"):
            return f"entry #{sequence} is not exactly one JSON line", entry
        if entry.get("sequence") != sequence:
            return f"entry #{sequence} says it is #{entry.get('sequence')}", entry
        if entry.get("previous_hash") != previous_hash:
            return (
                f"entry #{sequence} does not follow entry #{sequence - 1}: it names "
                f"previous hash {str(entry.get('previous_hash'))[:16]}…, the chain has "
                f"{previous_hash[:16]}…",
                entry,
            )
        if entry.get("hash") != entry_hash(entry):
            return f"entry #{sequence} was changed after it was written (its hash differs)", entry
        return None, entry

    def _keys(self) -> list[str]:
        if not self.fs.exists(self.root):
            return []
        names = []
        for path in self.fs.ls(self.root, detail=False, refresh=True):
            name = path.rstrip("/").rsplit("/", 1)[1]
            if _ENTRY_NAME.match(name):
                names.append(f"{self.root}/{name}")
        return sorted(names)

    def _head(self) -> tuple[int, str]:
        keys = self._keys()
        if not keys:
            return 0, GENESIS_HASH
        entry = json.loads(self.fs.cat_file(keys[-1]))
        return int(entry["sequence"]), str(entry["hash"])
