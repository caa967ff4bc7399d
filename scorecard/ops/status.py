"""`scorecard status`: the recent runs of a warehouse, what they published or why they failed."""

from __future__ import annotations

from pathlib import Path

import duckdb

from scorecard.errors import ScorecardError
from scorecard.publish.publication import published_path_for


def recent_runs(warehouse: Path, limit: int = 10) -> list[str]:
    warehouse = Path(warehouse)
    if not warehouse.is_file():
        raise ScorecardError(f"{warehouse}: no warehouse yet (run `scorecard run` first)")
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        runs = con.execute(
            "SELECT run_id, period_end, publish_from, status, started_at, finished_at, message, "
            "(SELECT count(*) FROM meta.check_results AS c WHERE c.run_id = r.run_id) "
            "FROM meta.runs AS r ORDER BY started_at DESC LIMIT ?", [limit]).fetchall()
    finally:
        con.close()
    published, restated = _publications(published_path_for(warehouse))
    lines = [f"{'run':<24} {'quarter(s)':<23} {'status':<10} {'took':>6}  outcome"]
    for run_id, period_end, publish_from, status, started, finished, message, checks in runs:
        quarters = str(period_end) if publish_from == period_end else f"{publish_from}..{period_end}"
        took = f"{(finished - started).total_seconds():.0f}s" if finished else "-"
        shown, outcome = _outcome(run_id, status, message, checks, published, restated)
        lines.append(f"{run_id:<24} {quarters:<23} {shown:<10} {took:>6}  {outcome}")
    return lines


def _outcome(run_id: str, status: str, message: str | None, checks: int,
             published: dict[str, str], restated: dict[str, int]) -> tuple[str, str]:
    """The status shown and what the run did, from what it recorded (meta.runs, its checks,
    its publication and the restatements it found), not from its status word alone."""
    if status == "failed":
        return status, message or "failed"
    if status == "running":
        return status, "running, or stopped without finishing"
    if status == "unchanged" and message:
        # stopped after loading: same inputs as an earlier run (scorecard.ops.fingerprint)
        return status, message
    parts = [published[run_id]] if run_id in published else []
    if restated.get(run_id):
        parts.append(f"{restated[run_id]} restated figures recorded in published.restatements")
    if run_id not in published:
        parts.append("no quarter newly published (those asked for were already published, "
                     "kept as published)")
    if status == "unchanged":  # built and checked in full (e.g. --force), nothing to publish
        return "rebuilt", f"rebuilt and ran {checks} checks; " + "; ".join(parts)
    return ("published" if run_id in published else "restated"), "; ".join(parts)


def _publications(published: Path) -> tuple[dict[str, str], dict[str, int]]:
    """What each run published, and how many restated figures each recorded."""
    if not published.is_file():
        return {}, {}
    con = duckdb.connect(str(published), read_only=True)
    try:
        rows = con.execute(
            "SELECT run_id, publication_id, string_agg(DISTINCT CAST(period_end AS VARCHAR), ', ' "
            "ORDER BY CAST(period_end AS VARCHAR)), sum(kpi_rows) FROM published.publications "
            "GROUP BY ALL").fetchall()
        restated = con.execute("SELECT restated_by_run, count(*) FROM published.restatements "
                               "GROUP BY ALL").fetchall()
    finally:
        con.close()
    return ({run_id: f"published {rows_} KPI rows for {quarters} (publication {pid})"
             for run_id, pid, quarters, rows_ in rows}, dict(restated))
