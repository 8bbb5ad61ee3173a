"""Delimited text: CSV, TSV, pipe- and semicolon-separated, with dialect sniffing.

The data rows stream through pyarrow's CSV reader in blocks of `block_bytes`. Title rows
and the header are read first with Python's csv module, so report-style files (title rows,
a header spread over several rows, quoted newlines in header cells) get proper names.
Every column is read as bytes and checked as UTF-8 per row, so one bad byte or one ragged
row quarantines its own row, with its line and text, and the rest of the file lands.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from typing import BinaryIO

import pyarrow as pa
import pyarrow.csv as pacsv

from adapters.base import AdapterError, AdapterOptions, AdapterResult, Rejection
from adapters.column_plan import ColumnPlan, apply_plan, header_from_rows, plan_columns
from adapters.streams import human_bytes, peek, utf8_text

FORMAT_DELIMITERS: dict[str, str | None] = {"csv": ",", "tsv": "\t", "psv": "|", "delimited": None}
_CANDIDATES = [",", "\t", ";", "|"]
_DELIMITER_NAMES = {",": "comma", "\t": "tab", ";": "semicolon", "|": "pipe"}
_HEAD_BYTES = 1 << 20
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


def _lines(text: str, consumed: list[int]) -> Iterator[str]:
    """Physical lines of `text`, counting in `consumed` how many characters were handed out."""
    for match in _LINE.finditer(text):
        consumed[0] = match.end()
        yield match.group()


def _records(sample: str, delimiter: str, quote_char: str, limit: int) -> list[list[str]]:
    reader = csv.reader(_lines(sample, [0]), delimiter=delimiter, quotechar=quote_char)
    records = []
    try:
        for record in reader:
            records.append(record)
            if len(records) >= limit:
                break
    except csv.Error:
        pass
    return records


def sniff_delimiter(sample: str, quote_char: str = '"') -> str:
    """The candidate delimiter that splits the sample's records most consistently."""
    complete = sample[: max(sample.rfind("\n"), sample.rfind("\r")) + 1] or sample
    best, best_score = ",", (0.0, 0)
    for candidate in _CANDIDATES:
        records = _records(complete, candidate, quote_char, 50)
        counts = Counter(len(record) for record in records if record)
        if not counts:
            continue
        width, frequency = counts.most_common(1)[0]
        if width < 2:
            continue
        score = (frequency / sum(counts.values()), width)
        if score > best_score:
            best, best_score = candidate, score
    return best


def _other_delimiter(sample: str, delimiter: str, quote_char: str) -> str | None:
    """A delimiter that splits the sample consistently when `delimiter` finds one column."""
    guess = sniff_delimiter(sample, quote_char)
    if guess == delimiter:
        return None
    records = _records(sample, guess, quote_char, 20)
    return guess if records and len(records[0]) > 1 else None


def _leading_records(
    text: str, count: int, delimiter: str, quote_char: str, source_name: str
) -> tuple[list[list[str]], int]:
    """The first `count` records and the number of characters they span."""
    if count == 0:
        return [], 0
    consumed = [0]
    reader = csv.reader(_lines(text, consumed), delimiter=delimiter, quotechar=quote_char)
    records = []
    try:
        for record in reader:
            records.append(record)
            if len(records) == count:
                break
    except csv.Error as error:
        raise AdapterError(
            source_name,
            f"line {reader.line_num}: cannot read the title and header rows ({error}); check "
            "`skip_rows`, `header_rows` and `quote_char`",
        ) from error
    return records, consumed[0]


class _RowNumbers:
    """Maps a batch's row positions to line numbers, skipping rows pyarrow rejected."""

    def __init__(self, rows_before: int) -> None:
        self.rows_before = rows_before
        self.next_number = 1
        self.pending: list[int] = []

    def take_batch(self, rows: int) -> tuple[int, list[int]]:
        start, skipped = self.next_number, []
        end = start + rows - 1
        while self.pending and self.pending[0] <= end:
            skipped.append(self.pending.pop(0))
            end += 1
        self.next_number = end + 1
        return start, skipped

    def line(self, start: int, skipped: list[int], position: int) -> int:
        number = start + position
        for rejected in skipped:
            if rejected <= number:
                number += 1
        return self.rows_before + number


