"""Raw -> bronze: land each contributor delivery as Parquet with lineage columns.

Landing is idempotent. The ledger (lake/bronze/<source>/_ledger.json) remembers the ETag and
content hash of every raw object landed; an unchanged object is skipped, a changed one
replaces its bronze object, and a raw object that is gone (a withdrawal) takes its bronze
object with it. A delivery that cannot be parsed, or that fails the data set's gates, leaves
its previous bronze object in place, so a broken resend never replaces the last good data.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import tempfile
from collections import Counter
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from adapters import AdapterError, Rejection, read_api, read_batches
from adapters.registry import API_FORMAT
from orchestration.platform import lake_layout
from orchestration.platform.declarations import ContributorFeed, SourceSpec
from orchestration.platform.lake_layout import (
    LINEAGE_COLUMNS,
    LINEAGE_SCHEMA,
    LayoutError,
    RawObject,
)
from orchestration.trust.withdrawals import is_withdrawn, withdrawn_contributors

QUARANTINE_SCHEMA = pa.schema(
    [
        LINEAGE_SCHEMA.field("_raw_key"),
        LINEAGE_SCHEMA.field("_delivery"),
        LINEAGE_SCHEMA.field("_contributor"),
        ("line", pa.int64()),
        ("reason", pa.string()),
        ("original", pa.string()),
        LINEAGE_SCHEMA.field("_ingested_at"),
    ]
)


@dataclass(frozen=True)
class GateVerdict:
    """What the data set's gates said of one candidate bronze object, before it is published."""

    passed: bool
    results: dict[str, Any] = field(default_factory=dict)


Gate = Callable[[RawObject, Path], GateVerdict]
"""(raw object, local candidate Parquet) -> verdict; the candidate is published only on a pass.
A gate with a `prepare()` method is told when the first delivery to gate starts parsing."""


@dataclass
class DeliveryOutcome:
    """What happened to one raw object in one landing."""

    raw_key: str
    delivery: str
    contributor: str
    status: str  # landed | unchanged | failed | held (by a gate) | ignored
    rows: int = 0
    rejected: int = 0
    version: str = ""
    sha256: str = ""
    ingested_at: str = ""
    error: str = ""
    rejection_reasons: dict[str, int] = field(default_factory=dict)
    report: dict[str, Any] = field(default_factory=dict)
    columns: list[str] = field(default_factory=list)
    gate_results: dict[str, Any] = field(default_factory=dict)
    declaration: str = ""  # the contributor's declaration it was read with (fingerprint)
    warnings: list[str] = field(default_factory=list)  # landed, but a steward should know


@dataclass
class LandingReport:
    source: str
    outcomes: list[DeliveryOutcome]
    removed: list[str] = field(default_factory=list)
    newest_landed_at: str | None = None  # when the newest object in bronze first landed

    def _in_bronze(self) -> list[DeliveryOutcome]:
        return [o for o in self.outcomes if o.status in ("landed", "unchanged")]

    @property
    def rows_in_bronze(self) -> int:
        return sum(o.rows for o in self._in_bronze())

    @property
    def rows_rejected(self) -> int:
        return sum(o.rejected for o in self._in_bronze())

    @property
    def failed(self) -> list[DeliveryOutcome]:
        return [o for o in self.outcomes if o.status == "failed"]

    @property
    def held(self) -> list[DeliveryOutcome]:
        return [o for o in self.outcomes if o.status == "held"]

    @property
    def landed_now(self) -> list[DeliveryOutcome]:
        return [o for o in self.outcomes if o.status == "landed"]

    @property
    def warnings(self) -> list[str]:
        """What landed now but a steward should look at (see `DeliveryOutcome.warnings`)."""
        return [warning for o in self.landed_now for warning in o.warnings]

    def top_rejection_reasons(self, limit: int = 5) -> dict[str, int]:
        reasons: Counter[str] = Counter()
        for outcome in self._in_bronze():
            reasons.update(outcome.rejection_reasons)
        return dict(reasons.most_common(limit))


def land_source(
    spec: SourceSpec,
    fs: Any,
    raw_bucket: str,
    lake_bucket: str,
    now: datetime | None = None,
    gate: Gate | None = None,
) -> LandingReport:
    """Land every raw object of one data set that is new or changed since the last landing.

    With a `gate`, each new or changed object is published to bronze only if the gate passes;
    otherwise it is held and its previous version, if any, stays.
    """
    return _Landing(spec, fs, raw_bucket, lake_bucket, now or datetime.now(UTC), gate).run()


