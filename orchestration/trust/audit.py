"""The audit log: every extract, refusal, withdrawal and key rotation, hash-chained and anchored.

Each entry is one JSON line in its own object, <audit bucket>/audit/<sequence>.jsonl, created
with an exclusive write (If-None-Match: *), so concurrent writers never share a sequence
number. Each entry holds the SHA-256 of the previous one, and its own hash over everything else.

Whoever holds the pipeline's keys may append, and nothing more:
- the audit bucket (HUB_AUDIT_BUCKET, default `<lake bucket>-audit`) is made by
  `ensure_audit_bucket` with S3 Object Lock and a default COMPLIANCE retention. Nobody, the
  admin included, can delete or change an entry's first version until the retention ends: an
  overwrite only adds a later version, a delete only a delete marker. The log is read from
  first versions, and `verify` names every entry that readers of the bucket see changed or gone;
- every append also writes the entry's sequence and hash to an anchor outside the object store
  (HUB_AUDIT_ANCHOR, default $HUB_HOME/audit-anchor.jsonl, mode 0600), each line signed with an
  HMAC key that is not in the lake (HUB_AUDIT_ANCHOR_KEY, else a key made once beside the
  anchor). `verify` compares the chain with it, so a rewrite whose later hashes were recomputed,
  or the removal of the newest entries, is named even on a store without Object Lock.
An entry anchors every entry before it (its hash covers the previous hash), so entries appended
where this anchor is not shared (another machine) only matter at the end of the chain: `verify`
checks them by the chain, says so, and anchors them once the whole log verifies.
"""

from __future__ import annotations

import getpass
import hashlib
import hmac
import json
import os
import re
import secrets
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import s3fs
from fsspec.asyn import sync

AUDIT_PREFIX = "audit"
GENESIS_HASH = "0" * 64
ACTOR_VARIABLE = "HUB_ACTOR"
BUCKET_VARIABLE = "HUB_AUDIT_BUCKET"
ANCHOR_VARIABLE = "HUB_AUDIT_ANCHOR"
ANCHOR_KEY_VARIABLE = "HUB_AUDIT_ANCHOR_KEY"
RETENTION_VARIABLE = "HUB_AUDIT_RETENTION_YEARS"
DEFAULT_RETENTION_YEARS = 7
ANCHOR_FILE = "audit-anchor.jsonl"
MIN_ANCHOR_KEY_BYTES = 32
ACTIONS = ("extract", "extract_refused", "withdrawal", "key_rotation")
_ENTRY_NAME = re.compile(r"^(\d{10})\.jsonl$")
_APPEND_ATTEMPTS = 20


class AuditStoreError(RuntimeError):
    pass


def actor() -> str:
    """Who acts: HUB_ACTOR when set (a named steward, a service account), else the OS user."""
    return os.environ.get(ACTOR_VARIABLE) or getpass.getuser()


def entry_hash(entry: dict[str, Any]) -> str:
    body = {key: value for key, value in entry.items() if key != "hash"}
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def entry_key(sequence: int) -> str:
    return f"{AUDIT_PREFIX}/{sequence:010d}.jsonl"


def audit_bucket(lake_bucket: str, environment: Mapping[str, str] | None = None) -> str:
    """The bucket holding the lake's audit log: HUB_AUDIT_BUCKET, else `<lake bucket>-audit`."""
    environment = os.environ if environment is None else environment
    return environment.get(BUCKET_VARIABLE) or f"{lake_bucket}-audit"


