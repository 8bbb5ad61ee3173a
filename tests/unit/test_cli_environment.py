"""`.venv/bin/hub` finds the environment's own tools from any shell."""

import subprocess
import sys
from pathlib import Path


def test_the_hub_finds_dbt_without_the_environment_on_path(tmp_path):
    # `.venv/bin/hub prepare` from a fresh shell: dagster-dbt looks dbt up on PATH
    program = (
        "import shutil; from orchestration import cli; cli._prepare_environment(); "
        "print(shutil.which('dbt'))"
    )
    completed = subprocess.run(
        [sys.executable, "-c", program],
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "HUB_HOME": str(tmp_path / "hub")},
        capture_output=True,
        text=True,
        cwd=Path(__file__).parents[2],
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip() == str(Path(sys.executable).parent / "dbt")