@dataclass(frozen=True)
class _Pending:
    """A raw object this landing must read: new, changed, or read under a changed declaration."""

    raw: RawObject
    raw_uri: str
    version: str
    feed: ContributorFeed


@dataclass
class _Landing:
    """One landing of one data set. Its steps, in order: plan each raw object (already
    landed, to ignore, or pending), then for each pending one read it into a candidate,
    gate the candidate, publish it with its quarantine, and record the outcome in the ledger."""

    spec: SourceSpec
    fs: Any
    raw_bucket: str
    lake_bucket: str
    now: datetime
    gate: Gate | None

    def run(self) -> LandingReport:
        fs, spec = self.fs, self.spec
        ledger = _read_ledger(fs, self.lake_bucket, spec.name)
        withdrawn = withdrawn_contributors(fs, self.lake_bucket)
        outcomes: list[DeliveryOutcome] = [
            outcome
            for feed in spec.contributors.values()
            if feed.format == API_FORMAT and feed.contributor not in withdrawn
            for outcome in [_snapshot_api(spec, feed, fs, self.raw_bucket, self.now)]
            if outcome is not None
        ]
        present: set[str] = set()
        planned: list[DeliveryOutcome | _Pending] = []
        for key, version in _list_raw(fs, self.raw_bucket, spec.name):
            if is_withdrawn(key, withdrawn):
                # Raw stays as delivered, but a withdrawn contributor's objects count as
                # absent, so they never land again and whatever bronze still holds of them
                # is removed.
                continue
            present.add(f"{self.raw_bucket}/{key}")
            planned.append(self.plan(key, version, ledger))
        pending = [item for item in planned if isinstance(item, _Pending)]
        if pending and self.gate is not None and hasattr(self.gate, "prepare"):
            self.gate.prepare()  # something will be gated: let it load while the first parses
        with _Downloads(fs, [item.raw_uri for item in pending]) as downloads:
            for item in planned:
                if isinstance(item, _Pending):
                    item = self.land(item, *downloads.take(item.raw_uri))
                outcomes.append(item)
        removed = sorted(set(ledger) - present)
        for key in removed:
            _remove_landed(fs, self.lake_bucket, ledger.pop(key))
        for outcome in outcomes:
            if outcome.status == "landed":
                ledger[outcome.raw_key] = asdict(outcome)
        _write_ledger(fs, self.lake_bucket, spec.name, ledger)
        newest = max((entry["ingested_at"] for entry in ledger.values()), default=None)
        report = LandingReport(spec.name, outcomes, removed, newest)
        _write_json(
            fs, f"{self.lake_bucket}/{lake_layout.last_landing_key(spec.name)}", asdict(report)
        )
        return report

    def plan(self, key: str, version: str, ledger: dict[str, dict]) -> DeliveryOutcome | _Pending:
        """What to do with one raw object: its outcome already (failed, ignored, unchanged),
        or pending, to be read."""
        raw_uri = f"{self.raw_bucket}/{key}"
        try:
            raw = lake_layout.parse_raw_key(key)
        except LayoutError as error:
            return DeliveryOutcome(raw_uri, "", "", "failed", version=version, error=str(error))
        feed = self.spec.feed_for(raw.contributor)
        if feed is None:
            return DeliveryOutcome(
                raw_uri,
                raw.delivery,
                raw.contributor,
                "failed",
                version=version,
                error=f"{raw_uri}: contributor {raw.contributor!r} is not declared for "
                f"{self.spec.name}; add it under meta.hub.contributors in "
                f"{self.spec.declared_in.name} or move the file",
            )
        if not feed.accepts(raw.file_name):
            return DeliveryOutcome(
                raw_uri, raw.delivery, raw.contributor, "ignored", version=version
            )
        previous = ledger.get(raw_uri)
        # an unchanged object lands again when its contributor's declaration changed (a
        # rename, a type), so bronze always has the shape the declaration gives
        if (
            previous
            and previous.get("version") == version
            and previous.get("declaration") == feed.fingerprint
        ):
            return DeliveryOutcome(**{**previous, "status": "unchanged"})
        return _Pending(raw, raw_uri, version, feed)

    def land(self, item: _Pending, local_raw: Path, sha256: str) -> DeliveryOutcome:
        """Read one pending object into a candidate, gate it, and publish it with its
        quarantine when the gate passes. A failed download is the object store's (the step's
        retry policy handles it); a delivery that cannot be read fails alone."""
        raw, raw_uri = item.raw, item.raw_uri
        # an API contributor's pulls are kept in raw as Parquet snapshots; land those as such
        read_format, read_options = (
            ("parquet", {})
            if item.feed.format == API_FORMAT
            else (item.feed.format, item.feed.options)
        )
        try:
            with tempfile.TemporaryDirectory(prefix="hub-landing-") as workdir:
                candidate = parse_candidate(
                    local_raw, raw, raw_uri, sha256, read_format, read_options, self.now,
                    Path(workdir) / "bronze.parquet",
                )  # fmt: skip
                verdict = self.gate(raw, candidate.path) if self.gate else GateVerdict(True)
                if verdict.passed:
                    self.fs.put_file(
                        str(candidate.path), f"{self.lake_bucket}/{lake_layout.bronze_key(raw)}"
                    )
                    _write_quarantine(
                        self.fs, self.lake_bucket, raw, raw_uri, candidate.rejections, self.now,
                        workdir,
                    )  # fmt: skip
        except Exception as error:
            # An adapter that raises anything but its own AdapterError on a contributor's
            # bytes fails this delivery alone, not the landing of the others or the run's
            # models; the next landing tries it again (a failed delivery is not in the ledger).
            message = (
                str(error)
                if isinstance(error, AdapterError)
                else f"{raw_uri}: could not be read ({type(error).__name__}: {error}); the "
                "raw object is untouched and its previous version stays in bronze. Report the "
                "file to the hub's maintainers with this message"
            )
            return DeliveryOutcome(
                raw_uri, raw.delivery, raw.contributor, "failed", version=item.version,
                error=message,
            )  # fmt: skip
        return DeliveryOutcome(
            raw_key=raw_uri,
            delivery=raw.delivery,
            contributor=raw.contributor,
            status="landed" if verdict.passed else "held",
            rows=candidate.rows,
            rejected=len(candidate.rejections),
            version=item.version,
            sha256=sha256,
            ingested_at=self.now.isoformat(),
            rejection_reasons=dict(
                Counter(_reason_kind(r.reason, raw_uri) for r in candidate.rejections)
            ),
            report=_json_safe(candidate.report),
            columns=candidate.columns,
            gate_results=_json_safe(verdict.results),
            warnings=[
                f"{raw_uri}: column {column!r} has {count:,} value(s) holding a NUL byte, "
                "landed as sent; NUL is rarely meant, so ask the contributor whether the "
                "export is right"
                for column, count in sorted(candidate.nul_bytes.items())
            ],
            declaration=item.feed.fingerprint,
        )


