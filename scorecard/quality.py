"""The publication gate: Great Expectations suites run against warehouse tables.

A suite is a GX suite JSON file in `expectations/` named `<schema>__<table>.json`, with
`meta.table` naming the table it validates and, on each expectation, `meta.severity` either
`error` (blocks publication, the default) or `warning` (reported only). GX's own top-level
`severity` field on an expectation is ignored.

GX's SQL datasource cannot run against DuckDB (it fetches results after releasing the connection),
so each table is pulled into a pandas DataFrame (via Arrow) and validated as a whole-dataframe batch, all in
one ephemeral, offline GX context per call. See docs/quality_gx.md.
"""

from __future__ import annotations

import json
import math
import os
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator, Literal

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")

if TYPE_CHECKING:
    import duckdb
    from great_expectations import ExpectationSuite

Severity = Literal["error", "warning"]
SEVERITIES = ("error", "warning")
SHOWN_VALUES = 3
RESULT_FORMAT = {"result_format": "BASIC", "partial_unexpected_count": SHOWN_VALUES}


class SuiteError(ValueError):
    """A suite file that cannot be used; the message starts with the file's path."""


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


def load_suites(directory: Path) -> list[ExpectationSuite]:
    """Read every `*.json` suite in `directory`; raise SuiteError naming the file if one is unusable."""
    paths = sorted(Path(directory).glob("*.json"))
    if not paths:
        raise SuiteError(f"{directory}: no suite files (*.json) found")
    return [_load_suite(path) for path in paths]


def _load_suite(path: Path) -> ExpectationSuite:
    import great_expectations as gx
    from great_expectations.expectations.expectation_configuration import ExpectationConfiguration

    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        name, table, expectations = data["name"], data["meta"]["table"], list(data["expectations"])
    except (ValueError, KeyError, TypeError) as exc:
        raise SuiteError(f"{path}: not a suite (need JSON with name, meta.table, expectations): {exc!r}") from exc
    if not isinstance(table, str) or "." not in table or path.stem != table.replace(".", "__", 1):
        raise SuiteError(f"{path}: meta.table {table!r} does not match the file name <schema>__<table>.json")
    if name != path.stem:
        raise SuiteError(f"{path}: name {name!r} should be the file name without .json, {path.stem!r}")
    # Each expectation is built here because ExpectationSuite() only logs, and drops, one of unknown type.
    built = []
    for number, spec in enumerate(expectations, start=1):
        where = f"{path}: expectation {number} ({spec.get('type') if isinstance(spec, dict) else spec!r})"
        try:
            severity = spec.setdefault("meta", {}).setdefault("severity", "error")
            expectation = ExpectationConfiguration(**spec).to_domain_obj()
        except Exception as exc:  # GX raises many unrelated types for a bad configuration
            raise SuiteError(f"{where}: {exc}") from exc
        if severity not in SEVERITIES:
            raise SuiteError(f"{where}: meta.severity must be one of {SEVERITIES}, not {severity!r}")
        built.append(expectation)
    return gx.ExpectationSuite(name=name, expectations=built, meta=data["meta"])


def run_suites(con: duckdb.DuckDBPyConnection, suites: list[ExpectationSuite]) -> list[CheckResult]:
    """Validate each suite's table in `con`, in one ephemeral GX context, and return every outcome."""
    import duckdb
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
            table = suite.meta["table"]
            try:
                frame = con.table(table).to_arrow_table().to_pandas()  # ~10x faster than .df()
            except duckdb.CatalogException:
                results.append(_missing_table(suite.name, table))
                continue
            batch = batch_definition.get_batch(batch_parameters={"dataframe": frame})
            outcome = batch.validate(suite, result_format=RESULT_FORMAT)
            order = [_key(e.configuration.type, e.configuration.kwargs) for e in suite.expectations]
            for validation in sorted(outcome.results, key=lambda r: _position(order, r.expectation_config)):
                results.append(_check_result(suite.name, table, validation))
    return results


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
        message = f"{shown} failed: {unexpected} unexpected {noun}, e.g. {_examples(result, unexpected)}"
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


def _examples(result: dict[str, Any], unexpected: int) -> str:
    values = [_plain(v) for v in result.get("partial_unexpected_list", [])[:SHOWN_VALUES]]
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
