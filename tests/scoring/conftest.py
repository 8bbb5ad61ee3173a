"""The gold scoring models compiled once by dbt, to run on crafted inputs in DuckDB."""

import pytest

GOLD_MODELS = (
    "dataset_quality_scores",
    "taxonomy_cell_scores",
    "taxonomy_dimension_scores",
    "coverage_gaps",
)


@pytest.fixture(scope="session")
def compiled_sql(tmp_path_factory, dbt_offline) -> dict[str, str]:
    target = tmp_path_factory.mktemp("dbt-target")
    dbt_offline(target, "compile", "--select", *GOLD_MODELS)
    compiled = target / "compiled" / "trafficking_hub" / "models" / "gold" / "quality"
    return {model: (compiled / f"{model}.sql").read_text() for model in GOLD_MODELS}
