"""Publish a run's marts: copy the chosen quarters into `published` in one transaction.

`published` holds frozen copies, not views over the marts, so rebuilding the marts (or a run that
fails half way) never changes what readers see. The published views in `sql/published/` read only
`published` tables.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from dataclasses import dataclass
from pathlib import Path

import duckdb

PUBLISHED_TABLES = {
    # published table: the mart it is a frozen copy of
    "published.scorecard": "marts.mart_scorecard",
    "published.kpi_detail": "marts.fct_kpi_detail",
    "published.kpi_breakdowns": "marts.fct_kpi_breakdowns",
}


@dataclass(frozen=True)
class Publication:
    publication_id: str
    period_ends: tuple[dt.date, ...]
    councils: tuple[str, ...]
    kpi_rows: int


def publish(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    period_ends: list[dt.date],
    extracts: list[dict],
    checks_run: int,
    checks_failed_warning: int,
    views_dir: Path,
) -> Publication:
    publication_id = uuid.uuid4().hex[:12]
    published_at = dt.datetime.now(dt.timezone.utc)
    councils = [r[0] for r in con.execute(
        "SELECT DISTINCT council_code FROM marts.mart_scorecard ORDER BY 1").fetchall()]
    con.execute("BEGIN TRANSACTION")
    try:
        for table, mart in PUBLISHED_TABLES.items():
            con.execute(
                f"CREATE TABLE IF NOT EXISTS {table} AS SELECT *, ''::VARCHAR AS publication_id, "
                f"now() AS published_at FROM {mart} WITH NO DATA"
            )
            con.execute(
                f"DELETE FROM {table} WHERE period_end IN (SELECT unnest(?::DATE[])) "
                f"AND council_code IN (SELECT unnest(?::VARCHAR[]))",
                [period_ends, councils],
            )
            con.execute(
                f"INSERT INTO {table} BY NAME SELECT *, ? AS publication_id, ? AS published_at "
                f"FROM {mart} WHERE period_end IN (SELECT unnest(?::DATE[]))",
                [publication_id, published_at, period_ends],
            )
        rows = con.execute(
            "SELECT council_code, period_end, count(*) FROM published.scorecard "
            "WHERE publication_id = ? GROUP BY ALL", [publication_id]).fetchall()
        for council_code, period_end, kpi_rows in rows:
            con.execute(
                "INSERT INTO meta.publications VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [publication_id, run_id, council_code, period_end, published_at, kpi_rows,
                 json.dumps(extracts), checks_run, checks_failed_warning],
            )
        for view in sorted(Path(views_dir).glob("*.sql")):
            con.execute(view.read_text(encoding="utf-8"))
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return Publication(publication_id, tuple(period_ends), tuple(councils),
                       sum(r[2] for r in rows))