def ensure_audit_bucket(fs: s3fs.S3FileSystem, lake_bucket: str) -> str:
    """Create the audit bucket with Object Lock and a default COMPLIANCE retention; return it.

    Needs keys that may create buckets (the admin's). Object Lock can only be chosen when a
    bucket is created, so an existing bucket without it is refused, not used. Entries an older
    hub kept in the lake bucket (lake/audit/) are copied into a new audit bucket, so the chain
    goes on from them.
    """
    bucket = audit_bucket(lake_bucket)
    if fs.exists(bucket):
        _require_object_lock(fs, bucket)
        return bucket
    region = fs.client_kwargs.get("region_name")
    location = (
        {"CreateBucketConfiguration": {"LocationConstraint": region}}
        if region and region != "us-east-1" and not fs.client_kwargs.get("endpoint_url")
        else {}
    )
    try:
        fs.call_s3("create_bucket", Bucket=bucket, ObjectLockEnabledForBucket=True, **location)
    except FileExistsError:
        return bucket  # another process made it a moment ago
    except PermissionError as error:
        raise AuditStoreError(
            f"the audit bucket {bucket} does not exist and these keys may not create it: "
            "`hub objectstore start` creates it as the admin; elsewhere create it with Object "
            f"Lock and a default COMPLIANCE retention, or set {BUCKET_VARIABLE} to one that is"
        ) from error
    fs.call_s3("put_object_lock_configuration", Bucket=bucket, **_default_retention())
    fs.invalidate_cache()
    legacy = f"{lake_bucket}/{AUDIT_PREFIX}"
    if fs.exists(legacy):
        for path in sorted(fs.ls(legacy, detail=False, refresh=True)):
            name = path.rsplit("/", 1)[1]
            if _ENTRY_NAME.match(name):
                fs.pipe_file(f"{bucket}/{AUDIT_PREFIX}/{name}", fs.cat_file(path), mode="create")
    return bucket


def _default_retention() -> dict[str, Any]:
    years = int(os.environ.get(RETENTION_VARIABLE) or DEFAULT_RETENTION_YEARS)
    rule = {"DefaultRetention": {"Mode": "COMPLIANCE", "Years": years}}
    return {"ObjectLockConfiguration": {"ObjectLockEnabled": "Enabled", "Rule": rule}}


def _require_object_lock(fs: s3fs.S3FileSystem, bucket: str) -> None:
    try:
        configuration = fs.call_s3("get_object_lock_configuration", Bucket=bucket)
    except PermissionError:
        raise
    except OSError:
        configuration = {}  # ObjectLockConfigurationNotFoundError: a bucket made without it
    lock = configuration.get("ObjectLockConfiguration", {})
    if lock.get("ObjectLockEnabled") != "Enabled":
        raise AuditStoreError(
            f"bucket {bucket} exists without Object Lock, which can only be turned on when a "
            "bucket is created, so the pipeline's keys could delete its audit entries: set "
            f"{BUCKET_VARIABLE} to a bucket name not in use, which `hub objectstore start` then "
            "creates with Object Lock"
        )
    if "Rule" not in lock:
        fs.call_s3("put_object_lock_configuration", Bucket=bucket, **_default_retention())


