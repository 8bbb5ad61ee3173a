"""A sample of a file, read the way landing will read it.

The format and compression come from the adapters' own detection; the text dialect (encoding,
delimiter), the title rows above a header, a header spread over several rows, the sheet of a
workbook, the record path of a JSON document, the table of a SQLite file and the layout of
fixed-width text are found here and expressed only as options the adapters already accept
(adapters/README.md). The sample is then read through `adapters.registry.read_batches` with
exactly those options, so the draft lands the file as the sample was read.
"""

from __future__ import annotations

import csv
import io
import itertools
import re
import sqlite3
import zipfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO

import pyarrow as pa

from adapters.base import AdapterError, AdapterOptions, AdapterResult
from adapters.column_plan import header_from_rows, plan_columns
from adapters.delimited import FORMAT_DELIMITERS, sniff_delimiter
from adapters.json_records import load_document
from adapters.registry import EXTENSIONS, detect_format, read_batches
from adapters.streams import (
    decompress,
    detect_compression,
    read_up_to,
    strip_compression_suffix,
    utf8_text,
)
from orchestration.engineering.proposal.naming import is_junk, is_unsafe, snake_case, unique_names
from orchestration.engineering.proposal.profiles import TEXT_SENTINELS

SAMPLE_ROWS = 5000
DEFAULT_MISSING = AdapterOptions().missing_values
_TEXT_HEAD = 1 << 20
_SCAN_ROWS = 200
_DELIMITED = {"csv", "tsv", "psv", "delimited"}
_GRIDS = {"xlsx", "xls", "ods", "html", "pdf"}
_NUMBER = re.compile(r"^[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)?(?:\.\d+)?%?$")
_DATE = re.compile(r"^\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}(?:[ T].*)?$")
_SAFE_OPTION_TEXT = re.compile(r"^[A-Za-z0-9 _./@-]{1,100}$")


class ProposalError(Exception):
    """A file the proposal cannot read or a draft it cannot write; the message says why."""


@dataclass
class Sample:
    """The first rows of a file and how they were read."""

    path: Path
    format: str
    compression: str | None
    files: str
    options: dict[str, Any]
    raw: pa.Table
    """The sample with no missing-value codes applied, columns under their landed names."""
    sent_names: dict[str, str]
    """Landed column name -> the name the file's header gave it."""
    report: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


class _Inner:
    """The bytes inside a file's compression or zip layer (what the adapters will parse)."""

    def __init__(self, path: Path, compression: str | None, member: str | None) -> None:
        self.path, self.compression, self.member = path, compression, member

    def __enter__(self) -> BinaryIO:
        self._file = self.path.open("rb")
        if self.compression == "zip" and self.member is not None:
            self._archive = zipfile.ZipFile(self._file)
            return self._archive.open(self.member)  # type: ignore[return-value]
        if self.compression in ("gzip", "bz2", "zstd"):
            return decompress(self._file, self.compression, self.path.name, AdapterOptions())
        return self._file

    def __exit__(self, *_: object) -> None:
        if self.compression == "zip" and self.member is not None:
            self._archive.close()
        self._file.close()


def _zip_member(path: Path) -> tuple[str | None, str | None]:
    """The format an archive is (xlsx, ods, shapefile) or holds, and the member to sample."""
    suffix = path.suffix.lower()
    if EXTENSIONS.get(suffix) in ("xlsx", "ods"):
        return EXTENSIONS[suffix], None
    with zipfile.ZipFile(path) as archive:
        names = [
            name
            for name in archive.namelist()
            if not name.endswith("/") and not name.startswith("__MACOSX/")
        ]
        if "[Content_Types].xml" in names and any(n.startswith("xl/") for n in names):
            return "xlsx", None
        if "mimetype" in names and archive.read("mimetype").startswith(
            b"application/vnd.oasis.opendocument.spreadsheet"
        ):
            return "ods", None
        if any(name.lower().endswith(".shp") for name in names):
            return "shapefile", None
        if not names:
            raise ProposalError(f"{path}: the zip archive holds no files")
        member = sorted(names, key=lambda name: -archive.getinfo(name).file_size)[0]
        head = archive.open(member).read(1 << 16)
    inner = strip_compression_suffix(member)
    return detect_format(inner, head), member


