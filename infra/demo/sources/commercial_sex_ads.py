"""Online commercial-sex advertisements, aggregated by city and week.

A university lab scrapes ad sites and sends weekly city counts as Avro; an NGO monitoring
the same market sends metro-area counts keyed by ISO week as an Arrow (Feather) file. The
two overlap and disagree, as independent scrapes do.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

from infra.demo.estate import Estate
from infra.demo.places import counties
from infra.demo.sampling import counts

SOURCE = "commercial_sex_ads"

CITIES = (
    "Houston", "Dallas", "San Antonio", "Austin", "Fort Worth", "El Paso", "McAllen",
    "New Orleans", "Baton Rouge", "Shreveport", "Miami", "Orlando", "Tampa", "Jacksonville",
    "Fort Lauderdale", "Atlanta", "Las Vegas",
)  # fmt: skip

# Large events draw ads: the 2024 Super Bowl in Las Vegas, Mardi Gras in New Orleans.
EVENT_WEEKS = {("Las Vegas", dt.date(2024, 2, 5)): 1.6, ("New Orleans", dt.date(2024, 2, 12)): 1.35}


def weekly_ads(estate: Estate, first_monday: dt.date, weeks: int) -> pl.DataFrame:
    rng = estate.rng(SOURCE, "market")
    places = (
        counties().filter(pl.col("city").is_in(CITIES)).unique("city", keep="first").sort("city")
    )
    base = places.get_column("population_thousands").to_numpy() * rng.uniform(
        0.12, 0.3, places.height
    )
    rows = []
    for week in range(weeks):
        monday = first_monday + dt.timedelta(weeks=week)
        lift = np.array([EVENT_WEEKS.get((city, monday), 1.0) for city in places["city"]])
        ads = counts(rng, base * lift * (1 + 0.1 * np.sin(week / 4)), dispersion=0.02)
        phones = np.minimum(ads, counts(rng, ads * 0.42))
        rows.append(
            places.select("city", "state", "county_fips").with_columns(
                week_start=pl.lit(monday),
                ads_posted=pl.Series(ads),
                unique_phones=pl.Series(phones),
                new_phones=pl.Series(rng.binomial(phones, 0.18)),
                median_price_usd=pl.Series(np.round(rng.normal(180, 25, places.height) / 5) * 5),
                share_youth_terms=pl.Series(np.round(rng.beta(2, 40, places.height), 4)),
                share_multi_city=pl.Series(np.round(rng.beta(5, 12, places.height), 4)),
            )
        )
    return pl.concat(rows)


def generate(estate: Estate) -> None:
    market = weekly_ads(estate, dt.date(2024, 1, 1), 26)
    for quarter, first, last in (
        ("2024-Q1", dt.date(2024, 1, 1), dt.date(2024, 3, 31)),
        ("2024-Q2", dt.date(2024, 4, 1), dt.date(2024, 6, 30)),
    ):
        rng = estate.rng(SOURCE, "univ_ads_lab", quarter)
        frame = market.filter(pl.col("week_start").is_between(first, last)).drop("new_phones")
        # Prices are only reported where at least 20 ads quoted one.
        thin = pl.Series(rng.random(frame.height) < 0.05) | (pl.col("ads_posted") < 20)
        estate.deliver(
            source=SOURCE,
            contributor="univ_ads_lab",
            label=quarter,
            file_name="ads_city_week.avro",
            format="avro",
            frames=[
                frame.with_columns(
                    median_price_usd=pl.when(thin).then(None).otherwise("median_price_usd")
                )
            ],
            delivered_on=last + dt.timedelta(days=10),
            write_options={
                "record_name": "CityWeek",
                "namespace": "edu.adslab.scrape",
                "sync_seed": f"univ_ads_lab/{quarter}",
            },
        )
    ngo = market.filter(pl.col("state").is_in(["TX", "LA", "GA"])).select(
        metro=pl.format("{} metro", "city"),
        iso_week=pl.col("week_start").dt.strftime("%G-W%V"),
        n_ads=(pl.col("ads_posted") * 0.9).round().cast(pl.Int64),
        n_phones="unique_phones",
        n_new_phones="new_phones",
    )
    estate.deliver(
        source=SOURCE,
        contributor="ads_monitor_ngo",
        label="2024-H1",
        file_name="ads_metro_week.arrow",
        format="arrow",
        frames=[ngo],
        delivered_on=dt.date(2024, 7, 15),
    )
