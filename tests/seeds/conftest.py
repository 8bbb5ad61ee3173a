"""Seed tables read as text, the way dbt receives them before its declared column types."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

import pytest

SEEDS_DIR = Path(__file__).resolve().parents[2] / "taxonomy_seeds"


def read_seed(name: str) -> list[dict[str, str]]:
    with (SEEDS_DIR / f"{name}.csv").open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    return SEEDS_DIR


@pytest.fixture(scope="session")
def seed() -> Callable[[str], list[dict[str, str]]]:
    cache: dict[str, list[dict[str, str]]] = {}

    def load(name: str) -> list[dict[str, str]]:
        if name not in cache:
            cache[name] = read_seed(name)
        return cache[name]

    return load
