"""The PNG heat map: a valid, readable image whose bytes depend only on the scores."""

from __future__ import annotations

import dataclasses
import io
import json
import struct
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from orchestration.publishing.heatmap_render import NO_DATA_COLOR, render_png, score_color

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
REPO_ROOT = Path(__file__).resolve().parents[2]


def chunk_types(png: bytes) -> list[bytes]:
    types, offset = [], len(PNG_SIGNATURE)
    while offset < len(png):
        (length,) = struct.unpack(">I", png[offset : offset + 4])
        types.append(png[offset + 4 : offset + 8])
        offset += 12 + length
    return types


@pytest.fixture
def png(cells, overall, averages, title) -> bytes:
    return render_png(cells, overall, averages, title)


def test_png_is_a_valid_image_of_a_sensible_size(png):
    assert png.startswith(PNG_SIGNATURE)
    assert chunk_types(png)[0] == b"IHDR"
    assert chunk_types(png)[-1] == b"IEND"
    image = Image.open(io.BytesIO(png))
    image.verify()
    width, height = Image.open(io.BytesIO(png)).size
    assert 1200 <= width <= 2400
    assert 600 <= height <= 1200
    assert width > height


def test_png_carries_no_timestamp_or_software_version(png):
    assert not {b"tIME", b"tEXt", b"iTXt", b"zTXt"} & set(chunk_types(png))


def test_cells_are_filled_with_their_scale_color_and_unfed_cells_grey(png, cells):
    pixels = Image.open(io.BytesIO(png)).convert("RGB")
    colors = {f"#{r:02x}{g:02x}{b:02x}" for _, (r, g, b) in pixels.getcolors(maxcolors=1 << 24)}
    assert {score_color(cell.score) for cell in cells if cell.data_set_count} <= colors
    assert NO_DATA_COLOR in colors


def test_same_scores_give_identical_png_bytes_in_another_process(
    png, cells, overall, averages, title
):
    # A fresh interpreter has a cold font cache and its own hash seed: what could leak in.
    script = (
        "import json, sys\n"
        "from orchestration.publishing.heatmap import CellScore\n"
        "from orchestration.publishing.heatmap_render import render_png\n"
        "given = json.load(sys.stdin)\n"
        "cells = [CellScore(**cell) for cell in given['cells']]\n"
        "png = render_png(cells, given['overall'], given['averages'], given['title'])\n"
        "sys.stdout.buffer.write(png)\n"
    )
    given = {
        "cells": [dataclasses.asdict(cell) for cell in cells],
        "overall": overall,
        "averages": averages,
        "title": title,
    }
    other = subprocess.run(
        [sys.executable, "-c", script],
        input=json.dumps(given).encode(),
        capture_output=True,
        cwd=REPO_ROOT,
        check=True,
        timeout=120,
    ).stdout
    assert other == png
    assert render_png(cells, overall, averages, title) == png


def test_dollar_signs_in_a_title_print_as_text(cells, overall, averages):
    # Read as math, "$5_$" is a subscript with nothing under it and the render would fail.
    assert render_png(cells, overall, averages, "Spend $5_$ per lead").startswith(PNG_SIGNATURE)