@dataclass(frozen=True)
class Anchor:
    """The log's hashes witnessed outside the object store: one HMAC-signed line per entry."""

    path: Path
    secret: bytes | None = None  # None: the key file beside the anchor

    @classmethod
    def from_environment(cls) -> Anchor | None:
        """HUB_AUDIT_ANCHOR, else $HUB_HOME/audit-anchor.jsonl; None when neither is set."""
        configured = os.environ.get(ANCHOR_VARIABLE)
        home = os.environ.get("HUB_HOME")
        if not configured and not home:
            return None
        path = Path(configured) if configured else Path(home) / ANCHOR_FILE
        secret = os.environ.get(ANCHOR_KEY_VARIABLE, "").encode()
        if secret and len(secret) < MIN_ANCHOR_KEY_BYTES:
            raise AuditStoreError(
                f"{ANCHOR_KEY_VARIABLE} is {len(secret)} bytes; use at least "
                f"{MIN_ANCHOR_KEY_BYTES} random bytes (e.g. `openssl rand -hex 32`)"
            )
        return cls(path, secret or None)

    @property
    def key_file(self) -> Path:
        return self.path.with_suffix(".key")

    def record(self, log: str, hashes: list[tuple[int, str]], by: str) -> None:
        """Append one signed line per (sequence, hash) in a single write."""
        key = self._key(create=True)
        anchored_at = datetime.now(UTC).isoformat(timespec="seconds")
        lines = []
        for sequence, hashed in hashes:
            line = {
                "log": log,
                "sequence": sequence,
                "hash": hashed,
                "anchored_at": anchored_at,
                "by": by,
            }
            line["mac"] = _mac(key, line)
            lines.append(json.dumps(line, sort_keys=True) + "\n")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(descriptor, "".join(lines).encode())
        finally:
            os.close(descriptor)

    def read(self, log: str) -> tuple[dict[int, dict[str, Any]], list[str]]:
        """This log's anchored lines by sequence (the first of each wins), and what is wrong."""
        if not self.path.exists():
            return {}, []
        lines = self.path.read_text().splitlines()
        key = self._key(create=False)
        if key is None:
            return {}, [
                f"the anchor {self.path} cannot be checked: its key {self.key_file} is gone "
                f"(or set {ANCHOR_KEY_VARIABLE} to the key that signed it)"
            ]
        anchored: dict[int, dict[str, Any]] = {}
        problems = []
        for number, text in enumerate(lines, start=1):
            try:
                line = json.loads(text)
                signed = hmac.compare_digest(str(line["mac"]), _mac(key, line))
            except (json.JSONDecodeError, TypeError, KeyError):
                signed = False
            if not signed:
                problems.append(
                    f"line {number} of the anchor {self.path} does not verify under its key: "
                    "the anchor was edited, or the key changed"
                )
            elif line["log"] == log:
                anchored.setdefault(int(line["sequence"]), line)
        return anchored, problems

    def _key(self, create: bool) -> bytes | None:
        if self.secret is not None:
            return self.secret
        if self.key_file.exists():
            return self.key_file.read_bytes().strip()
        if not create:
            return None
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # Written aside, then linked into place: the link fails if another process won the
        # race, and then both use that process's key.
        draft = self.key_file.with_name(f".{self.key_file.name}.{secrets.token_hex(4)}")
        descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as out:
            out.write(secrets.token_hex(32))
        try:
            os.link(draft, self.key_file)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
        return self.key_file.read_bytes().strip()


