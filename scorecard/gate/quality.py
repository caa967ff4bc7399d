"""The publication gate: Great Expectations suites run against warehouse tables.

A suite is a GX suite JSON file in `expectations/` named `<schema>__<table>.json`, with
`meta.table` naming the table it validates and, on each expectation, `meta.severity` either
`error` (blocks publication, the default) or `warning` (reported only). GX's own top-level
`severity` field on an expectation is ignored.

Two engines run the suites, with the same results (tests/test_gate_engines_agree.py):
- `duckdb` (the default): each suite compiled to one DuckDB query over its table
  (`scorecard.gate.quality_sql`); GX is not imported at all.
- `gx`: GX 1.x itself, on pandas. GX's SQL datasource cannot run against DuckDB (it fetches results
  after releasing the connection), so each table is pulled into a pandas DataFrame (via Arrow) and
  validated as a whole-dataframe batch, all in one ephemeral, offline GX context per call. A table
  of SPLIT_ROWS rows or more is validated in column groups, each fetched on its own: each column,
  column-pair or multicolumn expectation on a frame of just the columns it reads, table-level ones
  on the whole table (values kept in Arrow memory when they only count rows and name columns).
Choose with `engine=` or the environment variable SCORECARD_GATE_ENGINE. See docs/quality_gx.md.

A list a suite would otherwise restate is taken, when the suite is loaded, from where it is kept:
an argument written `{"$catalogue": "kpi_code"}` is the KPI catalogue's codes (reference/kpis.csv
and any extra kpis.csv, `{"$catalogue": "kpi_code", "where": {"unit": "days_per_fte"}}` those of
one kind), and `{"$contracts": "raw_table"}` the raw table of every extract contract.
"""

from __future__ import annotations

import copy
import importlib
import json
import math
import os
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator, Literal

from scorecard.ingest.sources import IDENTIFIER_COLUMNS
from scorecard.ingest.sources.identifiers import masked, names_identifier

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")

if TYPE_CHECKING:
    import duckdb
    import pandas as pd
    from great_expectations import ExpectationSuite
    from great_expectations.core.batch_definition import BatchDefinition
    from great_expectations.expectations.expectation import Expectation

Severity = Literal["error", "warning"]
SEVERITIES = ("error", "warning")
SHOWN_VALUES = 3
RESULT_FORMAT = {"result_format": "BASIC", "partial_unexpected_count": SHOWN_VALUES}
# GX's pandas engine copies the whole batch frame (every column) for most column expectations,
# once to drop the column's nulls and again to list unexpected values, so on a big, wide table
# most of the time and memory goes on copying columns the expectation never reads. Below this
# many rows those copies cost less than the extra validations that column groups need
# (docs/quality_gx.md has the measurements).
SPLIT_ROWS = 100_000
# Expectations that look at a table's shape (its rows and column names), never at its values.
SHAPE_EXPECTATIONS = frozenset({
    "expect_table_row_count_to_be_between", "expect_table_row_count_to_equal",
    "expect_table_columns_to_match_set", "expect_table_columns_to_match_ordered_list",
    "expect_table_column_count_to_be_between", "expect_table_column_count_to_equal",
})


ENGINES = ("duckdb", "gx")
ENGINE_VARIABLE = "SCORECARD_GATE_ENGINE"


class SuiteError(ValueError):
    """A suite file that cannot be used; the message starts with the file's path."""


@dataclass(frozen=True)
class SuiteExpectation:
    """One expectation of a suite as its file says it: `type`, `kwargs` and `meta` (with
    `meta.severity` filled in)."""

    type: str
    kwargs: dict[str, Any]
    meta: dict[str, Any]

    @property
    def expectation_type(self) -> str:
        return self.type

    @property
    def severity(self) -> Severity:
        return self.meta["severity"]


@dataclass(frozen=True)
class Suite:
    """A suite file, read without GX: its name, the table it checks, its meta and expectations."""

    name: str
    table: str
    meta: dict[str, Any]
    expectations: tuple[SuiteExpectation, ...]


def gate_engine(engine: str | None = None) -> str:
    """The engine the gate runs: `engine` if given, else $SCORECARD_GATE_ENGINE, else duckdb."""
    chosen = engine or os.environ.get(ENGINE_VARIABLE) or "duckdb"
    if chosen not in ENGINES:
        raise ValueError(f"gate engine must be one of {ENGINES} (argument or ${ENGINE_VARIABLE}), "
                         f"not {chosen!r}")
    return chosen


