"""What a generated estate holds: every delivery and every fake identifier of a person.

The manifest is written next to the deliveries as `_manifest.json`. Names that start with `_`
at the top of the estate are never sources, so a sensor that lists the tree can skip them.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

MANIFEST_NAME = "_manifest.json"

IDENTIFIER_KINDS = (
    "first_name",
    "last_name",
    "full_name",
    "date_of_birth",
    "phone",
    "email",
    "case_number",
)
"""Kinds of person-level identifiers. Values are recorded in one canonical spelling:
names as written, dates of birth as YYYY-MM-DD, phones as 10 digits, emails lower case,
case numbers as written."""


@dataclass(frozen=True)
class Defect:
    """A deliberate fault in a delivery, so pipelines can be tested on what real feeds do."""

    kind: str
    """`truncated`, `bad_dates` or `ragged_row`."""
    detail: str
    lines: tuple[int, ...]
    """1-based physical line numbers (the header is line 1) of the faulty records."""


@dataclass
class Delivery:
    """One file a contributor sent: `s3://raw/<key>`."""

    source: str
    contributor: str
    label: str
    key: str
    format: str
    compression: str | None
    rows: int
    """Data records in the file (for a truncated file: the complete ones)."""
    synthetic: bool
    delivered_on: str
    read_options: dict[str, Any] = field(default_factory=dict)
    """Hints for the adapter, named like `adapters.base.AdapterOptions` fields."""
    identifier_columns: dict[str, str] = field(default_factory=dict)
    """Column (dotted path for nested records) -> identifier kind."""
    companion_keys: list[str] = field(default_factory=list)
    """Other objects of the same delivery, e.g. the layout of a fixed-width file."""
    defect: Defect | None = None
    bytes: int = 0
    sha256: str = ""


@dataclass
class EstateManifest:
    seed: int
    scale: float
    deliveries: list[Delivery] = field(default_factory=list)
    identifiers: dict[str, list[str]] = field(default_factory=dict)

    @property
    def sources(self) -> list[str]:
        return sorted({delivery.source for delivery in self.deliveries})

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2, ensure_ascii=False) + "\n"

    def write(self, out_dir: Path) -> Path:
        path = out_dir / MANIFEST_NAME
        path.write_text(self.to_json(), encoding="utf-8")
        return path

    @classmethod
    def read(cls, out_dir: Path) -> EstateManifest:
        raw = json.loads((out_dir / MANIFEST_NAME).read_text(encoding="utf-8"))
        deliveries = []
        for item in raw.pop("deliveries"):
            defect = item.pop("defect")
            if defect is not None:
                defect = Defect(defect["kind"], defect["detail"], tuple(defect["lines"]))
            deliveries.append(Delivery(**item, defect=defect))
        return cls(**raw, deliveries=deliveries)
