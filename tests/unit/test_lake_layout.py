import pytest

from orchestration.platform import lake_layout
from orchestration.platform.lake_layout import LayoutError, parse_raw_key


def test_a_raw_key_names_source_contributor_and_delivery():
    raw = parse_raw_key("screenings/tx_dfps__2024-06/screenings.csv")
    assert (raw.source, raw.delivery, raw.file_name) == (
        "screenings",
        "tx_dfps__2024-06",
        "screenings.csv",
    )
    assert raw.contributor == "tx_dfps"
    assert raw.key == "screenings/tx_dfps__2024-06/screenings.csv"


def test_each_raw_object_has_its_own_bronze_and_quarantine_object():
    raw = parse_raw_key("hotline/nhth__2023/by_state.xlsx")
    assert lake_layout.bronze_key(raw) == "bronze/hotline/nhth__2023/by_state.xlsx.parquet"
    assert lake_layout.quarantine_key(raw) == "quarantine/hotline/nhth__2023/by_state.xlsx.parquet"
    assert lake_layout.bronze_glob("hotline") == "bronze/hotline/*/*.parquet"
    assert lake_layout.ledger_key("hotline") == "bronze/hotline/_ledger.json"


@pytest.mark.parametrize(
    ("key", "message"),
    [
        ("screenings/screenings.csv", "is not at <source>/<contributor>__<label>/<file>"),
        ("screenings/a/b/c.csv", "is not at"),
        ("screenings/2024-06/screenings.csv", "must be <contributor>__<label>"),
        ("screenings/__2024/screenings.csv", "must be <contributor>__<label>"),
    ],
)
def test_a_misplaced_raw_object_is_explained(key, message):
    with pytest.raises(LayoutError, match="raw object") as error:
        parse_raw_key(key)
    assert message in str(error.value)