@dataclass(frozen=True)
class CheckResult:
    """The outcome of one expectation on one table.

    `column` is the column checked (comma-separated for multi-column checks, None for table-level
    ones); `kwargs` the expectation's arguments as JSON text; `raised` is True when GX itself hit an
    exception (a broken check, e.g. a missing column) rather than finding bad data.
    """

    suite: str
    table: str
    expectation: str
    column: str | None
    kwargs: str
    severity: Severity
    success: bool
    unexpected_count: int | None
    observed: str
    raised: bool
    message: str


def import_in_background() -> threading.Thread:
    """Start importing Great Expectations on a daemon thread and return it (for the `gx` engine:
    the default `duckdb` engine does not import GX).

    GX takes seconds to import, a large share of a small council's run; loading and building
    run mostly inside polars and DuckDB, which release the GIL, so a run that starts this first
    has GX imported by the time it reaches the gate. (The gate's own import then waits for this
    one to finish: Python's import lock makes the two safe together.)"""
    thread = threading.Thread(target=importlib.import_module, args=("great_expectations",),
                              name="import-great-expectations", daemon=True)
    thread.start()
    return thread


def load_suites(directory: Path, engine: str | None = None,
                catalogue: list[dict] | None = None) -> list[Suite]:
    """Read every `*.json` suite in `directory`; raise SuiteError naming the file if one is unusable,
    including an expectation the chosen engine cannot run (`gate_engine`).
    `catalogue`: the KPI catalogue's rows for `$catalogue` lists (default: the catalogue files,
    reference/kpis.csv and config.kpi_dirs()' kpis.csv)."""
    engine = gate_engine(engine)
    paths = sorted(Path(directory).glob("*.json"))
    if not paths:
        raise SuiteError(f"{directory}: no suite files (*.json) found")
    if catalogue is None:
        from scorecard import config
        from scorecard.build import reference

        catalogue = reference.catalogue_rows(config.REFERENCE_DIR, config.kpi_dirs())
    return [_load_suite(path, engine, catalogue) for path in paths]


def _resolve_lists(value: Any, catalogue: list[dict], where: str) -> Any:
    """`value` with every `$catalogue` / `$contracts` list put in place (module docstring)."""
    if isinstance(value, list):
        return [_resolve_lists(v, catalogue, where) for v in value]
    if not isinstance(value, dict):
        return value
    if "$catalogue" in value:
        column, match = value["$catalogue"], value.get("where", {})
        if not catalogue or column not in catalogue[0] or any(k not in catalogue[0] for k in match):
            raise SuiteError(f"{where}: {value!r} names a column the KPI catalogue does not have")
        return [row[column] for row in catalogue
                if all(row[k] == v for k, v in match.items())]
    if "$contracts" in value:
        from scorecard.ingest.sources import CONTRACTS

        if value["$contracts"] != "raw_table":
            raise SuiteError(f"{where}: $contracts lists raw_table only, not {value['$contracts']!r}")
        return [c.raw_table for c in CONTRACTS]
    return {k: _resolve_lists(v, catalogue, where) for k, v in value.items()}


def _load_suite(path: Path, engine: str, catalogue: list[dict]) -> Suite:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        name, table, expectations = data["name"], data["meta"]["table"], list(data["expectations"])
    except (ValueError, KeyError, TypeError) as exc:
        raise SuiteError(f"{path}: not a suite (need JSON with name, meta.table, expectations): {exc!r}") from exc
    if not isinstance(table, str) or "." not in table or path.stem != table.replace(".", "__", 1):
        raise SuiteError(f"{path}: meta.table {table!r} does not match the file name <schema>__<table>.json")
    if name != path.stem:
        raise SuiteError(f"{path}: name {name!r} should be the file name without .json, {path.stem!r}")
    built = []
    for number, spec in enumerate(expectations, start=1):
        where = f"{path}: expectation {number} ({spec.get('type') if isinstance(spec, dict) else spec!r})"
        if not isinstance(spec, dict) or not isinstance(spec.get("meta", {}), dict):
            raise SuiteError(f"{where}: an expectation is an object with type, kwargs and meta")
        severity = spec.setdefault("meta", {}).setdefault("severity", "error")
        try:
            spec = _resolve_lists(spec, catalogue, where)
            severity = spec.setdefault("meta", {}).setdefault("severity", "error")
            if engine == "gx":
                _gx_expectation(spec)
            else:
                from scorecard.gate import quality_sql
                quality_sql.check_expectation(spec.get("type"), spec.get("kwargs", {}))
        except Exception as exc:  # GX raises many unrelated types for a bad configuration
            raise SuiteError(f"{where}: {exc}") from exc
        if severity not in SEVERITIES:
            raise SuiteError(f"{where}: meta.severity must be one of {SEVERITIES}, not {severity!r}")
        built.append(SuiteExpectation(type=spec["type"], kwargs=dict(spec.get("kwargs", {})),
                                      meta=dict(spec["meta"])))
    return Suite(name=name, table=table, meta=data["meta"], expectations=tuple(built))


