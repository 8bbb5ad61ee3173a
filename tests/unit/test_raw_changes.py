from orchestration.lib.raw_changes import changed_sources, listing_digest, read_cursor, write_cursor

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


def test_undeclared_sources_and_misplaced_objects_start_nothing():
    current = {"unknown/a__1/x.csv": "e", "screenings/loose.csv": "e"}
    assert changed_sources({}, current, DECLARED) == set()


def test_the_cursor_round_trips_and_the_digest_is_stable():
    listing = {"screenings/a__1/x.csv": "e1", "hotline/b__1/y.xlsx": "e2"}
    assert read_cursor(write_cursor(listing)) == listing
    assert read_cursor(None) == {}
    assert listing_digest(listing, "screenings") == listing_digest(dict(listing), "screenings")
    assert listing_digest(listing, "screenings") != listing_digest(
        {**listing, "screenings/a__1/x.csv": "e5"}, "screenings"
    )
