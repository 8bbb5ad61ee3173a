"""Statistical package files through ReadStat (pyreadstat): SAS .sas7bdat, SAS transport
.xpt, SPSS .sav/.zsav and Stata .dta.

Columns keep their types (numbers stay doubles, dates become dates). Value labels are not
applied: bronze keeps the codes the contributor stored, and the labels travel in
report["value_labels"] for staging, with variable labels in report["column_labels"].
Read in chunks of `batch_rows` rows.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any, BinaryIO

import pyreadstat

from adapters.base import AdapterError, AdapterOptions, AdapterResult
from adapters.column_plan import apply_plan, plan_columns
from adapters.streams import local_path

READERS: dict[str, tuple[Callable[..., Any], str]] = {
    "sas7bdat": (pyreadstat.read_sas7bdat, "SAS dataset"),
    "xpt": (pyreadstat.read_xport, "SAS transport"),
    "sav": (pyreadstat.read_sav, "SPSS"),
    "dta": (pyreadstat.read_dta, "Stata"),
}


def read_statistical(
    stream: BinaryIO, options: AdapterOptions, source_name: str, format: str
) -> Iterator[AdapterResult]:
    read, what = READERS[format]
    extra = {"encoding": options.encoding} if options.encoding and format != "xpt" else {}
    with local_path(stream, suffix=f".{format}") as path:
        offset = 0
        plan = None
        report: dict[str, Any] = {"format": format}
        totals = {"rows": 0, "rejected": 0}
        while True:
            try:
                frame, metadata = read(
                    path,
                    row_offset=offset,
                    row_limit=options.batch_rows,
                    output_format="polars",
                    **extra,
                )
            except (pyreadstat.ReadstatError, pyreadstat.PyreadstatError) as error:
                raise AdapterError(
                    source_name,
                    f"not a readable {what} file ({error}) after row {offset}; it may be "
                    "truncated, corrupt or in another format: ask the contributor to send it "
                    "again, or declare the right `format:`",
                ) from error
            table = frame.to_arrow()
            if plan is None:
                plan = plan_columns(table.column_names, options, source_name, report)
                report.update(
                    columns=plan.names,
                    encoding=metadata.file_encoding,
                    rows_in_file=metadata.number_rows,
                    column_labels={k: v for k, v in metadata.column_names_to_labels.items() if v},
                    value_labels={
                        column: {str(code): label for code, label in labels.items()}
                        for column, labels in metadata.variable_value_labels.items()
                    },
                )
            elif table.num_rows == 0:
                break
            landed, rejections = apply_plan(
                table,
                plan,
                options,
                source_name,
                line_of=lambda i, first=offset + 1: first + i,
                original_of=lambda i, table=table: json.dumps(
                    table.slice(i, 1).to_pylist()[0], default=str
                ),
            )
            totals["rows"] += landed.num_rows
            totals["rejected"] += len(rejections)
            report.update(totals)
            yield AdapterResult(landed, rejections, dict(report))
            offset += table.num_rows
            if table.num_rows < options.batch_rows:
                break
