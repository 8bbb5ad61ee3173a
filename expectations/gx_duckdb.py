"""Great Expectations gates run inside DuckDB.

`validate_relation` validates a DuckDB table or view with a GX suite: every expectation is
compiled to SQL and answered by DuckDB (counts, a LIMIT-ed sample of unexpected values), so
no table is pulled into Python, whatever its size. Bronze lives in Parquet on object storage;
give it to the gate as a view::

    validate_relation(
        ":memory:",
        "screenings",
        bronze.screenings.gx_suite(),
        setup_sql=[
            "CREATE SECRET lake (TYPE s3, ENDPOINT '127.0.0.1:8333', URL_STYLE 'path', ...)",
            "CREATE VIEW screenings AS SELECT * FROM "
            "read_parquet('s3://lake/bronze/screenings/*.parquet', union_by_name=true)",
        ],
    )

`setup_sql` runs on every connection the gate opens. Against a database file, create views
there as `CREATE OR REPLACE TEMP VIEW`, so that gates neither write to the file nor trip over
each other's views.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import duckdb
import duckdb_engine
import great_expectations as gx
from great_expectations.core import ExpectationValidationResult
from great_expectations.data_context.types.base import ProgressBarsConfig
from great_expectations.datasource.fluent.interfaces import TestConnectionError
from great_expectations.expectations import Expectation

from expectations.gate_result import MAX_EXAMPLES, ExpectationOutcome, GateResult
from expectations.gx_duckdb_engine import _DuckDBDatasource

DuckDBConnect = Callable[[], duckdb.DuckDBPyConnection]
Suite = Sequence[Expectation] | gx.ExpectationSuite

# BASIC carries counts, percentages and a sample of unexpected values, each computed in SQL
# with a LIMIT; COMPLETE would fetch every unexpected value.
RESULT_FORMAT = {"result_format": "BASIC", "partial_unexpected_count": MAX_EXAMPLES}
COLUMN_KWARGS = ("column", "column_A", "column_B")


class GateSetupError(RuntimeError):
    """The gate could not reach the relation it was asked to validate."""


def duckdb_extension_directory() -> Path:
    """Where the duckdb-ext-* wheels put DuckDB extensions (httpfs for S3)."""
    spec = importlib.util.find_spec("duckdb_ext")
    if spec is None or not spec.submodule_search_locations:
        raise GateSetupError(
            "DuckDB extensions are not installed; add duckdb-ext-httpfs to the environment"
        )
    return Path(next(iter(spec.submodule_search_locations))) / "extensions"


def duckdb_config() -> dict[str, Any]:
    """Connection config that loads extensions from the installed wheels, never the web."""
    return {
        "extension_directory": str(duckdb_extension_directory()),
        "autoinstall_known_extensions": False,
        "autoload_known_extensions": True,
    }


def validate_relation(
    database: str | Path | DuckDBConnect,
    relation: str,
    suite: Suite,
    *,
    setup_sql: Sequence[str] = (),
) -> GateResult:
    """Validate the DuckDB table or view `relation` with `suite`, pushed down into DuckDB.

    `database` is a database file, ':memory:', or a function returning a new DuckDB
    connection (the gate closes what it returns: hand out `shared.cursor()`, not `shared`).
    `setup_sql` runs on every new connection, before any query.
    """
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    datasource = context.add_datasource(
        datasource=_DuckDBDatasource(
            name="duckdb",
            connection_string=_connection_url(database),
            kwargs={"creator": _connection_factory(database, setup_sql)},
        )
    )
    try:
        try:
            asset = datasource.add_table_asset(name=relation, table_name=relation)
        except TestConnectionError as error:
            setup_failure = _cause_of_type(error, GateSetupError)
            if setup_failure is not None:
                raise setup_failure from None
            raise GateSetupError(
                f"{relation!r} is not a table or view in {_describe(database)}: {error}; "
                "create it there or in setup_sql"
            ) from error
        batch = asset.add_batch_definition_whole_table("whole_table").get_batch()
        validation = batch.validate(_as_suite(suite, relation), result_format=RESULT_FORMAT)
    finally:
        # Release every DuckDB connection, so the database file is free for its writer.
        datasource.get_execution_engine().close()
        datasource.get_engine().dispose()
    outcomes = [_outcome(result) for result in validation.results]
    return GateResult(
        engine="great_expectations",
        relation=relation,
        success=bool(validation.success),
        outcomes=outcomes,
    )


def _connection_url(database: str | Path | DuckDBConnect) -> str:
    # With a creator the URL only picks the dialect and pool: ':memory:' keeps one
    # connection per thread, a file path a queue of connections.
    return "duckdb:///:memory:" if callable(database) else f"duckdb:///{database}"


def _describe(database: str | Path | DuckDBConnect) -> str:
    return (
        "the connections returned by the connect function" if callable(database) else str(database)
    )


def _connection_factory(
    database: str | Path | DuckDBConnect, setup_sql: Sequence[str]
) -> Callable[[], duckdb_engine.ConnectionWrapper]:
    statements = list(setup_sql)

    def connect() -> duckdb_engine.ConnectionWrapper:
        if callable(database):
            connection = database()
        else:
            connection = duckdb.connect(str(database), config=duckdb_config())
        for statement in statements:
            try:
                connection.execute(statement)
            except duckdb.Error as error:
                connection.close()
                raise GateSetupError(
                    f"setup_sql statement failed on a new connection to {_describe(database)}: "
                    f"{statement!r}: {error}"
                ) from error
        return duckdb_engine.ConnectionWrapper(connection)

    return connect


def _cause_of_type(error: BaseException, kind: type[BaseException]) -> BaseException | None:
    while error is not None and not isinstance(error, kind):
        error = error.__cause__ or error.__context__
    return error


def _as_suite(suite: Suite, relation: str) -> gx.ExpectationSuite:
    expectations = suite.expectations if isinstance(suite, gx.ExpectationSuite) else list(suite)
    # Copies, so a suite can be validated again and the caller's objects stay unbound.
    return gx.ExpectationSuite(
        name=f"{relation}_gate",
        expectations=[
            expectation.copy(deep=True, update={"id": None}) for expectation in expectations
        ],
    )


def _outcome(result: ExpectationValidationResult) -> ExpectationOutcome:
    configuration = result.expectation_config
    kwargs = {key: value for key, value in configuration.kwargs.items() if key != "batch_id"}
    details = result.result or {}
    return ExpectationOutcome(
        expectation_type=configuration.type,
        columns=_columns(kwargs),
        kwargs=kwargs,
        success=bool(result.success),
        observed_value=details.get("observed_value"),
        element_count=details.get("element_count"),
        unexpected_count=details.get("unexpected_count"),
        unexpected_percent=details.get("unexpected_percent"),
        partial_unexpected_list=list(details.get("partial_unexpected_list") or [])[:MAX_EXAMPLES],
        error=_error_message(result.exception_info),
        description=configuration.description,
    )


def _columns(kwargs: dict[str, Any]) -> list[str]:
    columns = [kwargs[key] for key in COLUMN_KWARGS if kwargs.get(key)]
    return columns + list(kwargs.get("column_list") or [])


def _error_message(exception_info: dict[str, Any] | None) -> str | None:
    # GX reports one exception flat, or several keyed by the metric that raised them.
    if not exception_info:
        return None
    infos = [exception_info] if "raised_exception" in exception_info else exception_info.values()
    messages = [info.get("exception_message") for info in infos if info.get("raised_exception")]
    # The same failure is often reported once per metric that needed it.
    return "; ".join(dict.fromkeys(str(message) for message in messages)) or None
