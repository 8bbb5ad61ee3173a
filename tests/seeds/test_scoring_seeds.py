"""The scoring rubric, its settings and the data set catalog it is measured against."""

from __future__ import annotations

from orchestration.platform.declarations import CONTRIBUTOR_KINDS, load_source_specs
from orchestration.platform.settings import DBT_PROJECT_DIR

CRITERIA = {
    "reliability_validity": {
        "freshness",
        "definitional_consistency",
        "completeness",
        "taxonomic_applicability",
    },
    "coverage": {"temporal_coverage", "geographic_coverage", "demographic_coverage"},
}
DEMOGRAPHIC_DIMENSIONS = {"age", "sex", "race_ethnicity", "nationality"}


def ordinal_score(value: float, criterion: dict[str, str]) -> int:
    """The rubric's rule: the highest level whose threshold the value reaches."""
    thresholds = [float(criterion[f"threshold_{level}"]) for level in (1, 2, 3)]
    if criterion["direction"] == "higher_is_better":
        reached = [value >= threshold for threshold in thresholds]
    else:
        reached = [value <= threshold for threshold in thresholds]
    return sum(reached)


def test_rubric_has_seven_criteria_in_two_groups(seed):
    rubric = seed("scoring_rubric")
    groups: dict[str, set[str]] = {}
    for criterion in rubric:
        groups.setdefault(criterion["criterion_group"], set()).add(criterion["criterion"])

    assert len(rubric) == 7
    assert groups == CRITERIA
    assert {float(criterion["weight"]) for criterion in rubric} == {1.0}
    assert all(criterion["measure"].strip() for criterion in rubric)


def test_thresholds_are_monotone_in_the_declared_direction(seed):
    for criterion in seed("scoring_rubric"):
        first, second, third = (float(criterion[f"threshold_{level}"]) for level in (1, 2, 3))
        if criterion["direction"] == "higher_is_better":
            assert 0 <= first < second < third, criterion["criterion"]
        else:
            assert criterion["direction"] == "lower_is_better", criterion["criterion"]
            assert first > second > third > 0, criterion["criterion"]
        if criterion["unit"] == "share":
            assert third <= 1, criterion["criterion"]


def test_freshness_scores_fall_as_data_ages(seed):
    freshness = next(row for row in seed("scoring_rubric") if row["criterion"] == "freshness")
    scores = [ordinal_score(age, freshness) for age in (0.5, 1, 1.5, 2, 3, 4, 10)]
    assert scores == [3, 3, 2, 2, 1, 1, 0]


def test_settings_are_present_and_usable(seed):
    settings = {row["setting"]: row["value"] for row in seed("scoring_settings")}

    assert int(settings["target_window_start_year"]) == 2013
    assert int(settings["target_window_end_year"]) == 2024
    assert settings["cell_score_rule"] in {"max", "mean"}
    assert int(settings["small_cell_threshold"]) == 11
    weights = [float(settings[f"group_weight_{group}"]) for group in CRITERIA]
    assert sum(weights) == 1.0
    assert float(settings["normalized_score_max"]) == 10
    assert 0 < float(settings["nonstandard_definition_factor"]) <= 1
    assert 0 < float(settings["demographic_usable_share"]) <= 1
    assert all(row["description"].strip() for row in seed("scoring_settings"))


def test_declarations_say_what_each_data_set_is_scored_against(seed):
    # the catalog the scoring reads is derived from these (models/reference/data_set_catalog)
    cells = {cell["cell_id"] for cell in seed("taxonomy_cells")}
    for spec in load_source_specs(DBT_PROJECT_DIR):
        assert spec.publisher_type in CONTRIBUTOR_KINDS, spec.name
        assert spec.grain and spec.title, spec.name
        assert set(spec.demographic_dimensions) <= DEMOGRAPHIC_DIMENSIONS, spec.name
        fields = spec.expected_fields
        assert fields and len(fields) == len(set(fields)), spec.name
        assert set((spec.silver or {}).get("cells") or []) <= cells, spec.name
