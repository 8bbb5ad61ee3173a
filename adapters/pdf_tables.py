"""Tables in text-based PDFs (pdfplumber).

Options: `pages` ("1-3,5" or a list of 1-based page numbers; default all), and
`table_settings` passed to pdfplumber (e.g. `{vertical_strategy: text}` for tables drawn
without ruling lines). The tables found are read in page order as one table: a header row
repeated at the top of a continuation page is dropped. A scanned PDF has no text to read.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, BinaryIO

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfplumber.utils.exceptions import PdfminerException

from adapters.base import AdapterError, AdapterOptions, AdapterResult
from adapters.column_plan import clean_name
from adapters.records import grid_batches
from adapters.streams import seekable_copy


def _page_numbers(declared: Any, count: int, source_name: str) -> list[int]:
    if declared is None:
        return list(range(1, count + 1))
    numbers: list[int] = []
    parts = declared if isinstance(declared, list) else str(declared).split(",")
    for part in parts:
        text = str(part).strip()
        try:
            if "-" in text:
                first, last = (int(value) for value in text.split("-", 1))
                numbers.extend(range(first, last + 1))
            else:
                numbers.append(int(text))
        except ValueError as error:
            raise AdapterError(
                source_name, f"`pages: {declared}` is not a list of page numbers or ranges"
            ) from error
    outside = [number for number in numbers if not 1 <= number <= count]
    if outside:
        raise AdapterError(
            source_name, f"pages {outside} do not exist: the PDF has {count} pages; fix `pages:`"
        )
    return numbers


def _is_password_error(error: BaseException) -> bool:
    causes = [error, *error.args]
    return any(isinstance(cause, PDFPasswordIncorrect | PDFEncryptionError) for cause in causes)


def read_pdf(
    stream: BinaryIO, options: AdapterOptions, source_name: str
) -> Iterator[AdapterResult]:
    settings = options.extra.get("table_settings") or {}
    try:
        document = pdfplumber.open(seekable_copy(stream))
        pages = document.pages
    except (PdfminerException, PDFPasswordIncorrect, PDFEncryptionError) as error:
        if _is_password_error(error):
            raise AdapterError(
                source_name,
                "the PDF is password-protected; ask the contributor for an unprotected copy",
            ) from error
        raise AdapterError(
            source_name,
            f"not a readable PDF ({error}); it may be truncated: ask for the file again",
        ) from error
    with document:
        numbers = _page_numbers(options.extra.get("pages"), len(pages), source_name)
        grid: list[tuple[int, list[str | None]]] = []
        header: list[str | None] | None = None
        pages_with_tables = []
        header_count = options.rows_before_header + options.header_rows
        for number in numbers:
            tables = pages[number - 1].extract_tables(settings)
            if tables:
                pages_with_tables.append(number)
            for table in tables:
                for position, row in enumerate(table):
                    cells = [None if cell is None else clean_name(cell) for cell in row]
                    # A continuation page repeats the header: keep it once.
                    if header is not None and position == 0 and cells == header:
                        continue
                    grid.append((len(grid) + 1, cells))
                    if header is None and len(grid) == header_count:
                        header = cells
    if not grid:
        raise AdapterError(
            source_name,
            f"no table found on pages {numbers}; a scanned PDF has no text layer (ask for a "
            "text-based PDF or the data as CSV), or try `table_settings: {vertical_strategy: "
            "text, horizontal_strategy: text}`",
        )
    report: dict[str, Any] = {"format": "pdf", "pages_with_tables": pages_with_tables}
    yield from grid_batches(grid, options, source_name, report, describe_line="table row")
