"""The estate being generated: where deliveries go, how they are keyed and recorded."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import shutil
import zlib
from collections import defaultdict
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from infra.demo.manifest import IDENTIFIER_KINDS, Defect, Delivery, EstateManifest
from infra.demo.writers import WRITERS, open_sink, write_delimited

CHUNK_ROWS = 50_000
"""Rows per generated chunk of a large delivery; bounds memory whatever the scale."""

_CONTRIBUTOR = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$")
_LABEL = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.-]*$")
_COMPRESSION_SUFFIXES = {"gzip": ".gz", "bz2": ".bz2", "zstd": ".zst"}


def _stable_hash(name: str) -> int:
    return zlib.crc32(name.encode("utf-8"))


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as data:
        while block := data.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def chunk_sizes(total: int, chunk_rows: int = CHUNK_ROWS) -> Iterator[int]:
    """Split `total` rows into chunks of at most `chunk_rows` (one empty chunk for zero)."""
    if total == 0:
        yield 0
    for start in range(0, total, chunk_rows):
        yield min(chunk_rows, total - start)


class Estate:
    """Writes deliveries under `out_dir` and keeps the manifest of what was written."""

    def __init__(
        self,
        out_dir: Path,
        seed: int,
        scale: float,
        screening_rows: int | None = None,
        ads_rows: int | None = None,
    ) -> None:
        if scale <= 0:
            raise ValueError(f"scale must be positive, got {scale}")
        self.out_dir = out_dir
        self.seed = seed
        self.scale = scale
        self.screening_rows = screening_rows
        """Rows of the tx_dfps screening CSVs altogether, overriding `scale` for them."""
        self.ads_rows = ads_rows
        """Rows of the ads_monitor_ngo Arrow deliveries altogether, overriding `scale`."""
        self.manifest = EstateManifest(seed=seed, scale=scale)
        self._identifiers: dict[str, set[str]] = defaultdict(set)

    def rng(self, *names: str) -> np.random.Generator:
        """A random stream of its own for each (source, contributor, delivery) path, so that
        generating one source alone gives the same bytes as generating the whole estate."""
        return np.random.default_rng([self.seed, *(_stable_hash(name) for name in names)])

    def rows(self, base: int, minimum: int = 1) -> int:
        return max(minimum, round(base * self.scale))

    def register_identifiers(self, frame: pl.DataFrame, columns: dict[str, str]) -> None:
        """Record the fake person identifiers in `frame` (column -> kind) in canonical form."""
        for column, kind in columns.items():
            if kind not in IDENTIFIER_KINDS:
                raise ValueError(f"unknown identifier kind {kind!r}; use one of {IDENTIFIER_KINDS}")
            values = frame.get_column(column).drop_nulls().unique()
            if values.dtype == pl.Date:
                values = values.dt.strftime("%Y-%m-%d")
            elif kind == "phone":
                values = values.str.replace_all(r"\D", "").str.slice(-10)
            elif kind == "email":
                values = values.str.to_lowercase()
            self._identifiers[kind].update(values.to_list())

    def deliver(
        self,
        *,
        source: str,
        contributor: str,
        label: str,
        file_name: str,
        format: str,
        frames: Iterable[pl.DataFrame],
        delivered_on: dt.date,
        compression: str | None = None,
        member: str | None = None,
        write_options: dict[str, Any] | None = None,
        read_options: dict[str, Any] | None = None,
        identifier_columns: dict[str, str] | None = None,
        companions: dict[str, pl.DataFrame] | None = None,
        defect: Defect | None = None,
    ) -> Delivery:
        """Write one delivery through the writer of its format and record it."""
        path = self._path(source, contributor, label, file_name)
        stamp = dt.datetime.combine(delivered_on, dt.time(6, 0))
        if member is None:
            suffix = _COMPRESSION_SUFFIXES.get(compression or "", "")
            member = file_name.removesuffix(suffix)
        counted = [0]

        def counting(chunks: Iterable[pl.DataFrame]) -> Iterator[pl.DataFrame]:
            for chunk in chunks:
                counted[0] += chunk.height
                yield chunk

        with open_sink(path, compression, member, stamp) as sink:
            WRITERS[format](counting(frames), sink, stamp=stamp, **(write_options or {}))
        companion_keys = []
        for name, table in (companions or {}).items():
            with open_sink(path.parent / name, None, name, stamp) as sink:
                write_delimited([table], sink, stamp=stamp)
            companion_keys.append(self._key(source, contributor, label, name))
        delivery = Delivery(
            source=source,
            contributor=contributor,
            label=label,
            key=self._key(source, contributor, label, file_name),
            format=format,
            compression=compression,
            rows=counted[0],
            synthetic=True,
            delivered_on=delivered_on.isoformat(),
            read_options=read_options or {},
            identifier_columns=identifier_columns or {},
            companion_keys=companion_keys,
            defect=defect,
        )
        self.manifest.deliveries.append(delivery)
        return delivery

    def copy_public_file(
        self,
        *,
        source: str,
        contributor: str,
        label: str,
        file_name: str,
        origin: Path,
        format: str,
        rows: int,
        delivered_on: dt.date,
        read_options: dict[str, Any] | None = None,
    ) -> Delivery:
        """Deliver a real public file as it is, byte for byte."""
        path = self._path(source, contributor, label, file_name)
        shutil.copyfile(origin, path)
        delivery = Delivery(
            source=source,
            contributor=contributor,
            label=label,
            key=self._key(source, contributor, label, file_name),
            format=format,
            compression=None,
            rows=rows,
            synthetic=False,
            delivered_on=delivered_on.isoformat(),
            read_options=read_options or {},
        )
        self.manifest.deliveries.append(delivery)
        return delivery

    def path_of(self, delivery: Delivery) -> Path:
        return self.out_dir / delivery.key

    def finish(self) -> EstateManifest:
        """Measure every delivery, write `_manifest.json` and return the manifest."""
        for delivery in self.manifest.deliveries:
            path = self.path_of(delivery)
            delivery.bytes = path.stat().st_size
            delivery.sha256 = _sha256(path)
        self.manifest.deliveries.sort(key=lambda delivery: delivery.key)
        self.manifest.identifiers = {
            kind: sorted(self._identifiers[kind]) for kind in IDENTIFIER_KINDS
        }
        self.manifest.write(self.out_dir)
        return self.manifest

    def _key(self, source: str, contributor: str, label: str, file_name: str) -> str:
        if not _CONTRIBUTOR.match(contributor):
            raise ValueError(f"contributor id {contributor!r} must be snake_case without '__'")
        if not _LABEL.match(label):
            raise ValueError(f"delivery label {label!r} may hold letters, digits, '.' and '-'")
        return f"{source}/{contributor}__{label}/{file_name}"

    def _path(self, source: str, contributor: str, label: str, file_name: str) -> Path:
        path = self.out_dir / self._key(source, contributor, label, file_name)
        path.parent.mkdir(parents=True, exist_ok=True)
        return path
