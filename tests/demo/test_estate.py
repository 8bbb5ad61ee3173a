"""The estate as a whole: complete, keyed by convention, deterministic."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

from infra.demo.generate import SOURCES, generate_estate
from infra.demo.manifest import MANIFEST_NAME, EstateManifest

SYNTHETIC_SOURCES = {
    "screenings",
    "hotline",
    "prosecutions",
    "state_policies",
    "commercial_sex_ads",
    "massage_businesses",
    "police_offenses",
    "service_cases",
    "labor_exploitation",
    "prevention_programs",
    "community_vulnerability",
}
EXCERPT_KEYS = {
    "fbi_ht_agency/fbi_cde__2013-2020/HT_2013-2020.csv",
    "fbi_ht_state_tables/fbi_ucr__2017/Human_Trafficking_Offenses_and_Clearances_by_State_2017.csv",
    "ilab_goods/dol_ilab__2022/goods.xml",
}
KEY = re.compile(r"^[a-z_]+/[a-z][a-z0-9_]*__[A-Za-z0-9][A-Za-z0-9.-]*/[^/]+$")


def tree(root: Path) -> dict[str, bytes]:
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def test_every_source_has_at_least_one_delivery(manifest: EstateManifest) -> None:
    assert set(manifest.sources) >= SYNTHETIC_SOURCES
    assert set(manifest.sources) == set(SOURCES)
    assert {delivery.key for delivery in manifest.deliveries} >= EXCERPT_KEYS
    for source in SYNTHETIC_SOURCES:
        contributors = {d.contributor for d in manifest.deliveries if d.source == source}
        assert len(contributors) >= 2, f"{source} has one contributor only: {contributors}"


def test_keys_follow_the_raw_bucket_convention(manifest: EstateManifest, estate_dir: Path) -> None:
    for delivery in manifest.deliveries:
        assert KEY.match(delivery.key), delivery.key
        source, folder, _ = delivery.key.split("/")
        assert (source, folder) == (delivery.source, f"{delivery.contributor}__{delivery.label}")
    listed = {d.key for d in manifest.deliveries} | {
        key for d in manifest.deliveries for key in d.companion_keys
    }
    on_disk = set(tree(estate_dir)) - {MANIFEST_NAME}
    assert on_disk == listed
    assert not any(name.startswith("_") for name in on_disk)


def test_manifest_measures_every_file(manifest: EstateManifest, estate_dir: Path) -> None:
    for delivery in manifest.deliveries:
        data = (estate_dir / delivery.key).read_bytes()
        assert len(data) == delivery.bytes
        assert hashlib.sha256(data).hexdigest() == delivery.sha256
        assert delivery.rows > 0


def test_estate_uses_many_formats(manifest: EstateManifest) -> None:
    formats = {d.format for d in manifest.deliveries}
    assert formats >= {
        "csv", "tsv", "fixed_width", "xlsx", "xls", "ods", "json", "ndjson", "xml", "html",
        "parquet", "avro", "arrow", "orc", "xpt", "sav", "dta", "sqlite", "geojson", "shapefile",
    }  # fmt: skip
    delimiters = {d.read_options.get("delimiter") for d in manifest.deliveries}
    assert {",", "\t", "|", ";"} <= delimiters
    assert {d.compression for d in manifest.deliveries} >= {"gzip", "bz2", "zstd", "zip"}


def test_scale_one_is_small(manifest: EstateManifest) -> None:
    assert sum(d.bytes for d in manifest.deliveries) < 10_000_000


def test_same_seed_gives_byte_identical_files(estate_dir: Path, tmp_path: Path) -> None:
    generate_estate(tmp_path, seed=2026)
    assert tree(tmp_path) == tree(estate_dir)


def test_other_seed_gives_other_data(manifest: EstateManifest, tmp_path: Path) -> None:
    other = generate_estate(tmp_path, seed=7)
    before = {d.key: d.sha256 for d in manifest.deliveries}
    for delivery in other.deliveries:
        if delivery.synthetic:
            assert delivery.sha256 != before[delivery.key], delivery.key
        else:
            assert delivery.sha256 == before[delivery.key], delivery.key


def test_one_source_alone_matches_the_full_estate(estate_dir: Path, tmp_path: Path) -> None:
    alone = generate_estate(tmp_path, seed=2026, only=["screenings", "service_cases"])
    assert set(alone.sources) == {"screenings", "service_cases"}
    for delivery in alone.deliveries:
        assert (tmp_path / delivery.key).read_bytes() == (estate_dir / delivery.key).read_bytes()


def test_scale_multiplies_record_level_rows(manifest: EstateManifest, tmp_path: Path) -> None:
    doubled = generate_estate(tmp_path, seed=2026, scale=2, only=["screenings", "hotline"])
    rows = {d.key: d.rows for d in manifest.deliveries}
    for delivery in doubled.deliveries:
        if delivery.source == "screenings" and delivery.defect is None:
            assert delivery.rows == 2 * rows[delivery.key], delivery.key
        if delivery.source == "hotline":
            assert delivery.rows == rows[delivery.key], "aggregate grains do not scale"


def test_unknown_source_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown sources"):
        generate_estate(tmp_path, only=["screening"])