class _Downloads:
    """The raw objects a landing reads, downloaded (and hashed) one ahead of the parsing, in a
    background thread: the next object's transfer overlaps this one's parse, gates and upload.
    Each local copy is deleted once its object has landed."""

    def __init__(self, fs: Any, uris: list[str]) -> None:
        self.fs = fs
        self.uris = uris
        self.positions = {uri: position for position, uri in enumerate(uris)}
        self.workdir = Path(tempfile.mkdtemp(prefix="hub-raw-"))
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="raw-download")
        self.started: dict[str, Future] = {}
        self.taken: Path | None = None

    def __enter__(self) -> _Downloads:
        return self

    def __exit__(self, *exc_info: object) -> None:
        for future in self.started.values():
            future.cancel()
        self.pool.shutdown(wait=True)
        shutil.rmtree(self.workdir, ignore_errors=True)

    def _start(self, uri: str) -> Future:
        if uri not in self.started:
            local = self.workdir / f"{self.positions[uri]:06d}-{uri.rsplit('/', 1)[-1]}"
            self.started[uri] = self.pool.submit(_download_hashing, self.fs, uri, local)
        return self.started[uri]

    def take(self, uri: str) -> tuple[Path, str]:
        """The local copy of `uri` and its SHA-256, once downloaded; starts the next one."""
        if self.taken is not None:
            self.taken.unlink(missing_ok=True)
        current = self._start(uri)
        following = self.positions[uri] + 1
        if following < len(self.uris):
            self._start(self.uris[following])
        local, sha256 = current.result()
        self.taken = local
        return local, sha256


@dataclass
class Candidate:
    """A delivery parsed into a local bronze Parquet file, with its lineage columns, before any
    gate has seen it."""

    path: Path
    rows: int
    rejections: list[Rejection]
    report: dict[str, Any]
    columns: list[str]  # the delivery's own, without the lineage columns
    nul_bytes: Counter[str]  # values holding a NUL byte, by column


