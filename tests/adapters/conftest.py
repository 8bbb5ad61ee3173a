"""Fixtures for adapter tests."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from adapter_helpers import public_data_dir


@pytest.fixture
def write_file(tmp_path: Path) -> Callable[[str, bytes], Path]:
    def write(name: str, data: bytes) -> Path:
        path = tmp_path / name
        path.write_bytes(data)
        return path

    return write


@pytest.fixture
def public_data() -> Path:
    folder = public_data_dir()
    if folder is None:
        pytest.skip("shared/public-data is not beside this checkout")
    return folder


@pytest.fixture
def xlsx_bytes() -> Callable[[list[list[Any]]], bytes]:
    def build(sheet_rows: list[list[Any]], title: str = "Cases") -> bytes:
        workbook = openpyxl.Workbook()
        sheet = workbook.active
        sheet.title = title
        for row in sheet_rows:
            sheet.append(row)
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()

    return build
