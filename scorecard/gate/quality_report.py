"""A readable data-quality report for one run, and the same results as a table to publish.

`write_quality_report` writes one self-contained HTML page (no scripts, no external files, styles
inline) from what the run recorded in the build warehouse: the gate's check results
(`meta.check_results`), the loads (`meta.loads`) and the quarantined rows (`quarantine.rows`).
Failed checks come first, errors (which block publication) before warnings (published with the
figures); every status is said in words as well as colour. All values are HTML-escaped (Jinja2
autoescaping).

`data_quality_frame` is one row per check of the run, the frame published as
`published.data_quality`.

Direct identifiers (a contract column marked `identifier`: employee numbers, names, child ids)
never leave raw un-pseudonymised, so neither the page nor the frame shows their values: a failed
check on such a column, or a quarantined value of one, is shown with its value withheld.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from scorecard.ingest.sources import IDENTIFIER_COLUMNS
from scorecard.ingest.sources.identifiers import names_identifier

WITHHELD = "[withheld: identifier]"
QUARANTINE_EXAMPLES = 20
LONGEST_VALUE = 200
TEMPLATES_DIR = Path(__file__).with_name("templates")
# quality.py's failure messages end with the values GX found: "..., e.g. ['a', 'b', ...]"
_EXAMPLES = re.compile(r"(, e\.g\. )\[.*\]$", re.DOTALL)
# "duplicate key: 2 rows share it (first at row 3692)": one reason, however many keys
_ROW_REFERENCE = r" \(first at row [0-9]+\)$"


DATA_QUALITY_SCHEMA = {
    "run_id": pl.String,
    "suite": pl.String,
    "table_name": pl.String,
    "expectation": pl.String,
    "column_name": pl.String,
    "severity": pl.String,
    "success": pl.Boolean,
    "unexpected_count": pl.Int64,
    "observed": pl.String,
    "message": pl.String,
    "checked_at": pl.Datetime("us", "UTC"),
}


def _names_identifier(table: str, columns: str | None) -> bool:
    """True when a check or quarantine record concerns a direct-identifier column of a raw table."""
    return names_identifier(IDENTIFIER_COLUMNS, table, columns)


def _withhold_examples(message: str | None) -> str | None:
    return None if message is None else _EXAMPLES.sub(rf"\g<1>{WITHHELD}", message)


def data_quality_frame(con: duckdb.DuckDBPyConnection, run_id: str) -> pl.DataFrame:
    """Every check the run recorded, one row each, in the order the gate ran them.

    Columns: run_id, suite, table_name, expectation, column_name, severity, success,
    unexpected_count, observed, message, checked_at. Values found in identifier columns are
    withheld from `message` (the count stays)."""
    rows = con.execute(
        "SELECT run_id, suite, table_name, expectation, column_name, severity, success, "
        "unexpected_count, observed, message, checked_at "
        "FROM meta.check_results WHERE run_id = ? ORDER BY rowid",
        [run_id],
    ).fetchall()
    records = []
    for row in rows:
        record = dict(zip(DATA_QUALITY_SCHEMA, row))
        if _names_identifier(record["table_name"], record["column_name"]):
            record["message"] = _withhold_examples(record["message"])
        records.append(record)
    return pl.DataFrame(records, schema=DATA_QUALITY_SCHEMA)


def _fetch(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any]) -> list[dict[str, Any]]:
    cursor = con.execute(sql, params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def _short(value: Any) -> str:
    text = "" if value is None else str(value)
    return text if len(text) <= LONGEST_VALUE else text[: LONGEST_VALUE - 3] + "..."


def _report_data(con: duckdb.DuckDBPyConnection, run_id: str) -> dict[str, Any]:
    runs = _fetch(con, "SELECT * FROM meta.runs WHERE run_id = ?", [run_id])
    checks = data_quality_frame(con, run_id).to_dicts()
    loads = _fetch(
        con,
        "SELECT source, source_table, 'raw.' || source || '__' || source_table AS raw_table, "
        "source_file, extract_date, sha256 IS NOT NULL AS sent, rows_in, rows_loaded, "
        "rows_quarantined, column_map, left(column_map_sha256, 12) AS column_map_sha256 "
        "FROM meta.loads WHERE run_id = ? ORDER BY raw_table",
        [run_id],
    )
    # Quarantine holds the rows of the files each table's latest load read; the run's loads name
    # the files. (A reused unchanged file keeps the first load's quarantine, and its load_id.)
    of_run = ("FROM quarantine.rows AS q JOIN meta.loads AS l "
              "ON l.source = q.source AND l.source_table = q.source_table "
              "AND l.source_file = q.source_file AND l.run_id = ?")
    quarantine_counts = _fetch(
        con,
        "SELECT 'raw.' || q.source || '__' || q.source_table AS raw_table, q.column_name, "
        "regexp_replace(q.reason, ?, '') AS reason, "
        f"count(DISTINCT (q.source_file, q.row_number)) AS rows {of_run} "
        "GROUP BY ALL ORDER BY raw_table, rows DESC, reason",
        [_ROW_REFERENCE, run_id],
    )
    examples = _fetch(
        con,
        "SELECT 'raw.' || q.source || '__' || q.source_table AS raw_table, q.source_file, "
        f"q.row_number, q.column_name, q.value, q.reason {of_run} "
        f"ORDER BY raw_table, q.row_number, q.column_name LIMIT {QUARANTINE_EXAMPLES}",
        [run_id],
    )
    quarantined_rows = con.execute(
        f"SELECT count(*) FROM (SELECT DISTINCT q.source, q.source_table, q.source_file, q.row_number "
        f"{of_run})",
        [run_id]).fetchone()[0]
    for example in examples:
        example["value"] = (WITHHELD if _names_identifier(example["raw_table"], example["column_name"])
                            else _short(example["value"]))

    failed = [c for c in checks if not c["success"]]
    errors = [c for c in failed if c["severity"] == "error"]
    warnings = [c for c in failed if c["severity"] != "error"]
    passed = [c for c in checks if c["success"]]
    if not checks:
        outcome = ("unknown", "No checks recorded for this run: the gate did not run (or not yet).")
    elif errors:
        outcome = ("blocked", f"Blocked: {len(errors)} error-level check{'s' * (len(errors) != 1)} "
                              "failed, so nothing from this run may be published.")
    elif warnings:
        outcome = ("warning", f"Passed with {len(warnings)} warning{'s' * (len(warnings) != 1)}: "
                              "publishable; the warnings are published with the figures.")
    else:
        outcome = ("passed", "Passed: every check passed.")
    return {
        "run_id": run_id,
        "run": runs[0] if runs else None,
        "generated_at": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC"),
        "outcome": outcome,
        "counts": {"checks": len(checks), "passed": len(passed), "errors": len(errors),
                   "warnings": len(warnings)},
        "failed_groups": [
            ("error", "Errors: these block publication", errors),
            ("warning", "Warnings: published with the figures", warnings),
        ],
        "passed_groups": [
            (severity, [c for c in passed if c["severity"] == severity]) for severity in ("error", "warning")
        ],
        "loads": loads,
        "quarantine_counts": quarantine_counts,
        "quarantined_rows": quarantined_rows,
        "examples": examples,
        "examples_limit": QUARANTINE_EXAMPLES,
    }


def write_quality_report(warehouse_con: duckdb.DuckDBPyConnection, run_id: str, out_dir: Path) -> Path:
    """Write `quality_<run_id>.html` in `out_dir` (created if needed) and return its path."""
    import jinja2

    environment = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
                                     autoescape=True, undefined=jinja2.StrictUndefined,
                                     trim_blocks=True, lstrip_blocks=True)
    html = environment.get_template("quality_report.html.j2").render(**_report_data(warehouse_con, run_id))
    path = report_path(out_dir, run_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(html, encoding="utf-8")
    return path


def report_path(out_dir: Path, run_id: str) -> Path:
    return Path(out_dir) / f"quality_{re.sub(r'[^A-Za-z0-9_.-]', '_', run_id)}.html"

