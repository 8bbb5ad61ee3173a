"""Great Expectations' SQL execution engine, fitted for DuckDB through duckdb-engine.

Stock GX 1.x cannot validate a DuckDB relation (GX issue 11579): every expectation fails
with "IndexError: list index out of range" raised by `resolve_metric_bundle` at
`f"SqlAlchemyExecutionEngine computed {len(res[0])} metrics ..."`, because
`res = self.execute_query(...).fetchall()` came back empty. `execute_query` is::

    with self.get_connection() as connection:
        result = self._execute_query_with_recovery(connection, query)

    return result

so the caller reads the cursor result only after the connection was closed, which rolls its
transaction back (and the pool's reset-on-return rolls back again). duckdb-engine's cursor
is the DuckDB connection itself, which holds one pending result, and any statement on it,
that ROLLBACK included, discards that result: every query then returns no rows.
`_DuckDBExecutionEngine.execute_query` reads the rows before the connection is closed.

Two smaller gaps are closed at the same time. GX looks a dialect up by module to build a
regex condition and knows no module for duckdb, so `expect_column_values_to_match_regex`
raises "Regex is not supported for dialect duckdb"; duckdb-engine's dialect derives from
SQLAlchemy's PostgreSQL dialect, so the engine declares PostgreSQL's module. GX's PostgreSQL regex condition is
the `~` operator, which searches in PostgreSQL but must match the whole string in DuckDB;
the engine's compiler renders `~` and `!~` as `regexp_matches`, DuckDB's search.

The fixes live in a private subclass used only by the data source `validate_relation`
builds: nothing in GX is patched, so other engines in the process are untouched, and
using it twice changes nothing. `execute_query_in_transaction` is not overridden: GX only
uses it to fill temporary tables, which this data source keeps off (`create_temp_table`).
"""

from __future__ import annotations

from typing import Any, ClassVar

import duckdb_engine
import sqlalchemy as sa
from great_expectations.datasource.fluent import SQLDatasource
from great_expectations.execution_engine import SqlAlchemyExecutionEngine
from sqlalchemy.dialects import postgresql

# PostgreSQL regex operators as GX writes them, and their DuckDB search equivalent.
_REGEX_SEARCH_SQL = {"~": "regexp_matches({}, {})", "!~": "(NOT regexp_matches({}, {}))"}


class _DuckDBStatementCompiler(duckdb_engine.Dialect.statement_compiler):
    def visit_custom_op_binary(self, element: Any, operator: Any, **kw: Any) -> str:
        template = _REGEX_SEARCH_SQL.get(operator.opstring)
        if template is None:
            return super().visit_custom_op_binary(element, operator, **kw)
        return template.format(self.process(element.left, **kw), self.process(element.right, **kw))


class _DuckDBExecutionEngine(SqlAlchemyExecutionEngine):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.dialect_module = postgresql
        # Set on this engine's dialect only, so other DuckDB engines keep DuckDB's own `~`.
        self.engine.dialect.statement_compiler = _DuckDBStatementCompiler

    def execute_query(
        self, query: sa.sql.Selectable | sa.sql.elements.TextClause
    ) -> sa.engine.Result[Any]:
        with self.get_connection() as connection:
            result = self._execute_query_with_recovery(connection, query)
            # freeze() reads every row now, while the connection still holds them; GX's
            # callers only fetch (fetchall, fetchmany, fetchone, scalar) from the result.
            return result.freeze()() if result.returns_rows else result


class _DuckDBDatasource(SQLDatasource):
    # The leading underscore keeps GX's datasource metaclass from registering a global
    # `context.data_sources.add_...` factory for this class; it is added by instance.
    execution_engine_override: ClassVar[type[SqlAlchemyExecutionEngine]] = _DuckDBExecutionEngine