def parse_candidate(
    local_raw: Path,
    raw: RawObject,
    raw_uri: str,
    sha256: str,
    format: str | None,
    options: dict[str, Any],
    now: datetime,
    destination: Path,
) -> Candidate:
    """Read a local copy of a delivery with its contributor's format and options, batch by
    batch, into `destination` (Parquet), as landing does before the gates; AdapterError when
    it cannot be read."""
    rejections: list[Rejection] = []
    report: dict[str, Any] = {}
    rows = 0
    nul_bytes: Counter[str] = Counter()
    writer: pq.ParquetWriter | None = None
    try:
        with local_raw.open("rb") as stream:
            for result in read_batches(stream, raw_uri, format, options):
                rejections.extend(result.rejections)
                report.update(result.report)
                nul_bytes.update(_values_with_nul_bytes(result.table))
                batch = _with_lineage(result.table, raw, raw_uri, sha256, rows, now)
                if writer is None:
                    writer = pq.ParquetWriter(destination, batch.schema, compression="zstd")
                elif batch.schema != writer.schema:
                    batch = _align(batch, writer.schema, raw_uri)
                writer.write_table(batch)
                rows += result.table.num_rows
    finally:
        if writer is not None:
            writer.close()
    if writer is None:
        raise AdapterError(raw_uri, "the adapter returned no table; the object was not landed")
    columns = [n for n in writer.schema.names if n not in LINEAGE_COLUMNS]
    return Candidate(destination, rows, rejections, report, columns, nul_bytes)


def _snapshot_api(
    spec: SourceSpec, feed: ContributorFeed, fs: Any, raw_bucket: str, now: datetime
) -> DeliveryOutcome | None:
    """Pull an API contributor's records once a day into raw, as an immutable Parquet object.

    Raw then holds what the API said, like any delivery, and lands the same way. Returns an
    outcome only when the pull fails.
    """
    key = (
        f"{spec.name}/{feed.contributor}{lake_layout.DELIVERY_SEPARATOR}{now:%Y-%m-%d}/api.parquet"
    )
    uri = f"{raw_bucket}/{key}"
    if fs.exists(uri):
        return None
    source_name = f"api:{spec.name}/{feed.contributor}"
    with tempfile.TemporaryDirectory(prefix="hub-api-") as workdir:
        snapshot = Path(workdir) / "api.parquet"
        writer: pq.ParquetWriter | None = None
        try:
            for result in read_api(feed.options, source_name):
                if writer is None:
                    writer = pq.ParquetWriter(snapshot, result.table.schema, compression="zstd")
                writer.write_table(result.table.cast(writer.schema))
        except AdapterError as error:
            return DeliveryOutcome(uri, "", feed.contributor, "failed", error=str(error))
        finally:
            if writer is not None:
                writer.close()
        if writer is None:
            return None
        fs.put_file(str(snapshot), uri)
    return None


def _with_lineage(
    table: pa.Table, raw: RawObject, raw_uri: str, sha256: str, offset: int, now: datetime
) -> pa.Table:
    n = table.num_rows
    clashes = [name for name in LINEAGE_COLUMNS if name in table.column_names]
    if clashes:
        raise AdapterError(
            raw_uri, f"columns {clashes} are reserved for lineage; rename them with `rename:`"
        )
    # Constants repeated in Arrow, not Python lists: a million rows cost milliseconds.
    values = {
        "_raw_key": raw_uri,
        "_raw_sha256": sha256,
        "_delivery": raw.delivery,
        "_contributor": raw.contributor,
        "_ingested_at": now,
    }
    for lineage in LINEAGE_SCHEMA:
        if lineage.name == "_row_number":
            column = pa.array(np.arange(offset + 1, offset + n + 1, dtype=np.int64))
        else:
            column = pa.repeat(pa.scalar(values[lineage.name], lineage.type), n)
        table = table.append_column(lineage, column)
    return table


def _values_with_nul_bytes(table: pa.Table) -> dict[str, int]:
    """How many values of each text column hold a NUL byte (a truncation risk for any C
    reader downstream, and a sign of a binary or mis-encoded export)."""
    found = {}
    for name, column in zip(table.column_names, table.columns, strict=True):
        if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
            count = pc.sum(pc.match_substring(column, "\x00")).as_py() or 0
            if count:
                found[name] = count
    return found