def _gx_expectation(spec: dict[str, Any]) -> Expectation:
    """GX's own expectation object for one suite entry. Built one by one because
    ExpectationSuite() only logs, and drops, an expectation of unknown type."""
    from great_expectations.expectations.expectation_configuration import ExpectationConfiguration

    return ExpectationConfiguration(**copy.deepcopy(spec)).to_domain_obj()


def _gx_suite(suite: Suite) -> ExpectationSuite:
    import great_expectations as gx

    return gx.ExpectationSuite(name=suite.name, meta=suite.meta, expectations=[
        _gx_expectation({"type": e.type, "kwargs": e.kwargs, "meta": e.meta}) for e in suite.expectations])


def run_suites(con: duckdb.DuckDBPyConnection, suites: list[Suite], engine: str | None = None) -> list[CheckResult]:
    """Validate each suite's table in `con` with the chosen engine (`gate_engine`) and return every
    outcome, suite by suite in suite order."""
    if gate_engine(engine) == "duckdb":
        from scorecard.gate import quality_sql

        return quality_sql.run_suites(con, suites)
    return _run_suites_gx(con, [_gx_suite(suite) for suite in suites])


def _run_suites_gx(con: duckdb.DuckDBPyConnection, suites: list[ExpectationSuite]) -> list[CheckResult]:
    """Validate each suite's table in `con`, in one ephemeral GX context, and return every outcome."""
    import great_expectations as gx
    from great_expectations.data_context.types.base import (
        DataContextConfig,
        InMemoryStoreBackendDefaults,
        ProgressBarsConfig,
    )

    context = gx.get_context(
        mode="ephemeral",
        project_config=DataContextConfig(
            store_backend_defaults=InMemoryStoreBackendDefaults(init_temp_docs_sites=False),
            analytics_enabled=False,
            progress_bars=ProgressBarsConfig(globally=False, metric_calculations=False),
        ),
    )
    batch_definition = (
        context.data_sources.add_pandas("warehouse")
        .add_dataframe_asset("table")
        .add_batch_definition_whole_dataframe("whole table")
    )
    results: list[CheckResult] = []
    with _no_batch_fingerprint():
        for suite in suites:
            results.extend(_run_suite(con, batch_definition, suite))
    return results


def _run_suite(con: duckdb.DuckDBPyConnection, batch_definition: BatchDefinition,
               suite: ExpectationSuite) -> list[CheckResult]:
    """One suite's outcomes, in suite order. A big table is fetched one column group at a time,
    only the group's columns, so the largest frame held is one group's, not the whole table's
    (at 150 councils the KPI drill-through table alone is 22 M rows, ~3.7 GB as a whole frame)."""
    import duckdb
    import great_expectations as gx

    table = suite.meta["table"]
    try:
        columns_held = [r[0] for r in con.execute(f"DESCRIBE {table}").fetchall()]
        rows = con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]
    except duckdb.CatalogException:
        return [_missing_table(suite.name, table)]
    validations = []
    for columns, expectations in _column_groups(suite, rows):
        # A referenced column the table lacks stays missing, so GX reports it as it would on the
        # whole table.
        frame = _fetch(con, table, columns_held if columns is None
                       else [c for c in columns_held if c in columns], rows,
                       shape_only=columns is None and rows >= SPLIT_ROWS and all(
                           e.configuration.type in SHAPE_EXPECTATIONS for e in expectations))
        # GX refuses an expectation object that already belongs to another suite.
        part = suite if len(expectations) == len(suite.expectations) else gx.ExpectationSuite(
            name=suite.name, meta=suite.meta, expectations=[copy.copy(e) for e in expectations])
        batch = batch_definition.get_batch(batch_parameters={"dataframe": frame})
        validations.extend(batch.validate(part, result_format=RESULT_FORMAT).results)
        del batch, frame
    order = [_key(e.configuration.type, e.configuration.kwargs) for e in suite.expectations]
    return [_check_result(suite.name, table, validation)
            for validation in sorted(validations, key=lambda r: _position(order, r.expectation_config))]


