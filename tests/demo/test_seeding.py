"""The demo sends only what the raw bucket lacks, and says what was new, changed or there."""

from __future__ import annotations

import hashlib

import fsspec

from infra.demo.seeding import Seeding, _same_content


def test_an_object_with_the_files_md5_as_etag_is_the_same_content(tmp_path):
    local = tmp_path / "screenings.csv"
    local.write_bytes(b"screening_id,screened_on\n1,2024-05-01\n")
    md5 = hashlib.md5(local.read_bytes()).hexdigest()
    size = local.stat().st_size

    assert _same_content(None, "raw/x", {"size": size, "ETag": f'"{md5}"'}, local)
    assert not _same_content(None, "raw/x", {"size": size, "ETag": '"' + "0" * 32 + '"'}, local)
    assert not _same_content(None, "raw/x", {"size": size + 1, "ETag": f'"{md5}"'}, local)


def test_a_multipart_etag_is_checked_by_reading_the_object_back(tmp_path):
    local = tmp_path / "screenings.csv"
    local.write_bytes(b"screening_id,screened_on\n1,2024-05-01\n")
    store = fsspec.filesystem("memory")
    store.pipe("/raw/same.csv", local.read_bytes())
    store.pipe("/raw/other.csv", local.read_bytes().replace(b"05", b"06"))
    info = {"size": local.stat().st_size, "ETag": '"9b2cf535f27731c974343645a3985328-2"'}

    assert _same_content(store, "/raw/same.csv", info, local)
    assert not _same_content(store, "/raw/other.csv", info, local)


def test_a_second_demo_says_nothing_was_new():
    seeding = Seeding(44, same=[f"raw/data/c__1/{n}.csv" for n in range(45)])

    assert seeding.lines("raw") == [
        "45 raw objects (44 deliveries) in s3://raw/: 0 new, 0 changed, 45 already in the raw "
        "bucket (same content)"
    ]


def test_the_first_demo_says_what_it_uploaded_and_what_it_could_not():
    seeding = Seeding(3, new=["raw/a", "raw/b"], changed=["raw/c"], refused={"nobody"})

    lines = seeding.lines("raw")

    assert lines[0].endswith("2 new, 1 changed, 0 already in the raw bucket (same content)")
    assert lines[1] == "the new and changed ones were uploaded, each with its contributor's keys"
    assert lines[2].startswith("not uploaded: nobody has no object-store keys")
