"""Fake people: names from short built-in lists, dates of birth, phones, emails.

Phones use the 555-0100..555-0199 exchange reserved for fiction and emails the example.org
domain reserved for documentation, so no generated identifier can reach a real person. The
lists hold no name that is also a county, city or code used in the estate, so a privacy scan
for these values finds people, not places.
"""

from __future__ import annotations

import datetime as dt
import unicodedata

import numpy as np
import polars as pl

FEMALE_FIRST_NAMES = (
    "Aaliyah", "Abigail", "Alejandra", "Alexis", "Ana", "Ashley", "Brianna", "Camila",
    "Daniela", "Destiny", "Emily", "Esmeralda", "Gabriela", "Hannah", "Imani", "Isabella",
    "Jasmine", "Jessica", "Kayla", "Keisha", "Leah", "Linh", "Lucía", "Madison", "María",
    "Mia", "Nevaeh", "Priya", "Samantha", "Sofía", "Tiana", "Valeria", "Ximena", "Zoe",
)  # fmt: skip
MALE_FIRST_NAMES = (
    "Aiden", "Alejandro", "Andre", "Anthony", "Brandon", "Carlos", "Christopher", "Daniel",
    "DeShawn", "Diego", "Duc", "Elijah", "Ethan", "Gabriel", "Isaiah", "Jacob", "Jamal",
    "Javier", "Jayden", "Jesús", "José", "Joshua", "Juan", "Kevin", "Luis", "Malik", "Marcus",
    "Mateo", "Miguel", "Minh", "Noah", "Terrell", "Tyrone", "Xavier",
)  # fmt: skip
HISPANIC_LAST_NAMES = (
    "Castillo", "Chávez", "Cruz", "Díaz", "Flores", "Garcia", "Gomez", "Gonzalez",
    "Gutiérrez", "Hernandez", "Lopez", "Martinez", "Mendoza", "Morales", "Ortiz", "Perez",
    "Ramirez", "Reyes", "Rivera", "Rodriguez", "Romero", "Sanchez", "Torres", "Vargas",
)  # fmt: skip
GENERAL_LAST_NAMES = (
    "Anderson", "Bennett", "Bryant", "Carter", "Coleman", "Collins", "Cooper", "Davis",
    "Edwards", "Ellis", "Evans", "Fisher", "Foster", "Gibson", "Griffin", "Jenkins",
    "Johnson", "Jones", "Mitchell", "Murphy", "Myers", "Nelson", "Patterson", "Phillips",
    "Richardson", "Robinson", "Simmons", "Stewart", "Sullivan", "Thompson", "Turner",
    "Walker", "Wallace", "Williams", "Wilson", "Wright", "Young",
)  # fmt: skip
ASIAN_LAST_NAMES = ("Chen", "Huynh", "Kim", "Nguyen", "Patel", "Pham", "Singh", "Tran", "Wang")

RACE_CODES = ("white", "black", "hispanic", "asian", "aian", "nhpi", "multi", "unknown")

RACE_MIX = {
    "TX": (0.33, 0.14, 0.41, 0.04, 0.01, 0.002, 0.03, 0.038),
    "LA": (0.48, 0.40, 0.05, 0.02, 0.01, 0.001, 0.02, 0.019),
    "FL": (0.45, 0.20, 0.27, 0.03, 0.005, 0.001, 0.03, 0.014),
    "GA": (0.45, 0.34, 0.10, 0.04, 0.005, 0.001, 0.03, 0.034),
}
NATIONAL_RACE_MIX = (0.55, 0.14, 0.19, 0.06, 0.01, 0.002, 0.03, 0.018)