def _fetch(con: duckdb.DuckDBPyConnection, table: str, columns: list[str], rows: int,
           shape_only: bool) -> pd.DataFrame:
    """The table's columns as a pandas frame (through Arrow, ~10x faster than .df()). For
    expectations that only count rows and name columns the values stay in Arrow memory
    (pandas' ArrowDtype): about a third of the size of Python string objects, and never computed
    on, so the slower computations on ArrowDtype columns do not arise."""
    import pandas as pd

    if not columns:  # every column the group reads is missing: its rows, and nothing to read
        return pd.DataFrame(index=pd.RangeIndex(rows))
    quoted = ", ".join('"' + c.replace('"', '""') + '"' for c in columns)
    arrow = con.sql(f"SELECT {quoted} FROM {table}").to_arrow_table()
    return arrow.to_pandas(types_mapper=pd.ArrowDtype) if shape_only else arrow.to_pandas()


def _column_groups(suite: ExpectationSuite, rows: int) -> list[tuple[frozenset[str] | None, list[Expectation]]]:
    """How to validate a suite's table: (columns, expectations) pairs, where columns None means the
    whole table. A small table is one whole-table group. A big one gets a whole-table group for the
    table-level expectations (row count, column set) and any whose columns cannot be named, and one
    group per set of columns that no other expectation's columns contain: an expectation joins the
    first, largest, group that holds every column it reads, so the groups are few and narrow."""
    if rows < SPLIT_ROWS:
        return [(None, list(suite.expectations))]
    reads = [(e, _columns_read(e)) for e in suite.expectations]
    keys: list[frozenset[str]] = []
    for columns in sorted({c for _, c in reads if c}, key=lambda c: (-len(c), sorted(c))):
        if not any(columns <= key for key in keys):
            keys.append(columns)
    whole: list[Expectation] = []
    grouped: dict[frozenset[str], list[Expectation]] = {key: [] for key in keys}
    for expectation, columns in reads:
        if columns:
            grouped[next(key for key in keys if columns <= key)].append(expectation)
        else:
            whole.append(expectation)
    return ([(None, whole)] if whole else []) + list(grouped.items())


def _columns_read(expectation: Expectation) -> frozenset[str] | None:
    """The columns a column, column-pair or multicolumn expectation reads, its row_condition's
    included; None for a table-level expectation (it needs every column and row) or one whose
    columns cannot be named for sure (e.g. a row_condition written as a pandas query string)."""
    from great_expectations.core.metric_domain_types import MetricDomainTypes

    domain_keys = {
        MetricDomainTypes.COLUMN: ("column",),
        MetricDomainTypes.COLUMN_PAIR: ("column_A", "column_B"),
        MetricDomainTypes.MULTICOLUMN: ("column_list",),
    }.get(getattr(type(expectation), "domain_type", None))
    if domain_keys is None:
        return None
    kwargs = expectation.configuration.kwargs
    columns: list[Any] = []
    for key in domain_keys:
        value = kwargs.get(key)
        columns.extend(value if isinstance(value, (list, tuple)) else [value])
    if kwargs.get("row_condition"):
        condition = _condition_columns(kwargs["row_condition"])
        if condition is None:
            return None
        columns.extend(condition)
    if not columns or not all(isinstance(c, str) for c in columns):
        return None
    return frozenset(columns)


def _condition_columns(condition: Any) -> list[str] | None:
    """The columns a structured row_condition (GX's JSON form) tests; None for any other form."""
    if not isinstance(condition, dict):
        return None
    kind = condition.get("type")
    if kind in ("comparison", "nullity"):
        column = condition.get("column")
        name = column.get("name") if isinstance(column, dict) else None
        return [name] if isinstance(name, str) else None
    if kind in ("and", "or") and isinstance(condition.get("conditions"), list):
        names: list[str] = []
        for part in condition["conditions"]:
            found = _condition_columns(part)
            if found is None:
                return None
            names.extend(found)
        return names
    return None


@contextmanager
def _no_batch_fingerprint() -> Iterator[None]:
    """Skip GX's fingerprint of each pandas batch while the gate runs.

    GX hashes every cell of a batch frame under 1 GB (`HASH_THRESHOLD`) into a batch marker that
    the gate never reads, and skips it above; `batch.validate` fetches its batch again, so each
    frame was hashed twice: about a quarter of the gate at 150 councils. Setting the threshold to
    0 takes GX's own path for big frames, and no expectation depends on the marker. If a GX
    release drops the constant this does nothing (and tests/test_quality.py says so)."""
    from great_expectations.execution_engine import pandas_execution_engine as engine

    if not hasattr(engine, "HASH_THRESHOLD"):
        yield
        return
    saved = engine.HASH_THRESHOLD
    engine.HASH_THRESHOLD = 0
    try:
        yield
    finally:
        engine.HASH_THRESHOLD = saved