def _mac(key: bytes, line: dict[str, Any]) -> str:
    body = {name: value for name, value in line.items() if name != "mac"}
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"))
    return hmac.new(key, canonical.encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Finding:
    """One thing wrong with the log; `sequence` is the first entry it concerns, when it has one."""

    message: str
    sequence: int | None = None
    key: str | None = None


@dataclass(frozen=True)
class Verification:
    entries: int  # entries #1 to #entries verify by the chain
    head_hash: str
    problems: tuple[Finding, ...] = ()
    notes: tuple[str, ...] = ()
    retained_until: datetime | None = None  # Object Lock keeps every entry until then at least

    @property
    def intact(self) -> bool:
        return not self.problems

    @property
    def _first(self) -> Finding | None:
        return self.problems[0] if self.problems else None

    @property
    def broken_at(self) -> int | None:
        """The sequence number of the first broken entry."""
        return self._first.sequence if self._first else None

    @property
    def broken_key(self) -> str | None:
        return self._first.key if self._first else None

    @property
    def reason(self) -> str:
        return self._first.message if self._first else ""


@dataclass(frozen=True)
class _Stored:
    """An entry's object: its first version (which Object Lock keeps) and what readers see now."""

    sequence: int
    key: str
    version_id: str | None = None  # None on a store without versions
    now: str = "as written"  # or "overwritten", "deleted"


class AuditLog:
    """The lake's audit log on any fsspec filesystem (s3fs for the object store)."""

    def __init__(self, fs: Any, lake_bucket: str, anchor: Anchor | None = None) -> None:
        self.fs = fs
        self.lake_bucket = lake_bucket
        self.bucket = audit_bucket(lake_bucket)
        self.root = f"{self.bucket}/{AUDIT_PREFIX}"
        self.anchor = anchor or Anchor.from_environment()
        protocol = fs.protocol if isinstance(fs.protocol, str) else fs.protocol[0]
        self.location = f"{protocol}://{self.root}/"

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
        """Write the next entry, anchor it, and return it (with its sequence number and hash)."""
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
            line = json.dumps(entry, sort_keys=True, ensure_ascii=False) + "\n"
            try:
                self.fs.pipe_file(
                    f"{self.bucket}/{entry_key(sequence + 1)}", line.encode(), mode="create"
                )
            except OSError as error:
                if self._bucket_missing():
                    ensure_audit_bucket(self.fs, self.lake_bucket)
                    continue
                # Another writer took this sequence number first (S3 answers 412, which
                # s3fs reports as an OSError): read the new head and try again.
                if self._head()[0] <= sequence:
                    raise AuditStoreError(
                        f"{self.location}: entry #{sequence + 1} could not be written "
                        f"({error}); the pipeline's identity needs Read, Write and List on "
                        f"bucket {self.bucket} (identities.pipeline_actions)"
                    ) from error
                continue
            if self.anchor is not None:
                self.anchor.record(self.anchor_log, [(entry["sequence"], entry["hash"])], "append")
            return entry
        raise RuntimeError(
            f"could not append to the audit log at {self.location} after {_APPEND_ATTEMPTS} "
            "attempts: too many concurrent writers; retry"
        )

    @property
    def anchor_log(self) -> str:
        """How the anchor names this log: by bucket, so moving the endpoint keeps the anchor."""
        return self.location.rstrip("/")

    def entries(self) -> list[tuple[str, str]]:
        """(key, text) of every entry as first written, in sequence order."""
        return [(stored.key, self._read(stored)[0]) for stored in self._listing()]

    def verify(self) -> Verification:
        """Check the chain of first versions, what readers see now, and the anchor."""
        listing = self._listing()
        problems: list[Finding] = []
        hashes: dict[int, str] = {}
        unlocked: list[int] = []
        retained: list[datetime] = []
        previous_hash = GENESIS_HASH
        for expected, stored in enumerate(listing, start=1):
            if stored.sequence != expected:
                problems.append(
                    Finding(
                        f"entry #{expected} is missing (the next object is #{stored.sequence})",
                        expected,
                        stored.key,
                    )
                )
                break
            text, retained_until = self._read(stored)
            problem, entry = _check(text, expected, previous_hash)
            if problem:
                problems.append(Finding(problem, expected, stored.key))
                break
            previous_hash = hashes[expected] = entry["hash"]
            if retained_until is None:
                unlocked.append(expected)
            else:
                retained.append(retained_until)
        problems += _changed_since_written(listing)
        notes = []
        if unlocked:
            which = (
                "no entry is"
                if len(unlocked) == len(hashes)
                else f"{len(unlocked)} of {len(hashes)} entries (the first #{unlocked[0]}) are"
            )
            notes.append(
                f"{which} under Object Lock: the pipeline's keys can overwrite or delete "
                f"{'it' if len(unlocked) == 1 else 'them'}, which only the anchor would show; keep "
                "the log in a bucket made by `ensure_audit_bucket`"
            )
        if self.anchor is None:
            notes.append(
                f"no anchor: set {ANCHOR_VARIABLE} (or HUB_HOME) so that a rewritten chain or "
                "the removal of the newest entries is detected"
            )
        else:
            anchored, anchor_problems = self.anchor.read(self.anchor_log)
            problems += [Finding(problem) for problem in anchor_problems]
            last = listing[-1].sequence if listing else 0
            problems += self._against_anchor(anchored, hashes, last, listing)
            if not problems:
                notes += self._anchor_the_tail(anchored, hashes)
        problems.sort(key=lambda finding: (finding.sequence is None, finding.sequence or 0))
        return Verification(
            len(hashes),
            previous_hash,
            tuple(problems),
            tuple(notes),
            min(retained) if retained and not unlocked else None,
        )

    def _against_anchor(
        self,
        anchored: dict[int, dict[str, Any]],
        hashes: dict[int, str],
        last: int,
        listing: list[_Stored],
    ) -> list[Finding]:
        problems = []
        if anchored and max(anchored) > last:
            newest = anchored[max(anchored)]
            problems.append(
                Finding(
                    f"the log was truncated: it ends at entry #{last}, but entry "
                    f"#{newest['sequence']} was anchored at {newest['anchored_at']}, so "
                    f"{_entries(last + 1, newest['sequence'])} {_were(last + 1, max(anchored))} "
                    f"removed (if this object store was reset on purpose, move {self.anchor.path} "
                    "aside)",
                    last + 1,
                )
            )
        keys = {stored.sequence: stored.key for stored in listing}
        previous = 0
        for sequence in sorted(anchored):
            if sequence not in hashes:
                break  # beyond what the chain verifies; the chain's own finding names it
            line = anchored[sequence]
            if line["hash"] != hashes[sequence]:
                first = sequence if previous == sequence - 1 else previous + 1
                where = (
                    f"entry #{sequence} was"
                    if first == sequence
                    else f"an entry from #{first} to #{sequence} was"
                )
                recomputed = " and every later hash recomputed" if sequence + 1 in hashes else ""
                problems.append(
                    Finding(
                        f"{where} rewritten{recomputed}: entry #{sequence} "
                        f"is not the one anchored at {line['anchored_at']} (hash "
                        f"{line['hash'][:16]}…, the log now has {hashes[sequence][:16]}…)",
                        first,
                        keys[first],
                    )
                )
                break
            previous = sequence
        return problems

    def _anchor_the_tail(
        self, anchored: dict[int, dict[str, Any]], hashes: dict[int, str]
    ) -> list[str]:
        start = max(anchored, default=0) + 1
        tail = [(sequence, hashes[sequence]) for sequence in range(start, len(hashes) + 1)]
        if not tail:
            return []
        self.anchor.record(self.anchor_log, tail, "verify")
        return [
            f"{_entries(start, len(hashes))} {_were(start, len(hashes))} not anchored here "
            "(written where this anchor is not shared, e.g. another machine): the chain "
            "verifies them, and they are anchored now"
        ]

    def _head(self) -> tuple[int, str]:
        listing = self._listing()
        if not listing:
            return 0, GENESIS_HASH
        newest = listing[-1]
        text, _ = self._read(newest)
        try:
            return newest.sequence, str(json.loads(text)["hash"])
        except (json.JSONDecodeError, TypeError, KeyError) as error:
            raise AuditStoreError(
                f"{newest.key}: the newest audit entry has no hash to chain to ({error}); "
                "run `hub audit verify`"
            ) from error

    def _listing(self) -> list[_Stored]:
        if self._versioned():
            return self._versions()
        if not self.fs.exists(self.root):
            return []
        found = []
        for path in self.fs.ls(self.root, detail=False, refresh=True):
            name = path.rstrip("/").rsplit("/", 1)[1]
            if match := _ENTRY_NAME.match(name):
                found.append(_Stored(int(match.group(1)), f"{self.root}/{name}"))
        return sorted(found, key=lambda stored: stored.sequence)

    def _versioned(self) -> bool:
        if not isinstance(self.fs, s3fs.S3FileSystem):
            return False
        try:
            answer = self.fs.call_s3("get_bucket_versioning", Bucket=self.bucket)
        except (FileNotFoundError, PermissionError):
            return False  # no bucket yet (SeaweedFS answers 403 for a bucket that is not there)
        return answer.get("Status") == "Enabled"

    def _versions(self) -> list[_Stored]:
        versions: dict[str, list[dict[str, Any]]] = {}
        latest: dict[str, dict[str, Any]] = {}
        for page in self._version_pages():
            for version in page.get("Versions", []):
                versions.setdefault(version["Key"], []).append(version)
                if version["IsLatest"]:
                    latest[version["Key"]] = version
            for marker in page.get("DeleteMarkers", []):
                if marker["IsLatest"]:
                    latest[marker["Key"]] = {**marker, "deleted": True}
        found = []
        for key, listed in versions.items():
            folder, _, name = key.rpartition("/")
            match = _ENTRY_NAME.match(name)
            if folder != AUDIT_PREFIX or not match:
                continue
            # S3 lists a key's versions newest first; the first written is the one locked.
            first = min(reversed(listed), key=lambda version: version["LastModified"])
            current = latest.get(key, first)
            if current.get("deleted"):
                now = "deleted"
            elif current["ETag"] != first["ETag"]:
                now = "overwritten"
            else:
                now = "as written"
            found.append(
                _Stored(int(match.group(1)), f"{self.bucket}/{key}", first["VersionId"], now)
            )
        return sorted(found, key=lambda stored: stored.sequence)

    def _version_pages(self) -> Iterator[dict[str, Any]]:
        markers: dict[str, str] = {}
        while True:
            page = self.fs.call_s3(
                "list_object_versions", Bucket=self.bucket, Prefix=f"{AUDIT_PREFIX}/", **markers
            )
            yield page
            if not page.get("IsTruncated"):
                return
            markers = {
                "KeyMarker": page["NextKeyMarker"],
                "VersionIdMarker": page.get("NextVersionIdMarker", ""),
            }

    def _read(self, stored: _Stored) -> tuple[str, datetime | None]:
        """An entry's first version, and until when Object Lock keeps it (None: it does not)."""
        if stored.version_id is None:
            return self.fs.cat_file(stored.key).decode("utf-8", "replace"), None
        key = stored.key.split("/", 1)[1]
        response, body = sync(
            self.fs.loop, _get_version, self.fs, self.bucket, key, stored.version_id
        )
        until = response.get("ObjectLockRetainUntilDate")
        locked = (
            response.get("ObjectLockMode") == "COMPLIANCE" and until and until > datetime.now(UTC)
        )
        return body.decode("utf-8", "replace"), until if locked else None

    def _bucket_missing(self) -> bool:
        if not isinstance(self.fs, s3fs.S3FileSystem):
            return False
        self.fs.invalidate_cache()
        return not self.fs.exists(self.bucket)


async def _get_version(
    fs: s3fs.S3FileSystem, bucket: str, key: str, version_id: str
) -> tuple[dict[str, Any], bytes]:
    response = await fs._call_s3("get_object", Bucket=bucket, Key=key, VersionId=version_id)
    try:
        return response, await response["Body"].read()
    finally:
        response["Body"].close()


def _check(text: str, sequence: int, previous_hash: str) -> tuple[str | None, dict[str, Any]]:
    try:
        entry = json.loads(text)
    except json.JSONDecodeError as error:
        return f"entry #{sequence} is not valid JSON ({error})", {}
    if not isinstance(entry, dict):
        return f"entry #{sequence} is not a JSON object", {}
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


def _changed_since_written(listing: list[_Stored]) -> list[Finding]:
    """Entries readers of the bucket see overwritten or deleted; their first versions remain."""
    keys = {stored.sequence: stored.key for stored in listing}
    last = listing[-1].sequence if listing else 0
    problems = []
    for state in ("overwritten", "deleted"):
        sequences = [stored.sequence for stored in listing if stored.now == state]
        for first, final in _ranges(sequences):
            one = first == final
            kept = (
                "the first version, which Object Lock keeps and this check reads, still verifies"
                if one
                else "their first versions, which Object Lock keeps and this check reads, verify"
            )
            if state == "overwritten":
                message = (
                    f"{_entries(first, final)} {_were(first, final)} changed after "
                    f"{'it was' if one else 'they were'} written: a later version replaced what "
                    f"readers see; {kept} (to restore, copy {'it' if one else 'each'} back "
                    f"over {'the' if one else 'its'} key)"
                )
            else:
                shown = "empty" if first == 1 else f"truncated after #{first - 1}"
                message = (
                    f"{_entries(first, final)} {_were(first, final)} deleted after being "
                    f"written: a delete marker hides {'it' if one else 'them'}"
                    f"{f', so the log as listed is {shown}' if final == last else ''}; {kept} "
                    f"(delete the marker{'' if one else 's'} to restore {'it' if one else 'them'})"
                )
            problems.append(Finding(message, first, keys[first]))
    return problems


def _ranges(sequences: list[int]) -> list[tuple[int, int]]:
    """Consecutive runs: [2, 3, 4, 7] -> [(2, 4), (7, 7)]."""
    runs: list[tuple[int, int]] = []
    for sequence in sorted(sequences):
        if runs and runs[-1][1] == sequence - 1:
            runs[-1] = (runs[-1][0], sequence)
        else:
            runs.append((sequence, sequence))
    return runs


def _entries(first: int, final: int) -> str:
    return f"entry #{first}" if first == final else f"entries #{first} to #{final}"


def _were(first: int, final: int) -> str:
    return "was" if first == final else "were"