def read_delimited(
    stream: BinaryIO, options: AdapterOptions, source_name: str, format: str = "csv"
) -> Iterator[AdapterResult]:
    text_stream, encoding = utf8_text(stream, options, source_name)
    head, text_stream = peek(text_stream, _HEAD_BYTES)
    if not head.strip():
        raise AdapterError(
            source_name, "holds only blank lines; ask the contributor to send the data again"
        )
    sample = head.decode("utf-8", errors="surrogateescape")
    quote_char = options.quote_char
    delimiter = (
        options.delimiter or FORMAT_DELIMITERS.get(format) or sniff_delimiter(sample, quote_char)
    )
    report: dict = {
        "format": format,
        "encoding": encoding,
        "delimiter": delimiter,
        "block_bytes": options.block_bytes,
    }

    header_count = options.rows_before_header + options.header_rows
    records, consumed = _leading_records(sample, header_count, delimiter, quote_char, source_name)
    if consumed >= len(sample) and len(head) == _HEAD_BYTES:
        raise AdapterError(
            source_name,
            f"the title and header rows span more than {human_bytes(_HEAD_BYTES)}; check "
            "`skip_rows` and `header_rows`, or `quote_char` if a quote is unbalanced",
        )
    if len(records) < header_count:
        raise AdapterError(
            source_name,
            f"has {len(records)} rows, fewer than the {header_count} title and header rows "
            "declared (`skip_rows`, `header_rows`); check the declaration",
        )
    header_rows = records[options.rows_before_header :]
    if options.header_rows == 0:
        first = _records(sample[consumed:], delimiter, quote_char, 1)
        width = len(first[0]) if first else 0
        raw_names = options.column_names or [f"column_{i}" for i in range(1, width + 1)]
    else:
        raw_names = header_from_rows(header_rows, set(options.missing_values) - {""})
        if options.column_names:
            if len(options.column_names) != len(raw_names):
                raise AdapterError(
                    source_name,
                    f"`column_names` lists {len(options.column_names)} names but the header "
                    f"has {len(raw_names)} columns; list one name per column",
                )
            raw_names = options.column_names
    if len(raw_names) == 1 and options.delimiter is None:
        other = _other_delimiter(sample, delimiter, quote_char)
        if other is not None:
            raise AdapterError(
                source_name,
                f"line {header_count or 1} has 1 field when split on "
                f"{_DELIMITER_NAMES.get(delimiter, repr(delimiter))}, but the text looks "
                f"{_DELIMITER_NAMES.get(other, repr(other))}-delimited; declare "
                f"`delimiter: {other!r}` (or `format: delimited` to detect it)",
            )
    for position, name in enumerate(raw_names, start=1):
        # Undecodable bytes were kept as lone surrogates when the sample was decoded.
        if any("\udc80" <= char <= "\udcff" for char in name):
            raise AdapterError(
                source_name,
                f"the header's column {position} holds bytes that are not valid {encoding}; "
                "declare the right `encoding:` for this source (for example cp1252)",
            )
    plan = plan_columns(raw_names, options, source_name, report)
    report["columns"] = plan.names

    header_bytes = len(sample[:consumed].encode("utf-8", errors="surrogateescape"))
    text_stream.read(header_bytes)
    if len(head) < _HEAD_BYTES and not head[header_bytes:].strip():
        # A header and no rows: a valid empty delivery, which pyarrow would call empty.
        empty = pa.table([pa.array([], pa.string()) for _ in plan.names], names=plan.read_names)
        landed, _ = apply_plan(empty, plan, options, source_name, lambda i: None, str)
        yield AdapterResult(landed, [], {**report, "rows": 0, "rejected": 0})
        return
    yield from _stream_rows(text_stream, options, source_name, plan, delimiter, report)


