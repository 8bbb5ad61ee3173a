"""Victim-service case records in the style of the Human Trafficking Case Data Standard.

Each case holds a person (fake name, date of birth, phone, email, sex, race/ethnicity,
nationality as ISO 3166 alpha-3), the victim context, methods of control and referrals.
A Houston coalition exports nested JSON lines (zstd), a New Orleans provider a Stata file
with one indicator per method and referral, a South Florida provider a Windows-1252 CSV
(bzip2) with lists packed into cells and countries spelled out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator

import numpy as np
import polars as pl

from infra.demo.estate import Estate, chunk_sizes
from infra.demo.people import fake_people, us_phone
from infra.demo.places import AREA_CODES
from infra.demo.sampling import as_dates, random_dates

SOURCE = "service_cases"

NATIONALITIES = {
    "USA": "United States", "MEX": "Mexico", "HND": "Honduras", "GTM": "Guatemala",
    "SLV": "El Salvador", "VEN": "Venezuela", "CUB": "Cuba", "HTI": "Haiti",
    "PHL": "Philippines", "VNM": "Viet Nam", "CHN": "China", "NGA": "Nigeria", "COL": "Colombia",
}  # fmt: skip
# share of US nationals among sex and labor trafficking survivors, then the foreign mix
US_SHARE = {"sex": 0.78, "labor": 0.30, "both": 0.55}
FOREIGN_MIX = {
    "TX": {"MEX": 5, "HND": 3, "GTM": 3, "SLV": 2, "VNM": 1, "CHN": 1, "NGA": 1, "PHL": 1},
    "LA": {"HND": 3, "MEX": 2, "VNM": 2, "PHL": 2, "GTM": 1},
    "FL": {"CUB": 3, "HTI": 3, "VEN": 3, "COL": 2, "MEX": 1, "PHL": 1},
}
VENUES = {
    "sex": ("online_ad", "street", "illicit_massage", "hotel_motel", "residential", "truck_stop"),
    "labor": (
        "agriculture",
        "domestic_work",
        "construction",
        "restaurant",
        "hospitality",
        "peddling",
    ),
}
RECRUITERS = ("intimate_partner", "family_member", "employer", "friend", "stranger", "smuggler")
CONTROL_METHODS = {
    # method: (probability for sex, for labor)
    "physical_abuse": (0.45, 0.20),
    "sexual_abuse": (0.40, 0.08),
    "threats": (0.60, 0.55),
    "emotional_abuse": (0.65, 0.35),
    "debt_bondage": (0.20, 0.60),
    "withheld_documents": (0.08, 0.55),
    "withheld_wages": (0.10, 0.70),
    "substance_dependency": (0.35, 0.03),
    "isolation": (0.40, 0.45),
    "false_promises": (0.35, 0.75),
}
SERVICES = {
    # service: probability of a referral
    "shelter": 0.55,
    "case_management": 0.80,
    "legal": 0.40,
    "medical": 0.45,
    "mental_health": 0.50,
    "immigration_legal": 0.0,  # only for foreign nationals, below
    "law_enforcement": 0.30,
    "substance_use": 0.15,
}


def cases(
    rng: np.random.Generator, size: int, state: str, period: tuple[dt.date, dt.date]
) -> pl.DataFrame:
    """Canonical HTCDS-like cases; lists stay as Python lists of codes."""
    exploitation = np.asarray(("sex", "labor", "both"), dtype=object)[
        rng.choice(3, size, p=[0.72, 0.20, 0.08])
    ]
    intake = random_dates(rng, size, *period)
    adult = rng.random(size) < np.where(exploitation == "labor", 0.95, 0.7)
    age = np.where(adult, rng.integers(18, 51, size), rng.integers(12, 18, size))
    born = np.column_stack([intake - (age + 1) * 365 + 1, intake - age * 365])
    people = fake_people(
        rng,
        size,
        states=np.full(size, state, dtype=object),
        born_between=born,
        female_share=np.where(exploitation == "labor", 0.4, 0.9),
        area_codes=AREA_CODES,
        other_sex_share=0.02,
    )
    mix = FOREIGN_MIX[state]
    foreign = np.asarray(list(mix), dtype=object)[
        rng.choice(len(mix), size, p=np.array(list(mix.values())) / sum(mix.values()))
    ]
    us = rng.random(size) < np.array([US_SHARE[kind] for kind in exploitation])
    nationality = np.where(us, "USA", foreign)
    is_labor = exploitation == "labor"
    venue_sex = np.asarray(VENUES["sex"], dtype=object)[rng.integers(0, 6, size)]
    venue_labor = np.asarray(VENUES["labor"], dtype=object)[rng.integers(0, 6, size)]
    names = list(CONTROL_METHODS)
    likelihood = np.where(
        is_labor[:, None],
        [CONTROL_METHODS[name][1] for name in names],
        [CONTROL_METHODS[name][0] for name in names],
    )
    chosen = rng.random((size, len(names))) < likelihood
    methods = pl.concat_list(
        [pl.when(pl.Series(chosen[:, j])).then(pl.lit(name)) for j, name in enumerate(names)]
    ).list.drop_nulls()
    referrals = []
    for service, probability in SERVICES.items():
        if service == "immigration_legal":
            probability = np.where(nationality != "USA", 0.7, 0.0)
        made = rng.random(size) < probability
        status = np.asarray(("accepted", "declined", "pending"), dtype=object)[
            rng.choice(3, size, p=[0.7, 0.15, 0.15])
        ]
        referrals.append(
            pl.when(pl.Series(made)).then(
                pl.struct(
                    service=pl.lit(service),
                    referred_on=as_dates(intake + rng.integers(0, 21, size)),
                    status=pl.Series(status, dtype=pl.String),
                )
            )
        )
    # Survivors often give no phone or email; both are optional in the standard.
    return people.with_columns(
        phone=pl.when(pl.Series(rng.random(size) < 0.25)).then(None).otherwise("phone"),
        email=pl.when(pl.Series(rng.random(size) < 0.45)).then(None).otherwise("email"),
        intake_date=as_dates(intake),
        nationality=pl.Series(nationality, dtype=pl.String),
        exploitation_type=pl.Series(exploitation, dtype=pl.String),
        venue=pl.Series(np.where(is_labor, venue_labor, venue_sex), dtype=pl.String),
        recruiter_relationship=pl.Series(
            np.asarray(RECRUITERS, dtype=object)[rng.integers(0, 6, size)], dtype=pl.String
        ),
        minor_at_intake=pl.Series(~adult),
        methods_of_control=methods,
        referrals=pl.concat_list(referrals).list.drop_nulls(),
    ).sort("intake_date")


PERSON = {
    "first_name": "first_name",
    "last_name": "last_name",
    "date_of_birth": "date_of_birth",
    "phone": "phone",
    "email": "email",
}


def _case_ids(prefix: str, start: int) -> pl.Expr:
    return pl.format(
        "{}{}", pl.lit(prefix), (pl.int_range(pl.len()) + start).cast(pl.String).str.zfill(5)
    )


Layout = Callable[[Estate, pl.DataFrame, int, np.random.Generator], pl.DataFrame]


def _case_frames(
    estate: Estate,
    contributor: str,
    total: int,
    state: str,
    period: tuple[dt.date, dt.date],
    layout: Layout,
) -> Iterator[pl.DataFrame]:
    """Chunks of `total` cases in a contributor's layout; `layout(estate, records, first_number,
    rng)` renders canonical cases and registers the identifiers it writes."""
    rng = estate.rng(SOURCE, contributor)
    start = 1
    for size in chunk_sizes(total):
        yield layout(estate, cases(rng, size, state, period), start, rng)
        start += size


def _houston_layout(
    estate: Estate, records: pl.DataFrame, start: int, rng: np.random.Generator
) -> pl.DataFrame:
    frame = records.select(
        case_id=_case_ids("HHTC-2024-", start),
        intake_date=pl.col("intake_date").dt.strftime("%Y-%m-%d"),
        person=pl.struct(
            first_name="first_name",
            last_name="last_name",
            date_of_birth=pl.col("date_of_birth").dt.strftime("%Y-%m-%d"),
            phone=us_phone(pl.col("phone"), "dashes"),
            email="email",
            sex=pl.col("sex").replace_strict({"F": "female", "M": "male", "X": "another_gender"}),
            race_ethnicity="race",
            nationality="nationality",
        ),
        victim_context=pl.struct(
            exploitation_type="exploitation_type",
            venue="venue",
            recruiter_relationship="recruiter_relationship",
            minor_at_intake="minor_at_intake",
        ),
        methods_of_control="methods_of_control",
        referrals=pl.col("referrals").list.eval(
            pl.struct(
                service=pl.element().struct.field("service"),
                referred_on=pl.element().struct.field("referred_on").dt.strftime("%Y-%m-%d"),
                status=pl.element().struct.field("status"),
            )
        ),
    )
    estate.register_identifiers(records, PERSON)
    estate.register_identifiers(frame, {"case_id": "case_number"})
    return frame


def _houston(estate: Estate) -> None:
    estate.deliver(
        source=SOURCE,
        contributor="houston_ht_coalition",
        label="2024-Q2",
        file_name="htcds_cases.ndjson.zst",
        format="ndjson",
        compression="zstd",
        frames=_case_frames(
            estate,
            "houston_ht_coalition",
            estate.rows(150),
            "TX",
            (dt.date(2024, 4, 1), dt.date(2024, 6, 30)),
            _houston_layout,
        ),
        delivered_on=dt.date(2024, 7, 12),
        identifier_columns={
            "case_id": "case_number",
            "person.first_name": "first_name",
            "person.last_name": "last_name",
            "person.date_of_birth": "date_of_birth",
            "person.phone": "phone",
            "person.email": "email",
        },
    )


NOLA_RACES = {
    "white": 1,
    "black": 2,
    "hispanic": 3,
    "asian": 4,
    "aian": 5,
    "nhpi": 6,
    "multi": 7,
    "unknown": 9,
}
NOLA_METHODS = {
    "mc_physical": "physical_abuse", "mc_sexual": "sexual_abuse", "mc_threats": "threats",
    "mc_emotional": "emotional_abuse", "mc_debt": "debt_bondage", "mc_docs": "withheld_documents",
    "mc_wages": "withheld_wages", "mc_substance": "substance_dependency",
    "mc_isolation": "isolation",
    "mc_promises": "false_promises",
}  # fmt: skip
NOLA_REFERRALS = {
    "ref_shelter": "shelter", "ref_casemgmt": "case_management", "ref_legal": "legal",
    "ref_medical": "medical", "ref_mh": "mental_health", "ref_immig": "immigration_legal",
    "ref_police": "law_enforcement", "ref_sud": "substance_use",
}  # fmt: skip


def _new_orleans_layout(
    estate: Estate, records: pl.DataFrame, start: int, rng: np.random.Generator
) -> pl.DataFrame:
    services = pl.col("referrals").list.eval(pl.element().struct.field("service"))
    frame = records.select(
        case_id=_case_ids("NOLA-VS-", start),
        intake_dt="intake_date",
        fname="first_name",
        lname="last_name",
        dob="date_of_birth",
        phone=us_phone(pl.col("phone"), "dashes").fill_null(""),
        email=pl.col("email").fill_null(""),
        sex=pl.col("sex").replace_strict({"M": 1, "F": 2, "X": 3}, return_dtype=pl.Int64),
        race=pl.col("race").replace_strict(NOLA_RACES, return_dtype=pl.Int64),
        natl="nationality",
        exptype=pl.col("exploitation_type").replace_strict(
            {"sex": 1, "labor": 2, "both": 3}, return_dtype=pl.Int64
        ),
        venue="venue",
        minor=pl.col("minor_at_intake").cast(pl.Int64),
        **{
            name: pl.col("methods_of_control").list.contains(method).cast(pl.Int64)
            for name, method in NOLA_METHODS.items()
        },
        **{
            name: services.list.contains(service).cast(pl.Int64)
            for name, service in NOLA_REFERRALS.items()
        },
    )
    estate.register_identifiers(records, PERSON)
    estate.register_identifiers(frame, {"case_id": "case_number"})
    return frame


def _new_orleans(estate: Estate) -> None:
    yes_no = {0: "no", 1: "yes"}
    estate.deliver(
        source=SOURCE,
        contributor="nola_victim_services",
        label="2024-H1",
        file_name="cases_2024h1.dta",
        format="dta",
        frames=_case_frames(
            estate,
            "nola_victim_services",
            estate.rows(100),
            "LA",
            (dt.date(2024, 1, 1), dt.date(2024, 6, 30)),
            _new_orleans_layout,
        ),
        delivered_on=dt.date(2024, 7, 30),
        write_options={
            "file_label": "Client cases Jan-Jun 2024",
            "variable_value_labels": {
                "sex": {1: "male", 2: "female", 3: "another gender"},
                "race": {code: race for race, code in NOLA_RACES.items()},
                "exptype": {1: "sex", 2: "labor", 3: "sex and labor"},
                "minor": yes_no,
                **{name: yes_no for name in (*NOLA_METHODS, *NOLA_REFERRALS)},
            },
        },
        identifier_columns={
            "case_id": "case_number",
            "fname": "first_name",
            "lname": "last_name",
            "dob": "date_of_birth",
            "phone": "phone",
            "email": "email",
        },
    )


FL_LABELS = {
    "physical_abuse": "Physical abuse", "sexual_abuse": "Sexual abuse", "threats": "Threats",
    "emotional_abuse": "Emotional abuse", "debt_bondage": "Debt bondage",
    "withheld_documents": "Confiscated documents", "withheld_wages": "Withheld wages",
    "substance_dependency": "Drug dependency", "isolation": "Isolation",
    "false_promises": "False promises", "shelter": "Shelter", "case_management": "Case management",
    "legal": "Legal", "medical": "Medical", "mental_health": "Counseling",
    "immigration_legal": "Immigration attorney", "law_enforcement": "Law enforcement",
    "substance_use": "Substance use treatment",
}  # fmt: skip
FL_RACES = {
    "white": "White", "black": "Black", "hispanic": "Hispanic", "asian": "Asian",
    "aian": "Native American", "nhpi": "Pacific Islander", "multi": "Multiracial",
    "unknown": "Unknown",
}  # fmt: skip


def _packed(column: pl.Expr) -> pl.Expr:
    return column.list.eval(pl.element().replace_strict(FL_LABELS)).list.join("; ")


def _south_florida_layout(
    estate: Estate, records: pl.DataFrame, start: int, rng: np.random.Generator
) -> pl.DataFrame:
    declined = pl.Series(rng.random(records.height) < 0.05)

    frame = records.select(
        _case_ids("SFS-", start).alias("Case No"),
        pl.col("intake_date").dt.strftime("%m/%d/%Y").alias("Intake Date"),
        pl.col("first_name").alias("Client First"),
        pl.col("last_name").alias("Client Last"),
        pl.when(declined)
        .then(pl.lit("Declined"))
        .otherwise(pl.col("date_of_birth").dt.strftime("%m/%d/%Y"))
        .alias("DOB"),
        us_phone(pl.col("phone"), "parentheses").fill_null("Unknown").alias("Phone"),
        pl.col("email").fill_null("Unknown").alias("Email"),
        pl.col("sex")
        .replace_strict({"F": "Female", "M": "Male", "X": "Transgender/Non-binary"})
        .alias("Gender"),
        pl.col("race").replace_strict(FL_RACES).alias("Race/Ethnicity"),
        pl.col("nationality").replace_strict(NATIONALITIES).alias("Country of Origin"),
        pl.col("exploitation_type")
        .replace_strict({"sex": "Sex", "labor": "Labor", "both": "Sex & Labor"})
        .alias("Trafficking Type"),
        _packed(pl.col("methods_of_control")).alias("Control Methods"),
        _packed(pl.col("referrals").list.eval(pl.element().struct.field("service"))).alias(
            "Referrals"
        ),
    )
    estate.register_identifiers(records.filter(~declined), {"date_of_birth": "date_of_birth"})
    estate.register_identifiers(
        records, {key: value for key, value in PERSON.items() if key != "date_of_birth"}
    )
    estate.register_identifiers(frame, {"Case No": "case_number"})
    return frame


def _south_florida(estate: Estate) -> None:
    estate.deliver(
        source=SOURCE,
        contributor="fl_south_services",
        label="2024-H1",
        file_name="case_export.csv.bz2",
        format="csv",
        compression="bz2",
        frames=_case_frames(
            estate,
            "fl_south_services",
            estate.rows(120),
            "FL",
            (dt.date(2024, 1, 1), dt.date(2024, 6, 30)),
            _south_florida_layout,
        ),
        delivered_on=dt.date(2024, 7, 8),
        write_options={"encoding": "cp1252", "line_terminator": "\r\n"},
        read_options={
            "delimiter": ",",
            "encoding": "cp1252",
            "missing_values": ["Unknown", "Declined"],
            "date_formats": {"Intake Date": "%m/%d/%Y", "DOB": "%m/%d/%Y"},
            "list_separator": "; ",
        },
        identifier_columns={
            "Case No": "case_number",
            "Client First": "first_name",
            "Client Last": "last_name",
            "DOB": "date_of_birth",
            "Phone": "phone",
            "Email": "email",
        },
    )


def generate(estate: Estate) -> None:
    _houston(estate)
    _new_orleans(estate)
    _south_florida(estate)
