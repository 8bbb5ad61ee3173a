"""The manifest lists exactly the fake person identifiers that the deliveries carry.

A privacy test scans the warehouse for these values, so a value missing from the manifest
would be a leak nobody looks for, and a value not in any file would be a false alarm.
"""

from __future__ import annotations

import bz2
import csv
import datetime as dt
import gzip
import io
import json
import math
import re
import xml.etree.ElementTree as ElementTree
import zipfile
from collections import defaultdict
from pathlib import Path
from typing import Any

import openpyxl
import polars as pl
import pyarrow as pa
import pyreadstat

from infra.demo.manifest import Delivery, EstateManifest
from infra.demo.people import (
    ASIAN_LAST_NAMES,
    FEMALE_FIRST_NAMES,
    GENERAL_LAST_NAMES,
    HISPANIC_LAST_NAMES,
    MALE_FIRST_NAMES,
)
from infra.demo.places import COUNTIES

MISSING = {"", "N/A", "Unknown", "Declined"}


def raw_bytes(path: Path, delivery: Delivery) -> bytes:
    if delivery.compression == "gzip":
        return gzip.decompress(path.read_bytes())
    if delivery.compression == "bz2":
        return bz2.decompress(path.read_bytes())
    if delivery.compression == "zstd":
        with pa.input_stream(str(path), compression="zstd") as stream:
            return stream.read()
    if delivery.compression == "zip":
        with zipfile.ZipFile(path) as archive:
            return archive.read(delivery.read_options["member"])
    return path.read_bytes()


def element_to_dict(element: ElementTree.Element) -> Any:
    if len(element) == 0:
        return element.text
    return {child.tag: element_to_dict(child) for child in element}


def records(path: Path, delivery: Delivery) -> list[dict[str, Any]]:
    options = delivery.read_options
    if delivery.format in {"csv", "tsv"}:
        text = raw_bytes(path, delivery).decode(options.get("encoding", "utf-8"))
        return list(csv.DictReader(io.StringIO(text, newline=""), delimiter=options["delimiter"]))
    if delivery.format == "xlsx":
        sheet = openpyxl.load_workbook(path, read_only=True)[options["sheet"]]
        rows = list(sheet.iter_rows(values_only=True))[options.get("header_row", 0) :]
        return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
    if delivery.format == "xls":
        return pl.read_excel(path, sheet_name=options["sheet"]).to_dicts()
    if delivery.format in {"sav", "dta"}:
        frame, _ = getattr(pyreadstat, f"read_{delivery.format}")(str(path))
        return frame.to_dict("records")
    if delivery.format == "json":
        document = json.loads(raw_bytes(path, delivery))
        return document[options["record_path"]] if "record_path" in options else document
    if delivery.format == "ndjson":
        return [json.loads(line) for line in raw_bytes(path, delivery).splitlines()]
    if delivery.format == "xml":
        root = ElementTree.fromstring(raw_bytes(path, delivery))
        return [element_to_dict(record) for record in root.iter(options["record_path"])]
    if delivery.format == "parquet":
        return pl.read_parquet(path).to_dicts()
    raise AssertionError(f"{delivery.key}: no reader for identifiers in {delivery.format}")


def value_at(record: dict[str, Any], path: str) -> Any:
    value: Any = record
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def canonical(kind: str, value: Any) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.isoformat()
    value = str(value)
    if value in MISSING:
        return None
    if kind == "date_of_birth":
        for layout in ("%Y-%m-%d", "%m/%d/%Y"):
            try:
                return dt.datetime.strptime(value, layout).date().isoformat()
            except ValueError:
                continue
        raise AssertionError(f"date of birth {value!r} in no known layout")
    if kind == "phone":
        return re.sub(r"\D", "", value)[-10:]
    if kind == "email":
        return value.lower()
    return value


def identifiers_in_files(manifest: EstateManifest, estate_dir: Path) -> dict[str, set[str]]:
    found: dict[str, set[str]] = defaultdict(set)
    for delivery in manifest.deliveries:
        if not delivery.identifier_columns:
            continue
        for record in records(estate_dir / delivery.key, delivery):
            for column, kind in delivery.identifier_columns.items():
                value = canonical(kind, value_at(record, column))
                if value is None:
                    continue
                found[kind].add(value)
                if kind == "full_name":
                    last, _, first = value.partition(", ")
                    if not first:
                        first, _, last = value.partition(" ")
                    found["first_name"].add(first)
                    found["last_name"].add(last)
    return found


def test_manifest_identifiers_are_exactly_those_in_the_files(
    manifest: EstateManifest, estate_dir: Path
) -> None:
    found = identifiers_in_files(manifest, estate_dir)
    for kind, values in manifest.identifiers.items():
        assert values, f"no {kind} recorded"
        missing_from_files = set(values) - found[kind]
        missing_from_manifest = found[kind] - set(values)
        assert not missing_from_files, f"{kind} not in any file: {sorted(missing_from_files)[:5]}"
        assert not missing_from_manifest, f"{kind} unlisted: {sorted(missing_from_manifest)[:5]}"


def test_identifiers_cannot_reach_real_people(manifest: EstateManifest) -> None:
    assert all(re.fullmatch(r"\d{3}55501\d{2}", phone) for phone in manifest.identifiers["phone"])
    assert all(email.endswith("@example.org") for email in manifest.identifiers["email"])


def test_person_identifiers_are_declared_on_person_level_deliveries(
    manifest: EstateManifest,
) -> None:
    person_level = {"screenings", "prosecutions", "service_cases"}
    for delivery in manifest.deliveries:
        if delivery.source in person_level and delivery.contributor != "bjs_fjsp":
            assert delivery.identifier_columns, delivery.key
        if delivery.source not in person_level:
            assert not delivery.identifier_columns, delivery.key


def test_fake_names_are_not_place_names() -> None:
    places = {
        name.lower() for name in COUNTIES["county_name"].to_list() + COUNTIES["city"].to_list()
    }
    names = FEMALE_FIRST_NAMES + MALE_FIRST_NAMES
    names += HISPANIC_LAST_NAMES + GENERAL_LAST_NAMES + ASIAN_LAST_NAMES
    assert not {name.lower() for name in names} & places
