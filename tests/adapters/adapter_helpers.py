"""Helpers for adapter tests: read fixtures the way the orchestration does, check nothing
was altered, and write formats whose libraries only read (SAS datasets)."""

from __future__ import annotations

import ctypes
import hashlib
import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyreadstat

from adapters import AdapterResult, read_batches, read_object


def read_bytes(
    data: bytes, name: str = "raw/test/2024-05/cases.csv", format: str | None = None, **options: Any
) -> AdapterResult:
    """Read an in-memory object through the public entry point."""
    return read_object(io.BytesIO(data), name, format, options)


def read_file(path: Path, name: str | None = None, format: str | None = None, **options: Any):
    """Read a file as the orchestration does, and prove the adapter left it untouched."""
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    try:
        with path.open("rb") as stream:
            return read_object(stream, name or f"raw/test/2024-05/{path.name}", format, options)
    finally:
        assert hashlib.sha256(path.read_bytes()).hexdigest() == before


def batches_of(data: bytes, name: str, format: str | None = None, **options: Any) -> list:
    return list(read_batches(io.BytesIO(data), name, format, options))


def rows(table: pa.Table) -> list[dict[str, Any]]:
    return table.to_pylist()


def _readstat_library() -> ctypes.CDLL:
    # pyreadstat bundles ReadStat, whose C API can write .sas7bdat although pyreadstat's
    # Python API only reads it; tests use it to make SAS datasets without SAS.
    [library] = Path(pyreadstat.__file__).parent.glob("_readstat_writer*.so")
    lib = ctypes.CDLL(str(library))
    lib.readstat_writer_init.restype = ctypes.c_void_p
    lib.readstat_add_variable.restype = ctypes.c_void_p
    lib.readstat_add_variable.argtypes = [
        ctypes.c_void_p,
        ctypes.c_char_p,
        ctypes.c_int,
        ctypes.c_size_t,
    ]
    lib.readstat_set_data_writer.argtypes = [ctypes.c_void_p, ctypes.c_void_p]
    lib.readstat_begin_writing_sas7bdat.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_long]
    for name in (
        "readstat_begin_row",
        "readstat_end_row",
        "readstat_end_writing",
        "readstat_writer_free",
    ):
        getattr(lib, name).argtypes = [ctypes.c_void_p]
    lib.readstat_insert_double_value.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_double]
    lib.readstat_insert_string_value.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_char_p]
    lib.readstat_insert_missing_value.argtypes = [ctypes.c_void_p, ctypes.c_void_p]
    return lib


_DATA_WRITER = ctypes.CFUNCTYPE(ctypes.c_ssize_t, ctypes.c_void_p, ctypes.c_size_t, ctypes.c_void_p)
_STRING, _DOUBLE = 0, 5


def write_sas7bdat(columns: dict[str, Sequence[str | float | None]]) -> bytes:
    """A SAS dataset with string and double columns (None is a missing value)."""
    lib = _readstat_library()
    output = bytearray()

    @_DATA_WRITER
    def collect(data: int, length: int, _context: int) -> int:
        output.extend(ctypes.string_at(data, length))
        return length

    writer = lib.readstat_writer_init()
    lib.readstat_set_data_writer(writer, ctypes.cast(collect, ctypes.c_void_p))
    variables = []
    for name, values in columns.items():
        is_text = any(isinstance(value, str) for value in values)
        width = max((len(str(value).encode()) for value in values if value is not None), default=1)
        variable = lib.readstat_add_variable(
            writer, name.encode(), _STRING if is_text else _DOUBLE, width if is_text else 8
        )
        variables.append((variable, is_text, values))
    count = len(next(iter(columns.values())))
    assert lib.readstat_begin_writing_sas7bdat(writer, None, count) == 0
    for index in range(count):
        lib.readstat_begin_row(writer)
        for variable, is_text, values in variables:
            value = values[index]
            if value is None:
                lib.readstat_insert_missing_value(writer, variable)
            elif is_text:
                lib.readstat_insert_string_value(writer, variable, str(value).encode())
            else:
                lib.readstat_insert_double_value(writer, variable, float(value))
        lib.readstat_end_row(writer)
    assert lib.readstat_end_writing(writer) == 0
    lib.readstat_writer_free(writer)
    return bytes(output)


def public_data_dir() -> Path | None:
    """`shared/public-data` beside the repository root, when this checkout has it."""
    repository = Path(__file__).resolve().parents[2]
    folder = repository.parent / "shared" / "public-data"
    return folder if folder.is_dir() else None