def _align(batch: pa.Table, schema: pa.Schema, raw_uri: str) -> pa.Table:
    if set(batch.column_names) != set(schema.names):
        raise AdapterError(
            raw_uri,
            "the columns changed part-way through the file "
            f"({sorted(set(batch.column_names) ^ set(schema.names))}); fix the file and resend",
        )
    try:
        return batch.select(schema.names).cast(schema)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as error:
        raise AdapterError(raw_uri, f"a later part of the file has other types: {error}") from error


def _write_quarantine(
    fs: Any,
    lake_bucket: str,
    raw: RawObject,
    raw_uri: str,
    rejections: list[Rejection],
    now: datetime,
    workdir: str,
) -> None:
    key = f"{lake_bucket}/{lake_layout.quarantine_key(raw)}"
    if not rejections:
        if fs.exists(key):
            fs.rm(key)
        return
    table = pa.table(
        {
            "_raw_key": [raw_uri] * len(rejections),
            "_delivery": [raw.delivery] * len(rejections),
            "_contributor": [raw.contributor] * len(rejections),
            "line": [r.line for r in rejections],
            "reason": [r.reason for r in rejections],
            "original": [r.original for r in rejections],
            "_ingested_at": [now] * len(rejections),
        },
        schema=QUARANTINE_SCHEMA,
    )
    local = Path(workdir) / "quarantine.parquet"
    pq.write_table(table, local, compression="zstd")
    fs.put_file(str(local), key)


def _remove_landed(fs: Any, lake_bucket: str, entry: dict) -> None:
    raw = lake_layout.parse_raw_key(entry["raw_key"].split("/", 1)[1])
    for key in (lake_layout.bronze_key(raw), lake_layout.quarantine_key(raw)):
        if fs.exists(f"{lake_bucket}/{key}"):
            fs.rm(f"{lake_bucket}/{key}")


def _list_raw(fs: Any, raw_bucket: str, source: str) -> list[tuple[str, str]]:
    prefix = f"{raw_bucket}/{source}"
    if not fs.exists(prefix):
        return []
    # Keys relative to the bucket, whatever form the filesystem gives its paths.
    root = fs._strip_protocol(raw_bucket).rstrip("/")
    found = fs.find(prefix, detail=True)
    return sorted(
        (path[len(root) + 1 :], _object_version(info))
        for path, info in found.items()
        if info.get("type") != "directory"
    )


def _object_version(info: dict) -> str:
    """The S3 ETag; on filesystems without one, size and modification time."""
    if info.get("ETag"):
        return str(info["ETag"]).strip('"')
    modified = info.get("mtime") or info.get("created") or info.get("LastModified")
    return f"size={info.get('size')};modified={modified}"


def _download_hashing(fs: Any, uri: str, destination: Path) -> tuple[Path, str]:
    digest = hashlib.sha256()
    with fs.open(uri, "rb", block_size=8 * 1024 * 1024) as source, destination.open("wb") as out:
        while chunk := source.read(8 * 1024 * 1024):
            digest.update(chunk)
            out.write(chunk)
    return destination, digest.hexdigest()


def _read_ledger(fs: Any, lake_bucket: str, source: str) -> dict[str, dict]:
    key = f"{lake_bucket}/{lake_layout.ledger_key(source)}"
    if not fs.exists(key):
        return {}
    with fs.open(key, "rb") as stream:
        return json.load(stream)


def _write_ledger(fs: Any, lake_bucket: str, source: str, ledger: dict[str, dict]) -> None:
    _write_json(fs, f"{lake_bucket}/{lake_layout.ledger_key(source)}", ledger)


def _write_json(fs: Any, key: str, document: Any) -> None:
    with fs.open(key, "wb") as stream:
        stream.write(json.dumps(document, indent=1, sort_keys=True).encode())


def read_last_landing(fs: Any, lake_bucket: str, source: str) -> dict | None:
    """The report of the latest landing of a data set, as written to the lake."""
    key = f"{lake_bucket}/{lake_layout.last_landing_key(source)}"
    if not fs.exists(key):
        return None
    with fs.open(key, "rb") as stream:
        return json.load(stream)


def _reason_kind(reason: str, raw_uri: str) -> str:
    """Group rejections by the kind of problem, not by the object, line or value."""
    reason = reason.removeprefix(f"{raw_uri}: ")
    reason = re.sub(r"'[^']*'", "'…'", reason)
    return re.sub(r"\d+", "N", reason)[:160]


def _json_safe(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str))