def _stream_rows(
    text_stream: BinaryIO,
    options: AdapterOptions,
    source_name: str,
    plan: ColumnPlan,
    delimiter: str,
    report: dict,
) -> Iterator[AdapterResult]:
    rows_before = options.rows_before_header + options.header_rows
    numbers = _RowNumbers(rows_before)
    invalid: list[Rejection] = []
    expected = len(plan.read_names)

    def on_invalid_row(row: pacsv.InvalidRow) -> str:
        line = rows_before + row.number
        numbers.pending.append(row.number)
        hint = (
            "a value may hold an unquoted delimiter"
            if row.actual_columns > expected
            else "a field is missing, or the file was cut short"
        )
        invalid.append(
            Rejection(
                line=line,
                reason=f"{source_name}: line {line} has {row.actual_columns} fields, expected "
                f"{expected} ({hint}); the row was quarantined",
                original=row.text,
            )
        )
        return "skip"

    try:
        reader = pacsv.open_csv(
            text_stream,
            read_options=pacsv.ReadOptions(
                column_names=plan.read_names,
                block_size=options.block_bytes,
                use_threads=False,
            ),
            parse_options=pacsv.ParseOptions(
                delimiter=delimiter,
                quote_char=options.quote_char,
                newlines_in_values=True,
                invalid_row_handler=on_invalid_row,
            ),
            convert_options=pacsv.ConvertOptions(
                column_types={name: pa.binary() for name in plan.read_names},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
                null_values=[],
                check_utf8=False,
            ),
        )
        total_rows = total_rejected = 0
        emitted = False
        for batch in reader:
            start, skipped = numbers.take_batch(batch.num_rows)

            def line_of(position: int, start: int = start, skipped: list = skipped) -> int:
                return numbers.line(start, skipped, position)

            table, positions, undecodable = _decode(
                pa.Table.from_batches([batch]), line_of, source_name, delimiter, options, report
            )
            landed, mistyped = apply_plan(
                table,
                plan,
                options,
                source_name,
                line_of=lambda i, positions=positions, line_of=line_of: line_of(positions[i]),
                original_of=lambda i, table=table: _row_text(
                    [column[i].as_py() for column in table.columns], delimiter, options.quote_char
                ),
            )
            rejections = sorted([*invalid, *undecodable, *mistyped], key=lambda r: r.line or 0)
            invalid.clear()
            total_rows += landed.num_rows
            total_rejected += len(rejections)
            report.update(rows=total_rows, rejected=total_rejected)
            emitted = True
            yield AdapterResult(landed, rejections, dict(report))
        if not emitted or invalid:
            empty = pa.table(
                [pa.array([], pa.string()) for _ in plan.read_names], names=plan.read_names
            )
            landed, _ = apply_plan(empty, plan, options, source_name, lambda i: None, str)
            total_rejected += len(invalid)
            report.update(rows=total_rows, rejected=total_rejected)
            yield AdapterResult(landed, list(invalid), dict(report))
    except pa.ArrowInvalid as error:
        row = re.search(r"Row #(\d+)", str(error))
        line = rows_before + (int(row.group(1)) if row else numbers.next_number)
        if "straddl" in str(error):
            raise AdapterError(
                source_name,
                f"a row near line {line} is longer than the read block of "
                f"{human_bytes(options.block_bytes)}; declare a larger `block_bytes` "
                f"(for example {options.block_bytes * 8})",
            ) from error
        if "Expected" in str(error) and "columns, got" in str(error):
            # pyarrow decodes a ragged row's text before handing it over; when that text is
            # not UTF-8 the row cannot be quarantined as text, so the object stops instead.
            raise AdapterError(
                source_name,
                f"a row near line {line} has the wrong number of fields and bytes that are not "
                f"valid {report['encoding']}; declare the right `encoding:` (for example "
                "cp1252) or ask the contributor to fix the row",
            ) from error
        raise AdapterError(
            source_name, f"cannot parse the text near line {line} ({error})"
        ) from error


def _row_text(values: list[str | None], delimiter: str, quote_char: str) -> str:
    """A row written back as delimited text, quoting values that hold newlines or delimiters."""
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, quotechar=quote_char, lineterminator="\n").writerow(
        ["" if value is None else value for value in values]
    )
    return buffer.getvalue()[:-1]


def _decode(
    table: pa.Table,
    line_of: Callable[[int], int],
    source_name: str,
    delimiter: str,
    options: AdapterOptions,
    report: dict,
) -> tuple[pa.Table, Sequence[int], list[Rejection]]:
    """Bytes columns as UTF-8 strings; rows holding invalid bytes are rejected.

    Returns the kept rows, their positions in the batch, and the rejections.
    """
    as_text = pa.schema([(name, pa.string()) for name in table.column_names])
    try:
        return table.cast(as_text), range(table.num_rows), []
    except pa.ArrowInvalid:
        pass
    raw = [column.to_pylist() for column in table.columns]
    bad: dict[int, str] = {}
    for name, values in zip(table.column_names, raw, strict=True):
        for row, value in enumerate(values):
            if row in bad or value is None:
                continue
            try:
                value.decode("utf-8")
            except UnicodeDecodeError as error:
                sample = value[max(error.start - 8, 0) : error.end + 8]
                bad[row] = f"column {name!r} holds bytes that are not valid UTF-8 ({sample!r})"
    rejections = []
    for row, problem in sorted(bad.items()):
        line = line_of(row)
        values = [
            None if c[row] is None else c[row].decode("utf-8", "backslashreplace") for c in raw
        ]
        rejections.append(
            Rejection(
                line=line,
                reason=f"{source_name}: line {line}: {problem}; the file was read as "
                f"{report['encoding']}: declare `encoding:` (for example cp1252) if it is not; "
                "the row was quarantined",
                original=_row_text(values, delimiter, options.quote_char),
            )
        )
    positions = [row for row in range(table.num_rows) if row not in bad]
    kept = table.take(pa.array(positions, pa.int64()))
    return kept.cast(as_text), positions, rejections
