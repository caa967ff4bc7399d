"""`scorecard status`: the recent runs of a warehouse, what they published or why they failed."""

from __future__ import annotations

from pathlib import Path

import duckdb

from scorecard.errors import ScorecardError
from scorecard.publish import published_path_for


def recent_runs(warehouse: Path, limit: int = 10) -> list[str]:
    warehouse = Path(warehouse)
    if not warehouse.is_file():
        raise ScorecardError(f"{warehouse}: no warehouse yet (run `scorecard run` first)")
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        runs = con.execute(
            "SELECT run_id, period_end, publish_from, status, started_at, finished_at, message "
            "FROM meta.runs ORDER BY started_at DESC LIMIT ?", [limit]).fetchall()
    finally:
        con.close()
    published = _publications(published_path_for(warehouse))
    lines = [f"{'run':<24} {'quarter(s)':<23} {'status':<10} {'took':>6}  outcome"]
    for run_id, period_end, publish_from, status, started, finished, message in runs:
        quarters = str(period_end) if publish_from == period_end else f"{publish_from}..{period_end}"
        took = f"{(finished - started).total_seconds():.0f}s" if finished else "-"
        if status == "failed":
            outcome = message or "failed"
        elif status == "running":
            outcome = "running, or stopped without finishing"
        elif message:  # stopped early: same inputs as an earlier run (scorecard.fingerprint)
            outcome = message
        else:
            outcome = published.get(run_id, "nothing new: already published, kept as published")
        lines.append(f"{run_id:<24} {quarters:<23} {status:<10} {took:>6}  {outcome}")
    return lines


def _publications(published: Path) -> dict[str, str]:
    if not published.is_file():
        return {}
    con = duckdb.connect(str(published), read_only=True)
    try:
        rows = con.execute(
            "SELECT run_id, publication_id, string_agg(DISTINCT CAST(period_end AS VARCHAR), ', ' "
            "ORDER BY CAST(period_end AS VARCHAR)), sum(kpi_rows) FROM published.publications "
            "GROUP BY ALL").fetchall()
    finally:
        con.close()
    return {run_id: f"published {rows_} KPI rows for {quarters} (publication {pid})"
            for run_id, pid, quarters, rows_ in rows}
