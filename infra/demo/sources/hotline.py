"""National hotline statistics: signals, cases and potential victims by state and year."""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

from infra.demo.estate import Estate
from infra.demo.places import STATES
from infra.demo.sampling import counts

SOURCE = "hotline"

# Reporting is higher where awareness campaigns and large metro areas are.
HIGH_REPORTING = {"TX": 1.5, "FL": 1.6, "NV": 2.2, "GA": 1.4, "CA": 1.3, "LA": 1.3, "DC": 2.5}


def state_year_counts(estate: Estate, years: range) -> pl.DataFrame:
    """Hotline counts for every state and year; one draw shared by all contributors."""
    rng = estate.rng(SOURCE, "state_year")
    population = np.array([state.population_millions for state in STATES])
    reporting = np.array([HIGH_REPORTING.get(state.abbr, 1.0) for state in STATES])
    reporting *= rng.lognormal(0, 0.25, len(STATES))
    frames = []
    for offset, year in enumerate(years):
        cases = counts(rng, 26 * population * reporting * 1.06**offset, dispersion=0.05)
        sex = rng.binomial(cases, 0.71)
        frames.append(
            pl.DataFrame(
                {
                    "state": [state.abbr for state in STATES],
                    "state_name": [state.name for state in STATES],
                    "year": year,
                    "signals": cases * 4 + counts(rng, cases * 1.6 + 3),
                    "cases": cases,
                    "potential_victims": cases + counts(rng, cases * 0.8),
                    "sex_trafficking_cases": sex,
                    "labor_trafficking_cases": rng.binomial(cases - sex, 0.35),
                }
            )
        )
    return pl.concat(frames).with_columns(pl.col(pl.Int64, pl.Int32).cast(pl.Int64))


def generate(estate: Estate) -> None:
    table = state_year_counts(estate, range(2018, 2024))
    for year in (2021, 2022, 2023):
        estate.deliver(
            source=SOURCE,
            contributor="nhth",
            label=str(year),
            file_name="hotline_by_state.xlsx",
            format="xlsx",
            frames=[
                table.filter(pl.col("year") == year).select(
                    "state",
                    "year",
                    "signals",
                    "cases",
                    "potential_victims",
                    "sex_trafficking_cases",
                    "labor_trafficking_cases",
                )
            ],
            delivered_on=dt.date(year + 1, 3, 1),
            write_options={"sheet": "by_state"},
            read_options={"sheet": "by_state"},
        )
    # Earlier years only survive as the statistics web pages, scraped into one table.
    earlier = table.filter(pl.col("year") <= 2020).sort("year", "state_name")
    estate.deliver(
        source=SOURCE,
        contributor="nhth_web",
        label="2018-2020",
        file_name="state_statistics.html",
        format="html",
        frames=[
            earlier.select(
                pl.col("state_name").alias("State"),
                pl.col("year").alias("Year"),
                pl.col("signals").alias("Signals"),
                pl.col("cases").alias("Cases Identified"),
                pl.col("potential_victims").alias("Victims Identified"),
            )
        ],
        delivered_on=dt.date(2021, 6, 1),
        write_options={
            "title": "Hotline Statistics by State",
            "caption": "Signals, cases and victims identified, 2018-2020",
            "thousands": True,
            "footnote": "Cases are counted once per state and year in which they were reported.",
        },
        read_options={"table_index": 0, "thousands": ","},
    )
