"""The gold scoring models compiled once by dbt, to run on crafted inputs in DuckDB."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from orchestration.lib.settings import DBT_PROJECT_DIR, duckdb_extension_directory

GOLD_MODELS = (
    "dataset_quality_scores",
    "taxonomy_cell_scores",
    "taxonomy_dimension_scores",
    "coverage_gaps",
)


@pytest.fixture(scope="session")
def compiled_sql(tmp_path_factory) -> dict[str, str]:
    target = tmp_path_factory.mktemp("dbt-target")
    env = {
        **os.environ,
        "HUB_WAREHOUSE_PATH": str(target / "warehouse.duckdb"),
        "HUB_DUCKDB_EXTENSION_DIRECTORY": str(duckdb_extension_directory()),
        "HUB_S3_ACCESS_KEY_ID": "unused",
        "HUB_S3_SECRET_ACCESS_KEY": "unused",
        "HUB_PSEUDONYM_KEY": "k" * 32,
        "DBT_TARGET_PATH": str(target),
    }
    completed = subprocess.run(
        [
            str(Path(sys.executable).parent / "dbt"),
            "compile",
            "--select",
            *GOLD_MODELS,
            "--project-dir",
            str(DBT_PROJECT_DIR),
            "--profiles-dir",
            str(DBT_PROJECT_DIR),
        ],
        env=env,
        capture_output=True,
        text=True,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    compiled = target / "compiled" / "trafficking_hub" / "models" / "gold" / "quality"
    return {model: (compiled / f"{model}.sql").read_text() for model in GOLD_MODELS}
