"""GeoJSON and zipped shapefiles: attributes plus WKT and point coordinates."""

from __future__ import annotations

import datetime
import io
import json
import zipfile

import pytest
import shapefile
from adapter_helpers import read_bytes, rows

from adapters import AdapterError

FEATURES = {
    "type": "FeatureCollection",
    "features": [
        {
            "type": "Feature",
            "id": 7,
            "properties": {"name": "Shelter A", "beds": 12},
            "geometry": {"type": "Point", "coordinates": [-97.7431, 30.2672]},
        },
        {
            "type": "Feature",
            "properties": {"name": "County", "beds": None},
            "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]},
        },
        {"type": "Feature", "properties": {"name": "No place"}, "geometry": None},
        {
            "type": "Feature",
            "properties": {"name": "Broken"},
            "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [1, 0]]]},
        },
    ],
}


def test_geojson_round_trips_with_wkt_and_point_coordinates():
    result = read_bytes(json.dumps(FEATURES).encode(), "raw/x/2024-05/shelters.geojson")

    assert rows(result.table)[:3] == [
        {
            "feature_id": "7",
            "name": "Shelter A",
            "beds": "12",
            "geometry_wkt": "POINT (-97.7431 30.2672)",
            "longitude": "-97.7431",
            "latitude": "30.2672",
        },
        {
            "feature_id": None,
            "name": "County",
            "beds": None,
            "geometry_wkt": "POLYGON ((0 0, 1 0, 1 1, 0 0))",
            "longitude": None,
            "latitude": None,
        },
        {
            "feature_id": None,
            "name": "No place",
            "beds": None,
            "geometry_wkt": None,
            "longitude": None,
            "latitude": None,
        },
    ]
    [rejection] = result.rejections
    assert rejection.line == 4
    assert "invalid geometry" in rejection.reason
    assert json.loads(rejection.original)["properties"] == {"name": "Broken"}


def test_geojson_is_detected_from_its_content():
    result = read_bytes(json.dumps(FEATURES).encode(), "raw/x/2024-05/shelters.json")
    assert result.report["format"] == "geojson"
    result = read_bytes(json.dumps(FEATURES).encode(), "raw/x/2024-05/shelters")
    assert result.report["format"] == "geojson"


def shapefile_zip(prj: str | None = 'GEOGCS["WGS 84"]', extra_layer: bool = False) -> bytes:
    shp, shx, dbf = io.BytesIO(), io.BytesIO(), io.BytesIO()
    writer = shapefile.Writer(shp=shp, shx=shx, dbf=dbf, shapeType=shapefile.POINT)
    writer.field("name", "C")
    writer.field("beds", "N", 10, 0)
    writer.field("opened", "D")
    writer.point(-97.7431, 30.2672)
    writer.record("Shelter A", 12, datetime.date(2019, 3, 1))
    writer.point(-83.0, 39.96)
    writer.record("Shelter B", None, None)
    writer.close()
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        zipped.writestr("shelters/shelters.shp", shp.getvalue())
        zipped.writestr("shelters/shelters.shx", shx.getvalue())
        zipped.writestr("shelters/shelters.dbf", dbf.getvalue())
        if prj:
            zipped.writestr("shelters/shelters.prj", prj)
        if extra_layer:
            zipped.writestr("other/roads.shp", shp.getvalue())
    return archive.getvalue()


def test_zipped_shapefile_round_trips():
    result = read_bytes(shapefile_zip(), "raw/x/2024-05/shelters.zip")

    assert result.report["format"] == "shapefile"
    assert result.report["crs"] == 'GEOGCS["WGS 84"]'
    assert rows(result.table) == [
        {
            "name": "Shelter A",
            "beds": "12",
            "opened": "2019-03-01",
            "geometry_wkt": "POINT (-97.7431 30.2672)",
            "longitude": "-97.7431",
            "latitude": "30.2672",
        },
        {
            "name": "Shelter B",
            "beds": None,
            "opened": None,
            "geometry_wkt": "POINT (-83 39.96)",
            "longitude": "-83.0",
            "latitude": "39.96",
        },
    ]


def test_an_archive_with_two_layers_needs_members_declared():
    with pytest.raises(AdapterError, match="holds 2 shapefiles"):
        read_bytes(shapefile_zip(extra_layer=True), "raw/x/2024-05/layers.zip")

    chosen = read_bytes(
        shapefile_zip(extra_layer=True),
        "raw/x/2024-05/layers.zip",
        format="shapefile",
        members="shelters/*.shp",
    )
    assert chosen.table.num_rows == 2