def _files_glob(path: Path) -> str:
    """`*.csv.gz`-style pattern from the file's own suffixes (letters and digits only)."""
    suffixes = [s.lower() for s in path.suffixes[-2:] if re.fullmatch(r"\.[A-Za-z0-9]{1,8}", s)]
    if len(suffixes) == 2 and EXTENSIONS.get(suffixes[0]) is None:
        suffixes = suffixes[1:]
    return "*" + "".join(suffixes) if suffixes else "*"


def _first_batch(path: Path, format: str, options: dict) -> AdapterResult:
    """Up to SAMPLE_ROWS rows from the first batches, read by the adapters (which unwrap any
    compression themselves, as landing does)."""
    results = []
    with path.open("rb") as stream:
        batches = read_batches(stream, path.name, format, {**options, "batch_rows": SAMPLE_ROWS})
        try:
            for result in batches:
                results.append(result)
                if sum(r.table.num_rows for r in results) >= SAMPLE_ROWS:
                    break
        finally:
            batches.close()
    table = pa.concat_tables([result.table for result in results]).slice(0, SAMPLE_ROWS)
    return AdapterResult(table, [], results[-1].report)


def _decoded(head: bytes, name: str) -> tuple[str, str]:
    """The head as text, cut at its last line break, and the encoding it was in."""
    stream, encoding = utf8_text(io.BytesIO(head), AdapterOptions(), name)
    text = stream.read().decode("utf-8", errors="replace")
    if len(head) >= _TEXT_HEAD:
        text = text[: max(text.rfind("\n"), text.rfind("\r")) + 1] or text
    return text, encoding


def _kind(cell: str, blanks: set[str]) -> str:
    if cell in blanks or cell.lower() in TEXT_SENTINELS:
        return "blank"
    if _NUMBER.match(cell) and any(char.isdigit() for char in cell):
        return "number"
    if _DATE.match(cell):
        return "date"
    return "text"


@dataclass(frozen=True)
class HeaderGuess:
    skip_rows: int
    header_rows: int
    names: list[str]


