"""Geographic features: GeoJSON and zipped ESRI shapefiles.

Each feature is a row: its properties (GeoJSON, flattened like JSON) or attributes
(shapefile, as text), plus `geometry_wkt` (the geometry as Well-Known Text at full
precision) and, for points, `longitude` and `latitude`. Coordinates are left in the file's
reference system: for a shapefile the `.prj` text is in report["crs"], and the point
columns hold x/y in that system (degrees only when the system is geographic).
"""

from __future__ import annotations

import datetime
import io
import json
from collections.abc import Iterator
from pathlib import PurePosixPath
from typing import Any, BinaryIO

import shapefile
import shapely
import shapely.geometry
from shapely.errors import GeometryTypeError, ShapelyError

from adapters.base import AdapterError, AdapterOptions, AdapterResult
from adapters.json_records import load_document
from adapters.records import RecordBatcher, flatten, scalar_text
from adapters.streams import open_zip, zip_members

GEOMETRY_COLUMNS = ("geometry_wkt", "longitude", "latitude")


def geometry_fields(geometry: dict[str, Any] | None) -> dict[str, str | None]:
    """WKT and, for a point, its coordinates as text; raises ValueError when invalid."""
    if not geometry:
        return dict.fromkeys(GEOMETRY_COLUMNS)
    try:
        shape = shapely.geometry.shape(geometry)
    except (GeometryTypeError, ShapelyError, KeyError, TypeError, IndexError, ValueError) as error:
        raise ValueError(f"invalid geometry ({error})") from error
    is_point = shape.geom_type == "Point" and not shape.is_empty
    return {
        "geometry_wkt": shapely.to_wkt(shape, rounding_precision=-1),
        "longitude": repr(shape.x) if is_point else None,
        "latitude": repr(shape.y) if is_point else None,
    }


def _features(document: Any, source_name: str) -> list[Any]:
    if isinstance(document, dict) and document.get("type") == "FeatureCollection":
        return list(document.get("features") or [])
    if isinstance(document, dict) and document.get("type") == "Feature":
        return [document]
    if isinstance(document, list):
        return document
    raise AdapterError(
        source_name,
        "expected a GeoJSON FeatureCollection, a Feature or a list of Features; check that "
        "the file is GeoJSON or declare `format: json`",
    )


def read_geojson(
    stream: BinaryIO, options: AdapterOptions, source_name: str
) -> Iterator[AdapterResult]:
    document, encoding = load_document(stream, options, source_name)
    report: dict[str, Any] = {"format": "geojson", "encoding": encoding}
    if isinstance(document, dict) and document.get("crs"):
        report["crs"] = document["crs"]
    batcher = RecordBatcher(options, source_name, report)
    for number, feature in enumerate(_features(document, source_name), start=1):
        original = json.dumps(feature, ensure_ascii=False)
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            batcher.reject(number, f"feature {number} is not a GeoJSON Feature", original)
            continue
        try:
            row = geometry_fields(feature.get("geometry"))
        except ValueError as error:
            batcher.reject(
                number, f"feature {number} has an {error}; the row was quarantined", original
            )
            continue
        properties = feature.get("properties") or {}
        row = {
            "feature_id": scalar_text(feature.get("id")),
            **flatten(properties if isinstance(properties, dict) else {"properties": properties}),
            **row,
        }
        batcher.add(row, number, original)
        if batcher.full:
            yield batcher.flush()
    yield from batcher.finish()


def _attribute_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.decode("latin-1")
    return scalar_text(value)


def read_shapefile(
    stream: BinaryIO, options: AdapterOptions, source_name: str
) -> Iterator[AdapterResult]:
    archive = open_zip(stream, source_name)
    layers = [
        info
        for info in zip_members(archive, source_name, options, options.members or "*.shp")
        if info.filename.lower().endswith(".shp")
    ]
    if len(layers) != 1:
        raise AdapterError(
            source_name,
            f"the archive holds {len(layers)} shapefiles {[info.filename for info in layers]}; "
            "declare `members:` naming the one .shp to land",
        )
    stem = str(PurePosixPath(layers[0].filename).with_suffix("")).lower()
    siblings = {
        PurePosixPath(info.filename).suffix.lower(): info
        for info in zip_members(archive, source_name, options, "*")
        if str(PurePosixPath(info.filename).with_suffix("")).lower() == stem
    }
    if ".dbf" not in siblings:
        raise AdapterError(
            source_name,
            f"{layers[0].filename} has no .dbf attribute file beside it; ask the contributor "
            "for the complete shapefile (.shp, .shx, .dbf, .prj)",
        )

    def member(suffix: str) -> io.BytesIO | None:
        info = siblings.get(suffix)
        return io.BytesIO(archive.read(info)) if info else None

    cpg = member(".cpg")
    encoding = options.encoding or (cpg.read().decode("ascii").strip() if cpg else "utf-8")
    prj = member(".prj")
    report: dict[str, Any] = {
        "format": "shapefile",
        "layer": layers[0].filename,
        "encoding": encoding,
        "crs": prj.read().decode("utf-8", "replace") if prj else None,
    }
    try:
        reader = shapefile.Reader(
            shp=member(".shp"), shx=member(".shx"), dbf=member(".dbf"), encoding=encoding
        )
    except (shapefile.ShapefileException, OSError, ValueError) as error:
        raise AdapterError(
            source_name, f"not a readable shapefile ({error}); ask for the files again"
        ) from error
    names = [field.name for field in reader.fields[1:]]
    report["shape_type"] = reader.shapeTypeName
    batcher = RecordBatcher(options, source_name, report)
    for number in range(1, len(reader) + 1):
        try:
            shape_record = reader.shapeRecord(number - 1)
            values = list(shape_record.record)
            shape = shape_record.shape
            geometry = None if shape.shapeType == shapefile.NULL else shape.__geo_interface__
            row = {
                **{name: _attribute_text(value) for name, value in zip(names, values, strict=True)},
                **geometry_fields(geometry),
            }
        except (UnicodeDecodeError, ValueError, shapefile.ShapefileException) as error:
            batcher.reject(
                number,
                f"feature {number} cannot be read ({error}); declare `encoding:` if the "
                "attributes are not UTF-8; the row was quarantined",
                f"feature {number} of {layers[0].filename}",
            )
            continue
        batcher.add(row, number, json.dumps(row, ensure_ascii=False))
        if batcher.full:
            yield batcher.flush()
    yield from batcher.finish()
