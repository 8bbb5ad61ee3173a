"""Illicit massage businesses: point locations and status.

A monitoring NGO maps suspected businesses from buyer review boards and sends GeoJSON; the
Texas licensing regulator sends its massage establishment licences as a zipped shapefile.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

from infra.demo.estate import Estate
from infra.demo.places import counties
from infra.demo.sampling import as_dates, day_number, random_dates, weighted_rows

SOURCE = "massage_businesses"

NAME_FIRST = ("Golden", "Lotus", "Jade", "Happy", "Lucky", "Relax", "Sunny", "Blue Sky",
              "Pearl", "Orchid", "Bamboo", "Spring", "Royal", "Zen")  # fmt: skip
NAME_LAST = ("Spa", "Massage", "Foot Spa", "Health Center", "Bodywork", "Wellness",
             "Reflexology", "Day Spa")  # fmt: skip
STREETS = (
    "Westheimer Rd", "Bellaire Blvd", "Harwin Dr", "Main St", "Commerce St",
    "Veterans Memorial Hwy", "Biscayne Blvd", "US Hwy 19", "Airline Dr", "Buford Hwy",
    "Military Dr", "Colonial Dr", "Plank Rd", "Jefferson Hwy", "Spring Mountain Rd",
)  # fmt: skip
SURVEYED_ON = dt.date(2024, 6, 1)
STATUSES = ("open", "closed", "reopened_new_name", "under_investigation")


def _pick(rng: np.random.Generator, values: tuple[str, ...], size: int) -> pl.Series:
    return pl.Series(
        np.asarray(values, dtype=object)[rng.integers(0, len(values), size)], dtype=pl.String
    )


def businesses(rng: np.random.Generator, size: int, places: pl.DataFrame) -> pl.DataFrame:
    here = weighted_rows(rng, places, "population_thousands", size)
    first_seen = random_dates(rng, size, dt.date(2017, 1, 1), dt.date(2023, 12, 31))
    last_seen = np.minimum(first_seen + rng.integers(30, 2500, size), day_number(SURVEYED_ON))
    return here.select("state", "county_fips", "county_name", "city").with_columns(
        name=_pick(rng, NAME_FIRST, size) + " " + _pick(rng, NAME_LAST, size),
        address=pl.Series(rng.integers(100, 9999, size)).cast(pl.String)
        + " "
        + _pick(rng, STREETS, size),
        # Points scatter around the county centroid, as strip-mall addresses do.
        lon=pl.Series(here["lon"].to_numpy() + rng.normal(0, 0.08, size)).round(6),
        lat=pl.Series(here["lat"].to_numpy() + rng.normal(0, 0.06, size)).round(6),
        first_seen=as_dates(first_seen),
        last_seen=as_dates(last_seen),
        status=pl.Series(
            np.asarray(STATUSES, dtype=object)[rng.choice(4, size, p=[0.55, 0.25, 0.08, 0.12])],
            dtype=pl.String,
        ),
        review_mentions=pl.Series(rng.negative_binomial(2, 0.08, size)),
    )


def generate(estate: Estate) -> None:
    rng = estate.rng(SOURCE, "imb_monitor")
    found = businesses(rng, estate.rows(150), counties("TX", "FL", "LA", "GA", "NV", "CA"))
    estate.deliver(
        source=SOURCE,
        contributor="imb_monitor",
        label="2024-06",
        file_name="businesses.geojson",
        format="geojson",
        frames=[
            found.select(
                pl.format(
                    "IMB-{}", (pl.int_range(pl.len()) + 1).cast(pl.String).str.zfill(6)
                ).alias("business_id"),
                "name",
                "address",
                "city",
                "state",
                "county_fips",
                "status",
                "first_seen",
                "last_seen",
                "review_mentions",
                "lon",
                "lat",
            )
        ],
        delivered_on=dt.date(2024, 6, 20),
        write_options={"name": "suspected_illicit_massage_businesses"},
    )
    rng = estate.rng(SOURCE, "tx_tdlr")
    licensed = businesses(rng, estate.rows(80), counties("TX"))
    issued = licensed["first_seen"]
    estate.deliver(
        source=SOURCE,
        contributor="tx_tdlr",
        label="2024-05",
        file_name="massage_establishments.zip",
        format="shapefile",
        frames=[
            licensed.select(
                LIC_NO=pl.format(
                    "ME{}",
                    pl.Series(
                        1000
                        + rng.choice(
                            max(99_000, 3 * licensed.height), licensed.height, replace=False
                        )
                    ),
                ),
                EST_NAME=pl.col("name").str.to_uppercase(),
                ADDRESS=pl.col("address").str.to_uppercase(),
                CITY=pl.col("city").str.to_uppercase(),
                COUNTY=pl.col("county_name").str.to_uppercase(),
                LIC_STATUS=_pick(
                    rng,
                    ("ACTIVE", "ACTIVE", "ACTIVE", "EXPIRED", "SUSPENDED", "REVOKED"),
                    licensed.height,
                ),
                ISSUE_DT=issued,
                EXPIRE_DT=issued.dt.offset_by("2y"),
                lon="lon",
                lat="lat",
            )
        ],
        delivered_on=dt.date(2024, 5, 31),
        write_options={"layer": "massage_establishments"},
        read_options={"layer": "massage_establishments"},
    )
