from orchestration.landing.raw_changes import (
    changed_sources,
    listing_digest,
    read_cursor,
    seen_by_landings,
    write_cursor,
)

DECLARED = {"screenings", "hotline"}


def test_only_sources_with_new_changed_or_removed_objects_are_run():
    before = {"screenings/a__1/x.csv": "e1", "hotline/b__1/y.xlsx": "e2"}
    assert changed_sources(before, dict(before), DECLARED) == set()
    added = {**before, "screenings/a__2/x.csv": "e3"}
    assert changed_sources(before, added, DECLARED) == {"screenings"}
    changed = {**before, "hotline/b__1/y.xlsx": "e9"}
    assert changed_sources(before, changed, DECLARED) == {"hotline"}
    removed = {"hotline/b__1/y.xlsx": "e2"}
    assert changed_sources(before, removed, DECLARED) == {"screenings"}


def test_undeclared_sources_start_nothing():
    current = {"unknown/a__1/x.csv": "e", "unknown/'; DROP TABLE x; --/y.csv": "e"}
    assert changed_sources({}, current, DECLARED) == set()


def test_a_misplaced_or_hostile_name_starts_its_data_set_so_the_run_reports_it():
    for key in ("screenings/loose.csv", "screenings/a__1/x'); DROP TABLE t; --.csv"):
        assert changed_sources({}, {key: "e"}, DECLARED) == {"screenings"}
    assert changed_sources({}, {"../screenings/a__1/x.csv": "e"}, DECLARED) == set()


def test_the_cursor_round_trips_and_the_digest_is_stable():
    listing = {"screenings/a__1/x.csv": "e1", "hotline/b__1/y.xlsx": "e2"}
    assert read_cursor(write_cursor(listing)) == listing
    assert read_cursor(None) == {}
    assert listing_digest(listing, "screenings") == listing_digest(dict(listing), "screenings")
    assert listing_digest(listing, "screenings") != listing_digest(
        {**listing, "screenings/a__1/x.csv": "e5"}, "screenings"
    )


def landed(raw_key: str, version: str, status: str = "landed") -> dict:
    """A ledger entry or a landing outcome, as landing writes them (keys carry the bucket)."""
    return {"raw_key": f"raw/{raw_key}", "version": version, "status": status}


def test_the_first_look_starts_only_data_sets_with_something_the_landings_have_not_seen():
    march, april = "screenings/a__2024-03/x.csv", "screenings/a__2024-04/x.csv"
    hotline = "hotline/b__2021/y.xlsx"
    ledgers = [{f"raw/{march}": landed(march, "e1")}, {f"raw/{hotline}": landed(hotline, "e2")}]
    seen = seen_by_landings("raw", ledgers, [None, None])
    assert seen == {march: "e1", hotline: "e2"}

    assert changed_sources(seen, {march: "e1", hotline: "e2"}, DECLARED) == set()
    assert changed_sources(seen, {march: "e1", hotline: "e9"}, DECLARED) == {"hotline"}
    assert changed_sources(seen, {march: "e1", april: "e3", hotline: "e2"}, DECLARED) == {
        "screenings"
    }
    # an object bronze holds is gone from raw: landing must remove it
    assert changed_sources(seen, {march: "e1"}, DECLARED) == {"hotline"}
    # nothing landed yet: every data set with objects starts
    nothing = seen_by_landings("raw", [{}, {}], [None, None])
    assert changed_sources(nothing, {march: "e1", hotline: "e2"}, DECLARED) == DECLARED


def test_what_the_last_landing_held_failed_or_ignored_at_the_same_etag_starts_nothing():
    march = "screenings/a__2024-03/x.csv"
    notes = "screenings/a__2024-03/readme.txt"
    ledger = {f"raw/{march}": landed(march, "e1")}
    last_landing = {
        "outcomes": [
            landed(march, "e2", "held"),  # the resend, held by a gate; bronze keeps e1
            landed(notes, "e5", "ignored"),
        ]
    }
    seen = seen_by_landings("raw", [ledger], [last_landing])
    assert changed_sources(seen, {march: "e2", notes: "e5"}, DECLARED) == set()
    assert changed_sources(seen, {march: "e3", notes: "e5"}, DECLARED) == {"screenings"}


def test_objects_of_another_bucket_are_not_taken_for_this_one():
    entry = {"raw_key": "old-raw/screenings/a__1/x.csv", "version": "e1"}
    assert seen_by_landings("raw", [{"k": entry}], [None]) == {}
