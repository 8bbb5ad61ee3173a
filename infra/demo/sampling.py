"""Vectorised random draws shared by the data set generators."""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

EPOCH = dt.date(1970, 1, 1)


def day_number(day: dt.date) -> int:
    return (day - EPOCH).days


def random_dates(rng: np.random.Generator, size: int, first: dt.date, last: dt.date) -> np.ndarray:
    """Day numbers (days since 1970-01-01) drawn uniformly from first..last inclusive."""
    return rng.integers(day_number(first), day_number(last) + 1, size)


def as_dates(days: np.ndarray) -> pl.Series:
    return pl.Series(days, dtype=pl.Int32).cast(pl.Date)


def weighted_rows(
    rng: np.random.Generator, frame: pl.DataFrame, weight: str, size: int
) -> pl.DataFrame:
    """`size` rows of `frame` drawn with replacement in proportion to column `weight`."""
    weights = frame.get_column(weight).cast(pl.Float64).to_numpy()
    picks = rng.choice(frame.height, size=size, p=weights / weights.sum())
    return frame[picks]


def month_range(label: str) -> tuple[dt.date, dt.date]:
    """First and last day of a YYYY-MM label."""
    year, month = (int(part) for part in label.split("-"))
    first = dt.date(year, month, 1)
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    return first, following - dt.timedelta(days=1)


def counts(rng: np.random.Generator, expected: np.ndarray, dispersion: float = 0.0) -> np.ndarray:
    """Poisson counts around `expected`, over-dispersed (gamma-Poisson) when dispersion > 0."""
    expected = np.asarray(expected, dtype=float)
    if dispersion > 0:
        expected = rng.gamma(1 / dispersion, expected * dispersion)
    return rng.poisson(expected)
