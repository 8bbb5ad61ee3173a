"""Trafficking prosecutions, one record per defendant.

Federal cases come from the US Attorneys' case system (JSON, with names) and from the
federal justice statistics programme (a de-identified SAS transport file); Texas state cases
from the court administration's XML export. Co-defendants share a case number.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import numpy as np
import polars as pl

from infra.demo.estate import Estate, chunk_sizes
from infra.demo.people import fake_people
from infra.demo.places import DISTRICTS, counties
from infra.demo.sampling import as_dates, day_number, random_dates, weighted_rows

SOURCE = "prosecutions"
EXPORTED_ON = dt.date(2024, 10, 1)

DISTRICT_WEIGHTS = {
    "S.D. Tex.": 12, "N.D. Tex.": 6, "W.D. Tex.": 6, "E.D. Tex.": 3, "E.D. La.": 5,
    "M.D. La.": 2, "W.D. La.": 3, "S.D. Fla.": 8, "M.D. Fla.": 10, "N.D. Fla.": 2,
    "N.D. Ga.": 4, "D. Nev.": 3, "C.D. Cal.": 4, "E.D.N.Y.": 3, "N.D. Ill.": 2, "D. Minn.": 3,
    "E.D. Va.": 2, "W.D. Wash.": 2, "D. Ariz.": 2, "S.D. Ohio": 2,
}  # fmt: skip

# statute section: (share of defendants, P(sex), P(labor), P(both), P(minor victims))
STATUTES = {
    "1591": (0.60, 1.0, 0.0, 0.0, 0.55),
    "1594": (0.10, 0.7, 0.2, 0.1, 0.35),
    "2422": (0.08, 1.0, 0.0, 0.0, 1.0),
    "2421": (0.03, 1.0, 0.0, 0.0, 0.2),
    "1589": (0.12, 0.0, 1.0, 0.0, 0.05),
    "1590": (0.04, 0.0, 0.9, 0.1, 0.05),
    "1592": (0.03, 0.0, 1.0, 0.0, 0.0),
}
DISPOSITIONS = ("convicted_plea", "convicted_trial", "dismissed", "acquitted")


def sequence_span(size: int) -> int:
    """How many case sequence numbers a batch of `size` defendants draws its numbers from."""
    return max(1000, 3 * size)


def defendants(
    rng: np.random.Generator,
    size: int,
    filed: tuple[dt.date, dt.date],
    as_of: dt.date,
    first_sequence: int = 1,
) -> pl.DataFrame:
    """Canonical defendant records; co-defendants share district, case number and dates.

    Case sequence numbers are drawn from first_sequence .. first_sequence + sequence_span - 1,
    so batches given consecutive ranges never reuse a number."""
    case_sizes = rng.choice([1, 2, 3, 4], size=size, p=[0.80, 0.12, 0.05, 0.03])
    cases = int(np.searchsorted(np.cumsum(case_sizes), size) + 1)
    case_sizes = case_sizes[:cases]
    case_sizes[-1] -= case_sizes.sum() - size
    districts = list(DISTRICT_WEIGHTS)
    weights = np.array(list(DISTRICT_WEIGHTS.values()), dtype=float)
    district = np.asarray(districts, dtype=object)[
        rng.choice(len(districts), cases, p=weights / weights.sum())
    ]
    division = np.array([rng.choice(DISTRICTS[name][2]) for name in district])
    sequence = first_sequence + rng.choice(sequence_span(size), cases, replace=False)
    filing = random_dates(rng, cases, *filed)
    statute_names = list(STATUTES)
    shares = np.array([STATUTES[name][0] for name in statute_names])
    statute = np.asarray(statute_names, dtype=object)[
        rng.choice(len(statute_names), cases, p=shares)
    ]
    kind_draw = rng.random(cases)
    p_sex = np.array([STATUTES[name][1] for name in statute])
    p_labor = np.array([STATUTES[name][2] for name in statute])
    trafficking_type = np.where(
        kind_draw < p_sex, "sex", np.where(kind_draw < p_sex + p_labor, "labor", "both")
    )
    minors = rng.random(cases) < np.array([STATUTES[name][4] for name in statute])
    # Cases take months to years; those not yet resolved at export are pending.
    resolved = filing + np.round(rng.gamma(2.2, 190, cases)).astype(np.int64) + 60
    pending = resolved > day_number(as_of)

    expand = np.repeat(np.arange(cases), case_sizes)
    outcome = rng.choice(len(DISPOSITIONS), size, p=[0.82, 0.09, 0.06, 0.03])
    minor_sex = minors[expand] & (trafficking_type[expand] != "labor")
    median = np.where(minor_sex, 190.0, np.where(trafficking_type[expand] == "labor", 60.0, 150.0))
    sentence = np.round(median * rng.lognormal(0, 0.45, size))
    # Mandatory minimums: 10 years for sex trafficking of a minor under 18 USC 1591(b)(2).
    floor = np.where(minor_sex & (statute[expand] == "1591"), 120.0, 0.0)
    sentence = np.clip(np.maximum(sentence, floor), 1, 480)
    is_pending = pending[expand]
    convicted = (outcome <= 1) & ~is_pending

    people = fake_people(
        rng,
        size,
        states=np.asarray([DISTRICTS[name][0] for name in district[expand]], dtype=object),
        born_between=(dt.date(1962, 1, 1), dt.date(2002, 12, 31)),
        female_share=0.15,
    )
    disposition_day = pl.Series(np.where(is_pending, 0, resolved[expand]))
    cases = pl.DataFrame(
        {
            "case": expand,
            "district": district[expand].astype(str),
            "state": [DISTRICTS[name][0] for name in district[expand]],
            "court_code": [DISTRICTS[name][1] for name in district[expand]],
            "division": division[expand],
            "sequence": sequence[expand],
            "filing_date": as_dates(filing[expand]),
            "statute": statute[expand].astype(str),
            "trafficking_type": trafficking_type[expand],
            "minor_victims": minors[expand],
        }
    )
    return pl.concat([cases, people], how="horizontal").with_columns(
        disposition=pl.when(pl.Series(is_pending))
        .then(None)
        .otherwise(pl.Series(np.asarray(DISPOSITIONS, dtype=object)[outcome], dtype=pl.String)),
        disposition_date=pl.when(pl.Series(is_pending))
        .then(None)
        .otherwise(disposition_day.cast(pl.Int32).cast(pl.Date)),
        sentence_months=pl.when(pl.Series(convicted))
        .then(pl.Series(sentence.astype(np.int64)))
        .otherwise(None),
    )


def _case_number(year_column: str = "filing_date") -> pl.Expr:
    return pl.format(
        "{}:{}-cr-{}",
        pl.col("division"),
        pl.col(year_column).dt.strftime("%y"),
        pl.col("sequence").cast(pl.String).str.zfill(5),
    )


def _usao_frames(estate: Estate, year: int) -> Iterator[pl.DataFrame]:
    rng = estate.rng(SOURCE, "usao", str(year))
    first_sequence = 1
    for size in chunk_sizes(estate.rows(120)):
        records = defendants(
            rng, size, (dt.date(year, 1, 1), dt.date(year, 12, 31)), EXPORTED_ON, first_sequence
        )
        first_sequence += sequence_span(size)
        frame = records.sort("filing_date", "case").select(
            case_number=_case_number(),
            district="district",
            state="state",
            filing_date=pl.col("filing_date").dt.strftime("%Y-%m-%d"),
            disposition_date=pl.col("disposition_date").dt.strftime("%Y-%m-%d"),
            statute=pl.format("18 USC {}", "statute"),
            trafficking_type="trafficking_type",
            minor_victims="minor_victims",
            defendant_name=pl.format("{} {}", "first_name", "last_name"),
            defendant_sex=pl.col("sex").replace({"X": "M"}),
            sentence_months="sentence_months",
        )
        estate.register_identifiers(records, {"first_name": "first_name", "last_name": "last_name"})
        estate.register_identifiers(
            frame, {"defendant_name": "full_name", "case_number": "case_number"}
        )
        yield frame


def _usao(estate: Estate) -> None:
    for year in (2021, 2022, 2023):
        estate.deliver(
            source=SOURCE,
            contributor="usao",
            label=str(year),
            file_name="cases.json",
            format="json",
            frames=_usao_frames(estate, year),
            delivered_on=EXPORTED_ON,
            write_options={
                "envelope": {"exported_at": f"{EXPORTED_ON.isoformat()}T03:15:00Z"},
                "record_path": "cases",
            },
            read_options={"record_path": "cases"},
            identifier_columns={"case_number": "case_number", "defendant_name": "full_name"},
        )


def _bjs_fjsp(estate: Estate) -> None:
    """De-identified defendant file in SAS transport format: 8-character names, codes, no names."""
    rng = estate.rng(SOURCE, "bjs_fjsp")
    records = defendants(
        rng, estate.rows(150), (dt.date(2021, 10, 1), dt.date(2022, 9, 30)), dt.date(2023, 9, 30)
    )
    frame = records.select(
        DEFID=(pl.int_range(pl.len(), dtype=pl.Int64) + 2_022_000_001).cast(pl.Float64),
        DIST="court_code",
        FILEDATE="filing_date",
        TERMDATE="disposition_date",
        TTSTAT=pl.format("18:{}", "statute"),
        OFFTYPE=pl.col("trafficking_type").replace_strict(
            {"sex": 1, "labor": 2, "both": 3}, return_dtype=pl.Float64
        ),
        MINOR=pl.col("minor_victims").cast(pl.Float64),
        SEX=pl.col("sex").replace_strict({"M": 1, "F": 2, "X": 1}, return_dtype=pl.Float64),
        AGE=((pl.col("filing_date") - pl.col("date_of_birth")).dt.total_days() // 365.25).cast(
            pl.Float64
        ),
        DISP=pl.col("disposition").replace_strict(
            dict(zip(DISPOSITIONS, (1.0, 2.0, 3.0, 4.0), strict=True)),
            default=None,
            return_dtype=pl.Float64,
        ),
        PRISTOT=pl.col("sentence_months").cast(pl.Float64),
    )
    estate.deliver(
        source=SOURCE,
        contributor="bjs_fjsp",
        label="fy2022",
        file_name="ht_defendants_fy2022.xpt",
        format="xpt",
        frames=[frame],
        delivered_on=dt.date(2024, 3, 18),
        write_options={
            "file_format_version": 5,
            "table_name": "HTDEF22",
            "file_label": "Human trafficking defendants FY2022",
            "column_labels": {
                "DEFID": "Defendant identifier",
                "DIST": "Federal judicial district",
                "FILEDATE": "Filing date",
                "TERMDATE": "Termination date",
                "TTSTAT": "Most serious filing offense, title:section",
                "OFFTYPE": "Trafficking type 1=sex 2=labor 3=both",
                "MINOR": "Minor victim involved",
                "SEX": "Defendant sex 1=male 2=female",
                "AGE": "Age at filing",
                "DISP": "Disposition 1=plea 2=trial conviction 3=dismissed 4=acquitted",
                "PRISTOT": "Total prison term, months",
            },
        },
    )


TX_OFFENSES = {
    "PC 20A.02": ("Trafficking of Persons", "F2"),
    "PC 20A.03": ("Continuous Trafficking of Persons", "F1"),
    "PC 43.05": ("Compelling Prostitution", "F2"),
    "PC 43.04": ("Aggravated Promotion of Prostitution", "F3"),
}


def _tx_oca(estate: Estate) -> None:
    """State cases from the court administration's XML export: cause numbers, nested people."""
    rng = estate.rng(SOURCE, "tx_oca")
    size = estate.rows(80)
    places = weighted_rows(rng, counties("TX"), "population_thousands", size)
    records = defendants(
        rng, size, (dt.date(2023, 1, 1), dt.date(2023, 12, 31)), dt.date(2024, 4, 1)
    )
    statute = np.asarray(list(TX_OFFENSES), dtype=object)[
        rng.choice(len(TX_OFFENSES), size, p=[0.55, 0.15, 0.2, 0.1])
    ]
    court = rng.integers(1, 400, size)
    frame = (
        pl.concat([records, places.select("county_name")], how="horizontal")
        .with_columns(statute=pl.Series(statute, dtype=pl.String), court=pl.Series(court))
        .select(
            CauseNumber=pl.format(
                "{}-CR-{}",
                pl.col("filing_date").dt.year(),
                (pl.int_range(pl.len()) * 37 + 104_511).cast(pl.String).str.zfill(6),
            ),
            County="county_name",
            Court=pl.format(
                "{} District Court", pl.col("court").map_elements(_ordinal, return_dtype=pl.String)
            ),
            FiledDate=pl.col("filing_date").dt.strftime("%Y-%m-%d"),
            Offense=pl.struct(
                Statute="statute",
                Description=pl.col("statute").replace_strict(
                    {code: name for code, (name, _) in TX_OFFENSES.items()}
                ),
                Level=pl.col("statute").replace_strict(
                    {code: level for code, (_, level) in TX_OFFENSES.items()}
                ),
            ),
            Defendant=pl.struct(
                Name=pl.struct(First="first_name", Last="last_name"),
                DOB=pl.col("date_of_birth").dt.strftime("%Y-%m-%d"),
                Sex="sex",
                Race=pl.col("race").str.to_uppercase(),
            ),
            Disposition=pl.struct(
                Date=pl.col("disposition_date").dt.strftime("%Y-%m-%d"),
                Type=pl.col("disposition").replace_strict(
                    {
                        "convicted_plea": "Convicted - Plea",
                        "convicted_trial": "Convicted - Jury",
                        "dismissed": "Dismissed",
                        "acquitted": "Acquitted",
                    },
                    default=None,
                ),
                SentenceYears=(pl.col("sentence_months") / 12).round(1),
            ),
        )
        .sort("FiledDate", "CauseNumber")
    )
    estate.register_identifiers(
        records,
        {"first_name": "first_name", "last_name": "last_name", "date_of_birth": "date_of_birth"},
    )
    estate.register_identifiers(frame, {"CauseNumber": "case_number"})
    estate.deliver(
        source=SOURCE,
        contributor="tx_oca",
        label="2023",
        file_name="trafficking_cases.xml",
        format="xml",
        frames=[frame],
        delivered_on=dt.date(2024, 4, 2),
        write_options={
            "root": "CaseExport",
            "record": "Case",
            "root_attributes": {
                "exportDate": "2024-04-01",
                "source": "Office of Court Administration",
            },
        },
        read_options={"record_path": "Case"},
        identifier_columns={
            "CauseNumber": "case_number",
            "Defendant.Name.First": "first_name",
            "Defendant.Name.Last": "last_name",
            "Defendant.DOB": "date_of_birth",
        },
    )


def _ordinal(number: int) -> str:
    suffix = (
        "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    )
    return f"{number}{suffix}"


def generate(estate: Estate) -> None:
    _usao(estate)
    _bjs_fjsp(estate)
    _tx_oca(estate)
