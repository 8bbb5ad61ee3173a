"""The demo estate sent to the raw bucket: each delivery with its own contributor's keys, and
only what the bucket does not already hold with the same content."""

from __future__ import annotations

import hashlib
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from infra.demo.generate import generate_estate
from orchestration import cli
from orchestration.platform.lake_layout import DELIVERY_SEPARATOR
from orchestration.trust.identities import contributor_keys

_CHUNK = 1 << 20


@dataclass
class Seeding:
    """What became of each raw object of the estate (keys in the raw bucket)."""

    deliveries: int
    new: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    same: list[str] = field(default_factory=list)
    refused: set[str] = field(default_factory=set)  # contributors without keys

    def lines(self, bucket: str) -> list[str]:
        objects = len(self.new) + len(self.changed) + len(self.same)
        said = [
            f"{objects} raw objects ({self.deliveries} deliveries) in s3://{bucket}/: "
            f"{len(self.new)} new, {len(self.changed)} changed, {len(self.same)} already in "
            "the raw bucket (same content)"
        ]
        if self.new or self.changed:
            said.append("the new and changed ones were uploaded, each with its contributor's keys")
        said += [
            f"not uploaded: {contributor} has no object-store keys; declare it in its data "
            "set's declaration (dbt_project/models/staging/<data set>/)"
            for contributor in sorted(self.refused)
        ]
        return said


def seed_raw_bucket(scale: float, seed: int) -> Seeding:
    """Generate the estate into $HUB_HOME/demo-estate and upload what the raw bucket lacks."""
    estate = Path(os.environ["HUB_HOME"]) / "demo-estate"
    if estate.exists():
        shutil.rmtree(estate)
    manifest = generate_estate(estate, seed=seed, scale=scale)
    cli.governance_with_keys()
    bucket = os.environ["HUB_RAW_BUCKET"]
    pipeline = cli.object_store_as()  # lists and reads raw; only contributors write it
    held = pipeline.find(bucket, detail=True)
    seeding = Seeding(len(manifest.deliveries))
    as_contributor: dict[str, Any] = {}
    for path in sorted(estate.rglob("*")):
        relative = path.relative_to(estate)
        if not path.is_file() or relative.parts[0].startswith("_"):
            continue
        key = f"{bucket}/{relative.as_posix()}"
        if key in held and _same_content(pipeline, key, held[key], path):
            seeding.same.append(key)
            continue
        contributor = relative.parts[1].split(DELIVERY_SEPARATOR, 1)[0]
        keys = contributor_keys(contributor)
        if not all(os.environ.get(name) for name in keys):
            seeding.refused.add(contributor)
            continue
        if contributor not in as_contributor:
            as_contributor[contributor] = cli.object_store_as(keys)
        as_contributor[contributor].put_file(str(path), key)
        (seeding.changed if key in held else seeding.new).append(key)
    return seeding


def _same_content(fs: Any, key: str, info: dict, local: Path) -> bool:
    """Whether the object holds the file's bytes: by size, then by its ETag where that is the
    content's MD5 (a single-part upload), else by reading it back."""
    if info.get("size") != local.stat().st_size:
        return False
    etag = str(info.get("ETag", "")).strip('"')
    if etag and "-" not in etag:
        with local.open("rb") as stream:
            return etag == _digest(stream, hashlib.md5(usedforsecurity=False))
    with fs.open(key, "rb") as remote, local.open("rb") as stream:
        return _digest(remote, hashlib.sha256()) == _digest(stream, hashlib.sha256())


def _digest(stream: Any, digest: Any) -> str:
    while chunk := stream.read(_CHUNK):
        digest.update(chunk)
    return digest.hexdigest()
