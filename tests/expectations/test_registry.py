"""Gates are found by module name: expectations/<layer>/<source>.py."""

from __future__ import annotations

import great_expectations as gx
import pytest

import expectations.bronze
from expectations import registry

NEW_SOURCE = """
import great_expectations as gx


def gx_suite():
    return [gx.expectations.ExpectColumnValuesToNotBeNull(column="ad_id")]
"""


def test_the_foundation_sources_have_a_suite():
    assert registry.sources_with_gates("bronze") == ["hotline", "prosecutions", "screenings"]
    for source in registry.sources_with_gates("bronze"):
        suite = registry.suite_for("bronze", source)
        assert suite
        assert all(isinstance(item, gx.expectations.Expectation) for item in suite)
        assert registry.declared_gates("bronze", source) == {"gx_suite"}


def test_each_call_builds_a_fresh_suite():
    assert registry.suite_for("bronze", "screenings") is not registry.suite_for(
        "bronze", "screenings"
    )


def test_a_source_or_layer_without_a_module_has_no_gate():
    assert registry.suite_for("bronze", "police_offenses") is None
    assert registry.declared_gates("bronze", "police_offenses") == set()
    assert registry.suite_for("platinum", "screenings") is None
    assert registry.sources_with_gates("platinum") == []


def test_a_new_module_is_discovered_without_registration(tmp_path, monkeypatch):
    (tmp_path / "ad_scrapes.py").write_text(NEW_SOURCE)
    monkeypatch.setattr(
        expectations.bronze, "__path__", [*expectations.bronze.__path__, str(tmp_path)]
    )

    assert "ad_scrapes" in registry.sources_with_gates("bronze")
    (not_null,) = registry.suite_for("bronze", "ad_scrapes")
    assert not_null.column == "ad_id"


def test_a_module_without_a_suite_has_none(tmp_path, monkeypatch):
    (tmp_path / "labor_lists.py").write_text("COLUMNS = ('employer',)\n")
    monkeypatch.setattr(
        expectations.bronze, "__path__", [*expectations.bronze.__path__, str(tmp_path)]
    )

    assert registry.declared_gates("bronze", "labor_lists") == set()
    assert registry.suite_for("bronze", "labor_lists") is None


def test_a_gate_module_with_a_broken_import_is_reported_not_hidden(tmp_path, monkeypatch):
    (tmp_path / "service_cases.py").write_text("import no_such_package_for_gates\n")
    monkeypatch.setattr(
        expectations.bronze, "__path__", [*expectations.bronze.__path__, str(tmp_path)]
    )

    with pytest.raises(ModuleNotFoundError, match="no_such_package_for_gates"):
        registry.suite_for("bronze", "service_cases")


def test_a_suite_of_the_wrong_things_is_named(tmp_path, monkeypatch):
    (tmp_path / "policy_tracker.py").write_text("def gx_suite():\n    return ['not null']\n")
    monkeypatch.setattr(
        expectations.bronze, "__path__", [*expectations.bronze.__path__, str(tmp_path)]
    )

    with pytest.raises(registry.GateDefinitionError, match=r"policy_tracker\.py.*\['str'\]"):
        registry.suite_for("bronze", "policy_tracker")


@pytest.mark.parametrize("name", ["_common", "../adapters", "Screenings", "bronze.screenings"])
def test_names_that_are_not_gate_names_are_refused(name):
    with pytest.raises(ValueError, match="is not a gate name"):
        registry.suite_for("bronze", name)
