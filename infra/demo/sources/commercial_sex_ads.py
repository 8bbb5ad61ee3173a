"""Online commercial-sex advertisements, aggregated by city and week.

A university lab scrapes ad sites and sends weekly city counts as Avro; an NGO monitoring
the same market sends metro-area counts keyed by ISO week as an Arrow (Feather) file. The
two overlap and disagree, as independent scrapes do.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import numpy as np
import polars as pl

from infra.demo.estate import Estate, chunk_sizes
from infra.demo.places import counties
from infra.demo.sampling import counts, day_number

SOURCE = "commercial_sex_ads"

CITIES = (
    "Houston", "Dallas", "San Antonio", "Austin", "Fort Worth", "El Paso", "McAllen",
    "New Orleans", "Baton Rouge", "Shreveport", "Miami", "Orlando", "Tampa", "Jacksonville",
    "Fort Lauderdale", "Atlanta", "Las Vegas",
)  # fmt: skip

# With `ads_rows`, the NGO's monitoring reaches many areas of each metro, sent a quarter
# (13 ISO weeks) at a time in deliveries of at most this many rows.
SCRAPE_DELIVERY_ROWS = 10_000_000
SCRAPE_WEEKS = 13
SCRAPE_FIRST_MONDAY = dt.date(2000, 1, 3)

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
    if estate.ads_rows is not None:
        _scraped_areas(estate, estate.ads_rows)
        return
    estate.deliver(
        source=SOURCE,
        contributor="ads_monitor_ngo",
        label="2024-H1",
        file_name="ads_metro_week.arrow",
        format="arrow",
        frames=[ngo],
        delivered_on=dt.date(2024, 7, 15),
    )


def _scraped_area_weeks(
    estate: Estate, label: str, first_monday: dt.date, rows: int
) -> Iterator[pl.DataFrame]:
    """`rows` area-weeks of one quarter in the NGO's layout, generated chunk by chunk: area
    `n` of the quarter is "<city> metro area <n>" (its state given, as the area is no metro the
    seeds know), and each area has a row for each of the quarter's weeks."""
    rng = estate.rng(SOURCE, "ads_monitor_ngo", label)
    metros = (
        counties().filter(pl.col("city").is_in(CITIES)).unique("city", keep="first").sort("city")
    )
    start = 0
    for size in chunk_sizes(rows):
        position = np.arange(start, start + size)
        area = position // SCRAPE_WEEKS
        ads = rng.poisson(rng.uniform(5, 400, size))
        phones = rng.binomial(ads, 0.42)
        yield pl.DataFrame(
            {
                "area": area,
                "monday": pl.Series(
                    position % SCRAPE_WEEKS * 7 + day_number(first_monday), dtype=pl.Int32
                ),
                "n_ads": ads,
                "n_phones": phones,
                "n_new_phones": rng.binomial(phones, 0.18),
            }
        ).select(
            metro=pl.concat_str(
                pl.lit(metros.get_column("city")).gather(pl.col("area") % metros.height),
                pl.lit(" metro area "),
                pl.col("area").cast(pl.String),
            ),
            state=pl.lit(metros.get_column("state")).gather(pl.col("area") % metros.height),
            iso_week=pl.col("monday").cast(pl.Date).dt.strftime("%G-W%V"),
            n_ads="n_ads",
            n_phones="n_phones",
            n_new_phones="n_new_phones",
        )
        start += size


def _scraped_areas(estate: Estate, total: int) -> None:
    """The NGO's quarterly Arrow files holding `total` area-weeks altogether."""
    for quarter, rows in enumerate(chunk_sizes(total, SCRAPE_DELIVERY_ROWS)):
        first = SCRAPE_FIRST_MONDAY + dt.timedelta(weeks=SCRAPE_WEEKS * quarter)
        label = first.strftime("%G-W%V")
        estate.deliver(
            source=SOURCE,
            contributor="ads_monitor_ngo",
            label=label,
            file_name="ads_metro_week.arrow",
            format="arrow",
            frames=_scraped_area_weeks(estate, label, first, rows),
            delivered_on=first + dt.timedelta(weeks=SCRAPE_WEEKS, days=10),
        )