def blocking_failures(results: list[CheckResult]) -> list[CheckResult]:
    """The failed `error`-severity results (including broken checks): these block publication."""
    return [r for r in results if not r.success and r.severity == "error"]


def _arguments(kwargs: dict[str, Any]) -> dict[str, Any]:
    """An expectation's own arguments, without those GX adds when it runs one."""
    return {k: v for k, v in kwargs.items() if k not in ("batch_id", "result_format", "catch_exceptions")}


def _key(type_: str, kwargs: dict[str, Any]) -> str:
    return json.dumps([type_, _arguments(kwargs)], sort_keys=True, default=str)


def _position(order: list[str], config: Any) -> int:
    """Where a result's expectation sits in its suite: GX returns results in its own order."""
    key = _key(config.type, config.kwargs)
    return order.index(key) if key in order else len(order)


def _missing_table(suite: str, table: str) -> CheckResult:
    return CheckResult(
        suite=suite,
        table=table,
        expectation="table_exists",
        column=None,
        kwargs=json.dumps({"table": table}),
        severity="error",
        success=False,
        unexpected_count=None,
        observed="table not found",
        raised=False,
        message=f"{table}: table does not exist (suite {suite})",
    )


def _check_result(suite: str, table: str, validation: Any) -> CheckResult:
    config = validation.expectation_config
    kwargs = _arguments(config.kwargs)
    column = _columns(kwargs)
    error = _exception_message(validation.exception_info)
    result = validation.result or {}
    unexpected = result.get("unexpected_count")
    shown = f"{table}: {config.type}({column or ''})"
    if error is not None:
        observed, message = error, f"{shown} could not run (GX raised): {error}"
    elif unexpected is not None:
        observed = f"{unexpected} unexpected of {result.get('element_count')}"
        noun = "value" if unexpected == 1 else "values"
        examples = _examples(result, unexpected,
                             mask=names_identifier(IDENTIFIER_COLUMNS, table, column))
        message = f"{shown} failed: {unexpected} unexpected {noun}, e.g. {examples}"
    else:
        observed = _short(result.get("details", {}).get("mismatched") or result.get("observed_value"))
        message = f"{shown} failed: observed {observed}"
    return CheckResult(
        suite=suite,
        table=table,
        expectation=config.type,
        column=column,
        kwargs=json.dumps(kwargs, sort_keys=True, default=str),
        severity=config.meta.get("severity", "error"),
        success=bool(validation.success),
        unexpected_count=unexpected,
        observed=observed,
        raised=error is not None,
        message=f"{shown} passed" if validation.success else message,
    )


def _columns(kwargs: dict[str, Any]) -> str | None:
    if "column" in kwargs:
        return kwargs["column"]
    names = kwargs.get("column_list") or [kwargs[k] for k in ("column_A", "column_B") if k in kwargs]
    return ", ".join(names) or None


def _exception_message(info: dict[str, Any] | None) -> str | None:
    """GX nests exception info by metric when a metric failed; a flat dict otherwise."""
    if not info:
        return None
    entries = [info] if "raised_exception" in info else list(info.values())
    messages = [e.get("exception_message") or "exception" for e in entries if e.get("raised_exception")]
    return messages[0].splitlines()[0] if messages else None


def _examples(result: dict[str, Any], unexpected: int, mask: bool = False) -> str:
    """The first values GX found; an identifier column's only in masked form (never the value,
    which would reach the CLI, Prefect's logs and the run summary)."""
    values = [_plain(v) for v in result.get("partial_unexpected_list", [])[:SHOWN_VALUES]]
    if mask:
        values = [tuple(masked(x) for x in v) if isinstance(v, tuple) else masked(v) for v in values]
    more = ", ..." if unexpected > len(values) else ""
    return "[" + ", ".join(repr(v) for v in values) + more + "]"


def _plain(value: Any) -> Any:
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, (list, tuple)):
        return tuple(_plain(v) for v in value)
    return value


def _short(value: Any, limit: int = 120) -> str:
    text = json.dumps(value, default=str)
    return text if len(text) <= limit else text[: limit - 3] + "..."
