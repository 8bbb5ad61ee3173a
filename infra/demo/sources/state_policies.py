"""Which of 25 core anti-trafficking policies each state has adopted, and when.

A policy tracker sends a wide spreadsheet (a column per policy, the year adopted or blank);
a legislatures' association sends a SQLite database of the enacted bills behind them.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

from infra.demo.estate import Estate
from infra.demo.places import PILOT_STATES, STATES

SOURCE = "state_policies"

# policy code: (title, share of states that have it by 2024, earliest plausible year)
CORE_POLICIES = {
    "sex_trafficking_statute": ("Sex trafficking crime", 1.00, 2003),
    "labor_trafficking_statute": ("Labor trafficking crime", 0.98, 2003),
    "asset_forfeiture": ("Asset forfeiture for trafficking", 0.80, 2005),
    "investigative_wiretap": ("Wiretapping authorized for trafficking", 0.60, 2006),
    "law_enforcement_training": ("Mandatory law enforcement training", 0.55, 2007),
    "statewide_task_force": ("Statewide task force", 0.85, 2005),
    "hotline_posting": ("Hotline number posting required", 0.75, 2009),
    "safe_harbor_minors": ("Safe harbor: minors not prosecuted for prostitution", 0.70, 2008),
    "victim_assistance": ("Victim assistance programmes", 0.80, 2006),
    "civil_remedy": ("Civil cause of action for survivors", 0.75, 2006),
    "vacatur": ("Vacating convictions of survivors", 0.85, 2010),
    "buyer_penalties": ("Enhanced penalties for buying sex with a minor", 0.80, 2009),
    "no_mistake_of_age_defense": ("No mistake-of-age defence for buyers", 0.65, 2009),
    "trafficker_sex_offender_registry": ("Sex-offender registration of traffickers", 0.80, 2007),
    "racketeering_predicate": ("Trafficking a racketeering predicate", 0.50, 2008),
    "child_welfare_reporting": ("Child welfare must report suspected trafficking", 0.70, 2015),
    "child_welfare_response": ("Child welfare response to trafficked youth", 0.65, 2015),
    "affirmative_defense": ("Affirmative defence for survivors", 0.60, 2010),
    "victim_compensation": ("Survivors eligible for crime victim compensation", 0.75, 2008),
    "school_training_mandate": ("Trafficking prevention training in schools", 0.40, 2013),
    "hotel_training_mandate": ("Hotel staff training", 0.30, 2016),
    "massage_business_regulation": ("Massage establishment licensing", 0.45, 2012),
    "supply_chain_disclosure": ("Supply chain transparency", 0.08, 2010),
    "commercial_driver_training": ("Commercial driver training and disqualification", 0.40, 2017),
    "data_collection_mandate": ("State trafficking data collection mandate", 0.45, 2011),
}


def adoption_years(estate: Estate) -> pl.DataFrame:
    """State x policy with the year adopted, or null; the pilot states lead on most policies."""
    rng = estate.rng(SOURCE, "adoption")
    rows = []
    for state in STATES:
        lead = 1.25 if state.abbr in PILOT_STATES else 1.0
        for code, (_, share, earliest) in CORE_POLICIES.items():
            adopted = rng.random() < min(share * lead, 1.0)
            year = int(min(2024, earliest + rng.gamma(2.0, 3.0))) if adopted else None
            rows.append((state.abbr, state.name, code, year))
    return pl.DataFrame(
        rows, schema=["state", "state_name", "policy", "year_adopted"], orient="row"
    ).with_columns(pl.col("year_adopted").cast(pl.Int64))


def generate(estate: Estate) -> None:
    adopted = adoption_years(estate)
    wide = adopted.pivot(on="policy", index=["state", "state_name"], values="year_adopted")
    estate.deliver(
        source=SOURCE,
        contributor="policy_tracker",
        label="2024",
        file_name="core_policies.ods",
        format="ods",
        frames=[wide.select("state_name", *CORE_POLICIES).rename({"state_name": "State"})],
        delivered_on=dt.date(2024, 9, 3),
        write_options={"sheet": "Policies"},
        read_options={"sheet": "Policies"},
    )
    rng = estate.rng(SOURCE, "ncsl")
    bills = adopted.filter(pl.col("year_adopted") >= 2015).sort("state", "year_adopted", "policy")
    chamber = np.where(rng.random(bills.height) < 0.6, "HB", "SB")
    number = rng.integers(10, 4000, bills.height)
    day = rng.integers(60, 200, bills.height)
    estate.deliver(
        source=SOURCE,
        contributor="ncsl",
        label="2015-2024",
        file_name="trafficking_legislation.sqlite",
        format="sqlite",
        frames=[
            bills.select(
                bill_id=pl.format(
                    "{}-{}-{}{}", "state", "year_adopted", pl.Series(chamber), pl.Series(number)
                ),
                state="state",
                session_year="year_adopted",
                bill_number=pl.format("{} {}", pl.Series(chamber), pl.Series(number)),
                policy_area="policy",
                title=pl.col("policy").replace_strict(
                    {code: title for code, (title, *_) in CORE_POLICIES.items()}
                ),
                status=pl.lit("Enacted"),
                enacted_date=(
                    pl.date(pl.col("year_adopted"), 1, 1) + pl.duration(days=pl.Series(day))
                ),
            )
        ],
        delivered_on=dt.date(2024, 11, 15),
        write_options={"table": "enacted_bills"},
        read_options={"table": "enacted_bills"},
    )