def find_header(rows: list[list[Any]]) -> HeaderGuess:
    """Where the header is in the first rows of a table: title rows above it, and how many
    rows it spans (a group label over several columns continues on the row below).

    Data rows are those whose cells have the kinds (number, date) the lower half of the rows
    has in each column; the header is the row above the first of them, grown upwards while
    its names are blank or repeated and the row above carries labels. A table of text only
    has its header on its first full row.
    """
    blanks = {"", *DEFAULT_MISSING}
    labels = blanks - {""}
    cells = [["" if c is None else str(c).strip() for c in row] for row in rows[:_SCAN_ROWS]]
    filled = [i for i, row in enumerate(cells) if any(row)]
    if not filled:
        return HeaderGuess(0, 1, [])
    width = Counter(len(cells[i]) for i in filled).most_common(1)[0][0]
    first = cells[filled[0]]
    texts = sum(_kind(cell, blanks) == "text" for cell in first)
    if (
        len(first) == width
        and all(first)
        and len(set(first)) == len(first)
        and texts > len(first) / 2
        and not any(_kind(cell, blanks) == "number" for cell in first)
    ):
        # A first row of distinct names, as wide as the table, is its header: rows below
        # with blanks are data (free text, placeholders), not a header's continuation.
        return HeaderGuess(filled[0], 1, header_from_rows([first], labels))
    lower = [cells[i] for i in filled[len(filled) // 2 :] if len(cells[i]) == width]
    typed: dict[int, str] = {}
    for column in range(width):
        kinds = Counter(_kind(row[column], blanks) for row in lower)
        kinds.pop("blank", None)
        if kinds:
            kind, count = kinds.most_common(1)[0]
            if kind != "text" and count >= 0.7 * sum(kinds.values()):
                typed[column] = kind
    if not typed:
        for index in filled:
            row = cells[index]
            if len(row) == width and all(row) and len(set(row)) == len(row):
                return HeaderGuess(index, 1, header_from_rows([row], labels))
        return HeaderGuess(filled[0], 1, header_from_rows([cells[filled[0]]], labels))

    def is_data(index: int) -> bool:
        row = cells[index]
        if len(row) != width:
            return False
        kinds = {column: _kind(row[column], blanks) for column in typed}
        hits = sum(kinds[column] == kind for column, kind in typed.items())
        misses = sum(kinds[column] not in ("blank", kind) for column, kind in typed.items())
        return hits > 0 and misses <= 0.2 * len(typed)

    # a data row, followed by data rows (one odd row among the next three is tolerated)
    first_data = next(
        (
            index
            for position, index in enumerate(filled)
            if is_data(index)
            and sum(is_data(i) for i in filled[position + 1 : position + 4])
            >= min(2, len(filled) - position - 1)
        ),
        None,
    )
    if first_data is None:
        return HeaderGuess(filled[0], 1, header_from_rows([cells[filled[0]]], labels))
    if first_data == filled[0]:
        row = cells[first_data]
        texts = sum(_kind(cell, blanks) == "text" for cell in row)
        named = all(row) and len(set(row)) == len(row) and texts > len(row) / 2
        return HeaderGuess(first_data, 1 if named else 0, header_from_rows([row], labels))
    top = max(i for i in filled if i < first_data)
    count = 1
    names = header_from_rows([cells[top]], labels)
    while count < 3 and top >= 1:
        incomplete = any(not name for name in names[1:]) or len(set(names)) < len(names)
        above = cells[top - 1]
        carries_labels = sum(_kind(cell, blanks) == "text" for cell in above) >= 2
        if not incomplete or len(above) != width or not carries_labels:
            break
        top -= 1
        count += 1
        names = header_from_rows(cells[top : top + count], labels)
    return HeaderGuess(top, count, names)


def _expected_names(names: list[str], name: str) -> list[str]:
    return plan_columns(names, AdapterOptions(), name, {}).read_names


def _delimiter_option(text: str, format: str) -> dict[str, str]:
    """The delimiter, declared when it is not the format's own (always for `delimited`)."""
    sniffed = sniff_delimiter(text)
    if sniffed != FORMAT_DELIMITERS.get(format) or format == "delimited":
        return {"delimiter": sniffed}
    return {}


def _csv_records(text: str, delimiter: str) -> Iterator[list[str]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar='"')
    try:
        for number, record in enumerate(reader):
            if number >= _SCAN_ROWS:
                return
            yield record
    except csv.Error:
        return


def infer_layout(text: str) -> list[dict[str, Any]]:
    """Fixed-width columns from aligned text: a column ends where every line has a blank,
    or where digits meet letters on every line (a number run into a name)."""
    lines = [line.rstrip("\r\n") for line in text.splitlines()[:2000] if line.strip()]
    width = max((len(line) for line in lines), default=0)
    padded = [line.ljust(width) for line in lines]
    blank = [all(line[p] == " " for line in padded) for p in range(width)]
    starts: list[int] = []
    for p in range(width):
        if blank[p]:
            continue
        if p == 0 or blank[p - 1]:
            starts.append(p)
            continue
        if all(
            (line[p - 1].isdigit() or line[p - 1] == " ") and (line[p].isalpha() or line[p] == " ")
            for line in padded
        ) and any(line[p - 1].isdigit() and line[p].isalpha() for line in padded):
            starts.append(p)
    layout = []
    for number, start in enumerate(starts, start=1):
        end = starts[number] if number < len(starts) else width
        while end > start and blank[end - 1]:
            end -= 1
        layout.append({"name": f"field_{number}", "start": start + 1, "end": end})
    return layout


def _looks_fixed_width(text: str, records: list[list[str]]) -> bool:
    lines = [line for line in text.splitlines()[:200] if line.strip()]
    if len(lines) < 2 or sum(len(r) > 1 for r in records) > 0.1 * len(records):
        return False
    lengths = Counter(len(line.rstrip()) for line in lines)
    return lengths.most_common(1)[0][1] >= 0.6 * len(lines) and "  " in lines[-1]


def _json_record_path(document: Any) -> str | None:
    """The dotted path of the longest list of records in a JSON document."""
    best: tuple[int, str | None] = (0, None)
    pending: list[tuple[Any, list[str]]] = [(document, [])]
    while pending:
        node, path = pending.pop()
        if not isinstance(node, dict) or len(path) > 5:
            continue
        for key, value in node.items():
            if not isinstance(key, str) or "." in key:
                continue
            records = isinstance(value, list) and all(isinstance(v, dict) for v in value[:50])
            if records and len(value) > best[0]:
                best = (len(value), ".".join([*path, key]))
            pending.append((value, [*path, key]))
    return best[1]


def _sqlite_table(path: Path) -> str | None:
    """The table with the most rows, when the file holds several."""
    uri = f"{path.resolve().as_uri()}?mode=ro&immutable=1"
    connection = sqlite3.connect(uri, uri=True)
    try:
        tables = [
            row[0]
            for row in connection.execute(
                "select name from sqlite_master where type = 'table' order by name"
            )
        ]
        if len(tables) <= 1:
            return None
        sizes = {
            table: connection.execute(
                'select count(*) from "{}"'.format(table.replace('"', '""'))
            ).fetchone()[0]
            for table in tables
        }
    finally:
        connection.close()
    return max(sizes, key=lambda table: sizes[table])


def _grid_options(path: Path, format: str, options: dict) -> dict:
    """skip_rows/header_rows for a workbook, HTML or PDF table, checked by reading again."""
    grid = _first_batch(path, format, {**options, "header_rows": 0})
    rows = [list(row.values()) for row in grid.table.slice(0, _SCAN_ROWS).to_pylist()]
    guess = find_header(rows)
    if guess.header_rows == 0 or (guess.skip_rows, guess.header_rows) == (0, 1):
        return {}
    expected = _expected_names(guess.names, path.name)
    # calamine drops the blank rows above a sheet's first value but keeps those below it
    for skip in range(guess.skip_rows, guess.skip_rows + 6):
        found = {"skip_rows": skip, "header_rows": guess.header_rows}
        try:
            read = _first_batch(path, format, {**options, **found})
        except AdapterError:
            continue
        if read.table.column_names == expected:
            return found if guess.header_rows != 1 else {"skip_rows": skip}
    return {}


def _text_options(text: str, format: str, notes: list[str]) -> tuple[str, dict[str, Any]]:
    """Delimiter and header position of delimited text, or the layout of fixed-width text."""
    options: dict[str, Any] = {}
    if format != "fixed_width":
        dialect = _delimiter_option(text, format)
        records = list(_csv_records(text, dialect.get("delimiter") or ","))
        if not _looks_fixed_width(text, records):
            options.update(dialect)
            guess = find_header(records)
            if guess.skip_rows:
                options["skip_rows"] = guess.skip_rows
                notes.append(f"{guess.skip_rows} title rows above the header are skipped")
            if guess.header_rows != 1:
                options["header_rows"] = guess.header_rows
                notes.append(f"the header spans {guess.header_rows} rows")
            return format, options
    options["layout"] = infer_layout(text)
    notes.append(
        "fixed-width text: the layout was inferred from aligned blanks; check it against "
        "the contributor's record layout and name the fields"
    )
    return "fixed_width", options


def _format_options(
    path: Path, format: str, compression: str | None, member: str | None, notes: list[str]
) -> tuple[str, dict[str, Any]]:
    """The format (fixed-width text may hide under .txt) and the options it needs."""
    options: dict[str, Any] = {}
    if format in _DELIMITED or format == "fixed_width":
        with _Inner(path, compression, member) as stream:
            head = read_up_to(stream, _TEXT_HEAD)
        text, encoding = _decoded(head, path.name)
        if encoding != "utf-8":
            options["encoding"] = encoding
            notes.append(f"text encoding {encoding}")
        format, found = _text_options(text, format, notes)
        options.update(found)
    elif format in ("xlsx", "xls", "ods"):
        sheets = _first_batch(path, format, {"header_rows": 0}).report["sheets"]
        sizes = {
            sheet: _first_batch(path, format, {"sheet": sheet, "header_rows": 0}).table.num_rows
            for sheet in sheets
        }
        sheet = max(sheets, key=lambda name: sizes[name])
        options["sheet"] = sheet if _SAFE_OPTION_TEXT.match(sheet) else sheets.index(sheet)
        if len(sheets) > 1:
            notes.append(f"{len(sheets)} sheets; the largest was sampled")
    elif format == "json":
        with _Inner(path, compression, member) as stream:
            document, _ = load_document(stream, AdapterOptions(), path.name)
        record_path = _json_record_path(document) if isinstance(document, dict) else None
        if record_path and _SAFE_OPTION_TEXT.match(record_path):
            options["record_path"] = record_path
            notes.append("the records sit under a record path inside the document")
    elif format == "sqlite":
        table = _sqlite_table(path)
        if table is not None and _SAFE_OPTION_TEXT.match(table):
            options["table"] = table
            notes.append("several tables; the largest was sampled")
    if format in _GRIDS:
        options.update(_grid_options(path, format, options))
    return format, options


def _xml_explode(table: pa.Table) -> str | None:
    """The element path to explode when repeated child elements were joined into one cell."""
    joined = Counter()
    for name in table.column_names:
        if "/" not in name:
            continue
        values = [v for v in table.column(name).to_pylist() if v]
        if values and sum("; " in v for v in values) >= 0.1 * len(values):
            joined[name.rsplit("/", 1)[0]] += 1
    if not joined:
        return None
    parent = joined.most_common(1)[0][0]
    return parent if _SAFE_OPTION_TEXT.match(parent) else None


def _junk_renames(raw: pa.Table) -> dict[str, str]:
    """New names for header cells that name nothing (a blank or index cell over the first
    column, a pandas `Unnamed: 0`) and for names unsafe downstream."""
    names = raw.column_names
    renames: dict[str, str] = {}
    for position, name in enumerate(names):
        if (position == 0 and is_junk(name)) or name.lower().startswith("unnamed:"):
            values = [v for v in raw.column(name).to_pylist()[:200] if v not in (None, "")]
            numbers = [int(v) for v in values if re.fullmatch(r"\d+", str(v).strip())]
            steps = {b - a for a, b in itertools.pairwise(numbers)}
            indexed = len(numbers) == len(values) > 1 and steps == {1}
            target = "source_row" if indexed else f"column_{position + 1}"
            if target != name:
                renames[name] = target
        elif is_unsafe(name):
            renames[name] = snake_case(name, f"column_{position + 1}")
    kept = {name for name in names if name not in renames}
    targets = unique_names(list(renames.values()), kept)
    return dict(zip(renames, targets, strict=True))


def sample_file(path: Path) -> Sample:
    """The first SAMPLE_ROWS rows of `path` and the adapter options that read them."""
    if not path.is_file():
        raise ProposalError(f"{path}: no such file; give the path of a sample delivery")
    with path.open("rb") as stream:
        head = read_up_to(stream, 1 << 16)
    if not head:
        raise ProposalError(f"{path}: the file is empty (0 bytes); ask for the delivery again")
    compression = detect_compression(head, path.name)
    notes: list[str] = []
    member = None
    try:
        if compression in ("gzip", "bz2", "zstd"):
            with _Inner(path, compression, None) as stream:
                inner = read_up_to(stream, 1 << 16)
            format = detect_format(strip_compression_suffix(path.name), inner)
            notes.append(f"{compression}-compressed")
        elif compression == "zip":
            format, member = _zip_member(path)
            if member is None:
                compression = None
            else:
                notes.append(f"zip archive; member {PurePosixPath(member).name!r} was sampled")
        else:
            format = detect_format(path.name, head)
        format, options = _format_options(path, format, compression, member, notes)
        named = _first_batch(path, format, options)
        if format == "xml" and (explode := _xml_explode(named.table)):
            options["explode"] = explode
            notes.append("repeated elements are exploded into one row each")
            named = _first_batch(path, format, options)
        # Header cells equal to a missing-value code name no column, so the names come from a
        # read with the default codes and the values from a read with none.
        unmissed: dict[str, Any] = {"missing_values": []}
        if format in _DELIMITED | _GRIDS and options.get("header_rows", 1):
            unmissed["column_names"] = named.table.column_names
        raw = _first_batch(path, format, {**options, **unmissed})
    except AdapterError as error:
        raise ProposalError(
            f"{path}: the adapters cannot read the sample: {error.detail}"
        ) from error
    except (OSError, zipfile.BadZipFile, sqlite3.DatabaseError) as error:
        raise ProposalError(f"{path}: cannot read the sample ({error})") from error
    renames = _junk_renames(raw.table)
    if renames:
        options["rename"] = renames
    table = raw.table.rename_columns([renames.get(name, name) for name in raw.table.column_names])
    return Sample(
        path=path,
        format=format,
        compression=compression,
        files=_files_glob(path),
        options=options,
        raw=table,
        sent_names={renames.get(name, name): name for name in raw.table.column_names},
        report=raw.report,
        notes=notes,
    )


def read_landed(sample: Sample, options: dict[str, Any]) -> pa.Table:
    """The sample as landing would land it with `options` (checks the draft's options)."""
    try:
        return _first_batch(sample.path, sample.format, options).table
    except AdapterError as error:
        raise ProposalError(
            f"{sample.path}: the drafted options do not read the file: {error.detail}"
        ) from error
