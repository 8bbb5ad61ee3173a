"""The Dagster instance the hub writes: SQLite by default, PostgreSQL when its URL is set,
the URL never in the file, and an operator's own file kept."""

from __future__ import annotations

import pytest
import yaml

from orchestration.platform import instance
from orchestration.platform.settings import SettingsError

SECRET_URL = "postgresql://dagster:s3cret-pass@db.internal:5432/dagster"


@pytest.fixture
def no_postgres(monkeypatch):
    monkeypatch.delenv(instance.POSTGRES_URL_VARIABLE, raising=False)


def test_without_a_url_runs_and_events_stay_in_sqlite(no_postgres, tmp_path):
    said = instance.write(tmp_path)
    written = yaml.safe_load((tmp_path / "dagster.yaml").read_text())
    assert "storage" not in written
    assert written["concurrency"]["pools"]["default_limit"] == 1
    assert "SQLite" in said


def test_a_url_puts_storage_in_postgres_by_the_variable_never_the_password(monkeypatch, tmp_path):
    monkeypatch.setenv(instance.POSTGRES_URL_VARIABLE, SECRET_URL)
    said = instance.write(tmp_path)
    text = (tmp_path / "dagster.yaml").read_text()
    assert "s3cret-pass" not in text
    written = yaml.safe_load(text)
    assert written["storage"] == {
        "postgres": {"postgres_url": {"env": instance.POSTGRES_URL_VARIABLE}}
    }
    assert "PostgreSQL" in said


@pytest.mark.parametrize("scheme", ["postgres", "postgresql", "postgresql+psycopg2"])
def test_the_url_is_given_the_driver_dagster_postgres_speaks(monkeypatch, scheme):
    monkeypatch.setenv(instance.POSTGRES_URL_VARIABLE, SECRET_URL.replace("postgresql", scheme))
    assert instance.postgres_url() == SECRET_URL.replace("postgresql://", "postgresql+psycopg2://")


@pytest.mark.parametrize(
    "url", ["mysql://u:p@h/db", "sqlite:////etc/passwd", "db.internal:5432; rm -rf /"]
)
def test_anything_but_a_postgresql_url_is_refused_by_name(monkeypatch, url):
    monkeypatch.setenv(instance.POSTGRES_URL_VARIABLE, url)
    with pytest.raises(SettingsError, match=instance.POSTGRES_URL_VARIABLE):
        instance.postgres_url()


def test_an_operators_own_instance_file_is_kept(no_postgres, tmp_path):
    own = "run_launcher:\n  module: dagster_k8s\n  class: K8sRunLauncher\n"
    (tmp_path / "dagster.yaml").write_text(own)
    said = instance.write(tmp_path)
    assert (tmp_path / "dagster.yaml").read_text() == own
    assert "kept your own" in said


def test_a_file_the_hub_wrote_is_rewritten_for_the_new_settings(monkeypatch, tmp_path):
    monkeypatch.delenv(instance.POSTGRES_URL_VARIABLE, raising=False)
    instance.write(tmp_path)
    monkeypatch.setenv(instance.POSTGRES_URL_VARIABLE, SECRET_URL)
    instance.write(tmp_path)
    assert "storage" in yaml.safe_load((tmp_path / "dagster.yaml").read_text())