def ascii_fold(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


_FOLDED = {
    name: ascii_fold(name)
    for name in FEMALE_FIRST_NAMES + MALE_FIRST_NAMES + HISPANIC_LAST_NAMES
    if ascii_fold(name) != name
}


def _pick(rng: np.random.Generator, names: tuple[str, ...], size: int) -> np.ndarray:
    return np.asarray(names, dtype=object)[rng.integers(0, len(names), size)]


def fake_people(
    rng: np.random.Generator,
    size: int,
    *,
    states: np.ndarray,
    born_between: tuple[dt.date, dt.date] | np.ndarray,
    female_share: float,
    area_codes: dict[str, tuple[str, ...]] | None = None,
    other_sex_share: float = 0.0,
) -> pl.DataFrame:
    """`size` fake people living in `states` (one state per person).

    `born_between` is a (first, last) date range, or an array of (first, last) day numbers
    since 1970 per person when the age range depends on another date (e.g. screening day).
    Columns: first_name, last_name, sex (F|M|X), race, date_of_birth, and, when area codes
    are given, phone (10 digits) and email.
    """
    draw = rng.random(size)
    sex = np.where(draw < female_share, "F", "M").astype(object)
    sex[draw > 1 - other_sex_share] = "X"
    race = np.empty(size, dtype=object)
    for state in sorted(set(states.tolist())):
        here = states == state
        mix = np.asarray(RACE_MIX.get(state, NATIONAL_RACE_MIX))
        race[here] = np.asarray(RACE_CODES, dtype=object)[
            rng.choice(len(RACE_CODES), size=int(here.sum()), p=mix / mix.sum())
        ]
    first = np.where(
        sex == "F",
        _pick(rng, FEMALE_FIRST_NAMES, size),
        np.where(
            sex == "M", _pick(rng, MALE_FIRST_NAMES, size), _pick(rng, FEMALE_FIRST_NAMES, size)
        ),
    )
    # Surnames follow ethnicity loosely; intermarriage keeps it loose.
    mixed = rng.random(size) < 0.2
    last = np.where(
        (race == "hispanic") & ~mixed,
        _pick(rng, HISPANIC_LAST_NAMES, size),
        np.where(
            (race == "asian") & ~mixed,
            _pick(rng, ASIAN_LAST_NAMES, size),
            _pick(rng, GENERAL_LAST_NAMES + HISPANIC_LAST_NAMES[:6], size),
        ),
    )
    if isinstance(born_between, tuple):
        low = (born_between[0] - dt.date(1970, 1, 1)).days
        high = (born_between[1] - dt.date(1970, 1, 1)).days
        days = rng.integers(low, high + 1, size)
    else:
        days = rng.integers(born_between[:, 0], born_between[:, 1] + 1)
    people = pl.DataFrame(
        {
            "first_name": pl.Series(first, dtype=pl.String),
            "last_name": pl.Series(last, dtype=pl.String),
            "sex": pl.Series(sex, dtype=pl.String),
            "race": pl.Series(race, dtype=pl.String),
            "date_of_birth": pl.Series(days, dtype=pl.Int32).cast(pl.Date),
        }
    )
    if area_codes is None:
        return people
    codes = np.empty(size, dtype=object)
    for state in sorted(set(states.tolist())):
        here = states == state
        codes[here] = _pick(rng, area_codes.get(state, ("202",)), int(here.sum()))
    line = rng.integers(100, 200, size)
    mailbox = rng.integers(1, 100, size)
    return people.with_columns(
        phone=pl.Series(codes, dtype=pl.String)
        + "55501"
        + pl.Series(line).cast(pl.String).str.slice(1),
        email=(
            pl.col("first_name").replace(_FOLDED).str.to_lowercase()
            + "."
            + pl.col("last_name").replace(_FOLDED).str.to_lowercase()
            + pl.Series(mailbox).cast(pl.String)
            + "@example.org"
        ),
    )


def us_phone(digits: pl.Expr, style: str) -> pl.Expr:
    """Render 10-digit phones the way a contributor's system prints them."""
    area, exchange, line = digits.str.slice(0, 3), digits.str.slice(3, 3), digits.str.slice(6, 4)
    if style == "parentheses":
        return pl.concat_str([pl.lit("("), area, pl.lit(") "), exchange, pl.lit("-"), line])
    if style == "dots":
        return pl.concat_str([area, exchange, line], separator=".")
    if style == "dashes":
        return pl.concat_str([area, exchange, line], separator="-")
    return digits
