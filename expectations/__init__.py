"""Data-quality gates as code, each rule stated once.

- `expectations/<layer>/<source>.py` holds a source's `gx_suite()`: the rules on its
  relation (values, identifiers, uniqueness); `expectations.registry` finds it by name.
- `expectations.gx_duckdb.validate_relation` runs a GX suite as SQL inside DuckDB.
- `expectations.pandera_gate.frame_schema` derives the schema of a landed frame from the
  lake layout's lineage columns and the contributor's declared `types:`, and
  `validate_frame` checks a polars frame against it.
- Both return an `expectations.gate_result.GateResult`, ready for Dagster check metadata.
"""
