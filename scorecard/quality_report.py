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

from scorecard.sources import IDENTIFIER_COLUMNS
from scorecard.sources.identifiers import names_identifier

WITHHELD = "[withheld: identifier]"
QUARANTINE_EXAMPLES = 20
LONGEST_VALUE = 200
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
        f"count(DISTINCT (q.source_file, q.row_number)) AS rows {of_run} GROUP BY ALL ORDER BY raw_table, rows DESC, reason",
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

    environment = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined,
                                     trim_blocks=True, lstrip_blocks=True)
    html = environment.from_string(_TEMPLATE).render(**_report_data(warehouse_con, run_id))
    path = report_path(out_dir, run_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(html, encoding="utf-8")
    return path


def report_path(out_dir: Path, run_id: str) -> Path:
    return Path(out_dir) / f"quality_{re.sub(r'[^A-Za-z0-9_.-]', '_', run_id)}.html"


_TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Data quality report: run {{ run_id }}</title>
<style>
body { font-family: system-ui, sans-serif; margin: 2rem; color: #1a1a1a; line-height: 1.4; }
h1 { font-size: 1.6rem; } h2 { margin-top: 2rem; border-bottom: 1px solid #ccc; }
table { border-collapse: collapse; margin: 0.5rem 0 1rem; font-size: 0.9rem; }
th, td { border: 1px solid #ccc; padding: 0.3rem 0.5rem; text-align: left; vertical-align: top; }
th { background: #f2f2f2; }
td.number { text-align: right; }
.status { font-weight: bold; padding: 0.1rem 0.4rem; border-radius: 3px; white-space: nowrap; }
.blocked, .error { background: #fde0e0; color: #8a0000; }
.warning { background: #fff1c2; color: #6b4e00; }
.passed { background: #dff3e0; color: #14532d; }
.unknown { background: #eee; color: #333; }
.outcome { font-size: 1.15rem; padding: 0.6rem 0.8rem; border-radius: 4px; display: inline-block; }
.message { font-family: ui-monospace, monospace; font-size: 0.85rem; word-break: break-word; }
</style>
</head>
<body>
<h1>Data quality report: run {{ run_id }}</h1>
<p>
{% if run %}
Quarter ending {{ run.period_end }} (publishing from {{ run.publish_from }}); run started
{{ run.started_at }}, status <strong>{{ run.status }}</strong>{% if run.message %}: {{ run.message }}{% endif %}.
{% else %}
No record of this run in meta.runs.
{% endif %}
Report written {{ generated_at }}.
</p>
<p class="outcome {{ outcome[0] }}" role="status">
<span class="status {{ outcome[0] }}">{{ outcome[0] | upper }}</span> {{ outcome[1] }}</p>
<table>
<tr><th>Checks run</th><th>Passed</th><th>Failed: error (blocks)</th><th>Failed: warning (published)</th></tr>
<tr><td class="number">{{ counts.checks }}</td><td class="number">{{ counts.passed }}</td>
<td class="number">{{ counts.errors }}</td><td class="number">{{ counts.warnings }}</td></tr>
</table>

<h2>Failed checks</h2>
{% for severity, heading, checks in failed_groups %}
<h3>{{ heading }} ({{ checks | length }})</h3>
{% if checks %}
<table>
<tr><th>Status</th><th>Table</th><th>Column</th><th>Check</th><th>Unexpected</th><th>Observed</th><th>Message</th></tr>
{% for c in checks %}
<tr><td><span class="status {{ severity }}">FAILED ({{ severity | upper }})</span></td>
<td>{{ c.table_name }}</td><td>{{ c.column_name or "" }}</td><td>{{ c.expectation }}</td>
<td class="number">{{ "" if c.unexpected_count is none else c.unexpected_count }}</td>
<td class="message">{{ c.observed or "" }}</td><td class="message">{{ c.message or "" }}</td></tr>
{% endfor %}
</table>
{% else %}
<p>None.</p>
{% endif %}
{% endfor %}

<h2>Loads</h2>
{% if loads %}
<table>
<tr><th>Raw table</th><th>File</th><th>Extract date</th><th>Rows in</th><th>Loaded</th><th>Quarantined</th></tr>
{% for l in loads %}
<tr><td>{{ l.raw_table }}</td><td>{{ l.source_file if l.sent else "not sent (loaded empty)" }}
{%- if l.column_map %}<br>read through {{ l.column_map }} (SHA-256 {{ l.column_map_sha256 }}…){% endif %}</td>
<td>{{ l.extract_date or "" }}</td><td class="number">{{ l.rows_in }}</td>
<td class="number">{{ l.rows_loaded }}</td><td class="number">{{ l.rows_quarantined }}</td></tr>
{% endfor %}
</table>
{% else %}
<p>No loads recorded for this run.</p>
{% endif %}

<h2>Quarantined rows ({{ quarantined_rows }})</h2>
{% if quarantine_counts %}
<p>Rows that broke their file's contract and were kept out of raw, by table, column and reason
(a row can fail on several columns).</p>
<table>
<tr><th>Raw table</th><th>Column</th><th>Reason</th><th>Rows</th></tr>
{% for q in quarantine_counts %}
<tr><td>{{ q.raw_table }}</td><td>{{ q.column_name }}</td><td>{{ q.reason }}</td><td class="number">{{ q.rows }}</td></tr>
{% endfor %}
</table>
<h3>The first {{ examples | length }} quarantined values{% if examples | length == examples_limit %} (of more){% endif %}</h3>
<table>
<tr><th>Raw table</th><th>File</th><th>Row</th><th>Column</th><th>Value</th><th>Reason</th></tr>
{% for e in examples %}
<tr><td>{{ e.raw_table }}</td><td>{{ e.source_file }}</td><td class="number">{{ e.row_number }}</td>
<td>{{ e.column_name }}</td><td class="message">{{ e.value }}</td><td>{{ e.reason }}</td></tr>
{% endfor %}
</table>
{% else %}
<p>None: every row of every file met its contract.</p>
{% endif %}

<h2>Passed checks ({{ counts.passed }})</h2>
{% for severity, checks in passed_groups %}
<details>
<summary>{{ checks | length }} {{ severity }}-level check{{ "s" if checks | length != 1 else "" }} passed</summary>
<table>
<tr><th>Status</th><th>Table</th><th>Column</th><th>Check</th></tr>
{% for c in checks %}
<tr><td><span class="status passed">PASSED</span></td><td>{{ c.table_name }}</td>
<td>{{ c.column_name or "" }}</td><td>{{ c.expectation }}</td></tr>
{% endfor %}
</table>
</details>
{% endfor %}
</body>
</html>
"""
