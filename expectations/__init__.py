"""Data-quality gates as code: Great Expectations suites and pandera models per layer and source.

- `expectations/<layer>/<source>.py` holds a source's `gx_suite()` and `PanderaModel`;
  `expectations.registry` finds them by name.
- `expectations.gx_duckdb.validate_relation` runs a GX suite as SQL inside DuckDB.
- `expectations.pandera_gate.validate_frame` runs a pandera model over a polars frame.
- Both return an `expectations.gate_result.GateResult`, ready for Dagster check metadata.
"""
