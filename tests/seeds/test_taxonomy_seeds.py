"""The taxonomy and the rules that map source indicators to its cells."""

from __future__ import annotations

import itertools
from collections import defaultdict

from orchestration.platform.declarations import load_source_specs
from orchestration.platform.settings import DBT_PROJECT_DIR

INTERVENTIONS = ("prevention", "protection", "prosecution")
CONDITIONS = ("supply", "demand", "distribution")
LEVELS = ("individual", "community", "system")


def test_cells_are_the_full_cartesian_product(seed):
    cells = seed("taxonomy_cells")
    expected = {".".join(combo) for combo in itertools.product(INTERVENTIONS, CONDITIONS, LEVELS)}

    assert len(cells) == 27
    assert {cell["cell_id"] for cell in cells} == expected
    for cell in cells:
        assert cell["cell_id"] == f"{cell['intervention']}.{cell['condition']}.{cell['level']}"
        assert cell["name"] and cell["description"] and cell["example_data"], cell["cell_id"]
    assert len({cell["name"] for cell in cells}) == 27


def test_dimensions_list_the_values_the_cells_use(seed):
    dimensions = seed("taxonomy_dimensions")
    values = defaultdict(list)
    for row in sorted(dimensions, key=lambda row: int(row["sort_order"])):
        values[row["dimension"]].append(row["value"])

    assert len(dimensions) == 9
    assert values == {
        "condition": list(CONDITIONS),
        "intervention": list(INTERVENTIONS),
        "level": list(LEVELS),
    }


def test_every_mapped_cell_exists(seed):
    cell_ids = {cell["cell_id"] for cell in seed("taxonomy_cells")}
    unknown = [rule for rule in seed("indicator_cell_map") if rule["cell_id"] not in cell_ids]
    assert unknown == []


def test_every_declared_data_set_feeds_cells_and_every_rule_a_declared_data_set(seed):
    mapped = {rule["data_set"] for rule in seed("indicator_cell_map")}
    specs = load_source_specs(DBT_PROJECT_DIR)
    declared = {spec.name for spec in specs}
    assert mapped <= declared
    by_declaration = {spec.name for spec in specs if (spec.silver or {}).get("cells")}
    assert declared == mapped | by_declaration


def test_map_rules_are_unique_and_explained(seed):
    rules = seed("indicator_cell_map")
    keys = [
        (rule["data_set"], rule["indicator_kind"], rule["indicator_code"], rule["cell_id"])
        for rule in rules
    ]
    assert len(keys) == len(set(keys))
    assert all(rule["rule_note"].strip() for rule in rules)


def test_indicator_codes_are_known_codes_of_their_kind(seed):
    htcds = defaultdict(set)
    for row in seed("htcds_code_map"):
        htcds[row["field"]].add(row["canonical_code"])
    known = {
        "data_set": {"*"},
        "nibrs_offense": {row["offense_code"] for row in seed("nibrs_offense_codes")},
        "fbi_offense_subcat": {"81", "82"},
        "htcds_exploitation_type": htcds["exploitation_type"],
        "htcds_role": htcds["role"],
        "policy_category": {row["category"] for row in seed("policy_categories")},
        "screening_item": {row["item_code"] for row in seed("screening_items")},
    }
    for rule in seed("indicator_cell_map"):
        assert rule["indicator_kind"] in known, rule
        assert rule["indicator_code"] in known[rule["indicator_kind"]], rule


def test_nibrs_rules_follow_the_offense_definitions(seed):
    cells_by_offense = defaultdict(set)
    for rule in seed("indicator_cell_map"):
        if rule["indicator_kind"] == "nibrs_offense":
            cells_by_offense[rule["indicator_code"]].add(rule["cell_id"])

    assert cells_by_offense["40C"] == {"prosecution.demand.individual"}
    assert cells_by_offense["40B"] == {"prosecution.distribution.individual"}
    for trafficking_offense in ("64A", "64B"):
        assert cells_by_offense[trafficking_offense] == {
            "prosecution.distribution.individual",
            "protection.supply.individual",
        }


def test_each_policy_sits_in_a_cell_its_category_feeds(seed):
    cells_by_category = defaultdict(set)
    for rule in seed("indicator_cell_map"):
        if rule["indicator_kind"] == "policy_category":
            cells_by_category[rule["indicator_code"]].add(rule["cell_id"])
    policies = seed("policy_categories")

    for policy in policies:
        cell_id = f"{policy['intervention']}.{policy['condition']}.{policy['level']}"
        assert cell_id in cells_by_category[policy["category"]], policy["policy_code"]
    assert set(cells_by_category) == {policy["category"] for policy in policies}
    assert len(policies) >= 25


def test_every_dimension_value_has_a_fed_cell(seed):
    fed = {tuple(rule["cell_id"].split(".")) for rule in seed("indicator_cell_map")}

    assert 0 < len(fed) < 27, "the demo leaves some cells empty, as the field does"
    for position, values in enumerate((INTERVENTIONS, CONDITIONS, LEVELS)):
        for value in values:
            assert any(cell[position] == value for cell in fed), value


def test_screening_items_cover_the_tool(seed):
    items = {row["item_code"] for row in seed("screening_items")}
    assert items == {f"item_{number:02d}" for number in range(1, 7)} | {"concern_level"}
