"""XML with a record path and flattening rules; entities are never expanded."""

from __future__ import annotations

import pytest
from adapter_helpers import read_bytes, read_file, rows

from adapters import AdapterError

GOODS = b"""<?xml version="1.0" encoding="UTF-8"?>
<Goods xmlns="urn:ilab">
  <Good id="1">
    <Good_Name>Cocoa</Good_Name>
    <Good_Sector>Agriculture</Good_Sector>
    <Countries>
      <Country><Country_Name>Ghana</Country_Name><Child_Labor>Yes</Child_Labor></Country>
      <Country><Country_Name>C\xc3\xb4te d'Ivoire</Country_Name><Child_Labor>Yes</Child_Labor></Country>
    </Countries>
    <Source>ILAB</Source><Source>UNICEF</Source>
  </Good>
  <Good id="2">
    <Good_Name>Bricks</Good_Name>
    <Good_Sector>Manufacturing</Good_Sector>
    <Countries/>
  </Good>
</Goods>
"""


def test_records_flatten_nested_elements_by_path():
    result = read_bytes(GOODS, "raw/ilab/2024-05/goods.xml", record_path="Goods/Good")

    first = rows(result.table)[0]
    assert first["@id"] == "1"
    assert first["Good_Name"] == "Cocoa"
    assert first["Countries/Country/Country_Name"] == "Ghana; C\u00f4te d'Ivoire"
    assert first["Source"] == "ILAB; UNICEF"
    assert result.table.num_rows == 2


def test_explode_yields_one_row_per_nested_record():
    result = read_bytes(
        GOODS,
        "raw/ilab/2024-05/goods.xml",
        record_path="//Good",
        explode="Countries/Country",
        repeated="first",
    )

    assert [(r["Good_Name"], r["Country_Name"], r["Source"]) for r in rows(result.table)] == [
        ("Cocoa", "Ghana", "ILAB"),
        ("Cocoa", "C\u00f4te d'Ivoire", "ILAB"),
        ("Bricks", None, None),
    ]


def test_default_record_path_is_each_child_of_the_root():
    result = read_bytes(
        b"<cases><case><id>1</id></case><case><id>2</id></case></cases>",
        "raw/x/2024-05/c.xml",
        types={"id": "integer"},
    )

    assert rows(result.table) == [{"id": 1}, {"id": 2}]


def test_entity_expansion_bomb_is_refused(write_file):
    bomb = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<cases><case><id>&lol3;</id></case></cases>"""
    with pytest.raises(AdapterError) as raised:
        read_file(write_file("bomb.xml", bomb), "raw/x/2024-05/bomb.xml")

    assert "declares entities (lol, lol2, lol3)" in str(raised.value)
    assert "never expands or fetches XML entities" in str(raised.value)


def test_external_entity_is_refused_and_never_read(write_file, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("do not read me")
    document = (
        f'<?xml version="1.0"?><!DOCTYPE c [<!ENTITY xxe SYSTEM "file://{secret}">]>'
        "<cases><case><id>&xxe;</id></case></cases>"
    ).encode()

    with pytest.raises(AdapterError, match=r"declares external entities \['xxe'\]") as raised:
        read_file(write_file("xxe.xml", document), "raw/x/2024-05/xxe.xml")
    assert "do not read me" not in str(raised.value)


def test_truncated_xml_names_line_and_column(write_file):
    with pytest.raises(AdapterError) as raised:
        read_file(
            write_file("goods.xml", GOODS[:300]),
            "raw/ilab/2024-05/goods.xml",
            record_path="Goods/Good",
        )

    assert "not well-formed XML at line" in str(raised.value)
    assert "may be truncated" in str(raised.value)


def test_a_record_path_that_matches_nothing_says_so():
    with pytest.raises(AdapterError, match="no element matches `record_path: Goods/Item`"):
        read_bytes(GOODS, "raw/ilab/2024-05/goods.xml", record_path="Goods/Item")


def test_invalid_values_reject_the_record_with_its_xml_and_line():
    result = read_bytes(
        b"<cases>\n<case><n>1</n></case>\n<case><n>x</n></case>\n</cases>",
        "raw/x/2024-05/c.xml",
        types={"n": "integer"},
    )

    [rejection] = result.rejections
    assert rejection.line == 3
    assert rejection.original == "<case><n>x</n></case>"
