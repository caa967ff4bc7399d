"""Run fingerprints: re-running an unchanged quarter rebuilds, re-checks and republishes nothing.

Loading already skips a file whose path and SHA-256 match its last load (`load.plan_table`).
Building every model and running every Great Expectations suite again would still cost seconds
for the demo council and half a minute at 150 councils, to reach the result already published.
So every run records in `meta.runs.fingerprint` a SHA-256 over everything its published output
depends on:

- the run's extracts: each file's source, table, path, extract date, council and SHA-256, and
  which files are absent;
- the bytes of every file under `sql/`, `reference/` and `expectations/`, and in the extra KPI
  folders of SCORECARD_KPI_DIRS (docs/adding_a_kpi.md);
- the period end and the first quarter to publish (`--backfill-from`);
- the years of the bank-holiday calendar and the version of the `holidays` library, which
  together fix its dates;
- the package version (a change to the Python code alone is not seen: rerun with `--force`);
- an HMAC of a fixed label under the pseudonymisation key, so that a new key gives a new
  fingerprint while neither the key nor a plain hash of it is stored. (The warehouse's pseudonyms
  are HMACs under the same key already; one more, of a public label, gives an attacker nothing.)

`same_inputs_as` then decides whether the run may stop after loading, with status `unchanged`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from pathlib import Path
from typing import Iterable

import duckdb
import holidays

import scorecard
from scorecard.publish.publication import FROZEN_TABLES

KEY_LABEL = b"scorecard run fingerprint"
SUCCEEDED = ("published", "unchanged")


def _key_digest(key: bytes) -> str:
    return hmac.new(key, KEY_LABEL, hashlib.sha256).hexdigest()


def _folder_digest(folder: Path) -> list[list[str]]:
    """Every file under `folder` (path relative to it, SHA-256 of its bytes), in path order."""
    folder = Path(folder)
    return [[path.relative_to(folder).as_posix(), hashlib.sha256(path.read_bytes()).hexdigest()]
            for path in sorted(folder.rglob("*")) if path.is_file()]


def run_fingerprint(*, extracts: list[dict], period_end: dt.date, publish_from: dt.date,
                    calendar_years: tuple[int, int], key: bytes, folders: Iterable[Path]) -> str:
    """The SHA-256 of everything the module's docstring lists. A folder counts by its name and
    its files' relative paths and bytes, so a copy of it elsewhere gives the same fingerprint."""
    document = {
        "extracts": sorted(json.dumps(item, sort_keys=True, default=str) for item in extracts),
        "folders": [[Path(folder).name, _folder_digest(folder)] for folder in folders],
        "period_end": period_end.isoformat(),
        "publish_from": publish_from.isoformat(),
        "bank_holidays": [*calendar_years, holidays.__version__],
        "version": scorecard.__version__,
        "key": _key_digest(key),
    }
    return hashlib.sha256(json.dumps(document, sort_keys=True).encode()).hexdigest()


def same_inputs_as(con: duckdb.DuckDBPyConnection, run_id: str, fingerprint: str,
                   published: Path) -> str | None:
    """The earlier run that built and published exactly these inputs, if the warehouse and the
    published database still hold what it left; None if this run must build, check and publish.

    Three things must hold:
    - the warehouse's previous run succeeded with the same fingerprint. A failed or killed run,
      or one on other inputs, may have rebuilt part of the warehouse from other data;
    - the marts a publication copies still exist;
    - the published database (the one this run would publish to) still holds the publication
      of the warehouse's latest publishing run: a published file deleted, restored from an older
      copy, or a different `--published`, needs the full run.
    """
    runs = con.execute("SELECT run_id, status, fingerprint FROM meta.runs WHERE run_id <> ? "
                       "ORDER BY started_at DESC", [run_id]).fetchall()
    same = []
    for earlier, status, earlier_fingerprint in runs:
        if status not in SUCCEEDED or earlier_fingerprint != fingerprint:
            break
        same.append(earlier)
    latest_published = next((r for r, status, _ in runs if status == "published"), None)
    if not (same and latest_published and _marts_exist(con)
            and _holds_publication(published, latest_published)):
        return None
    # The later runs of the series stopped here (or rebuilt the same with --force): name the
    # first, which built from these inputs.
    return same[-1]


def _marts_exist(con: duckdb.DuckDBPyConnection) -> bool:
    found = con.execute(
        "SELECT count(*) FROM information_schema.tables "
        "WHERE table_schema || '.' || table_name IN (SELECT unnest(?::VARCHAR[]))",
        [list(FROZEN_TABLES.values())]).fetchone()[0]
    return found == len(FROZEN_TABLES)


def _holds_publication(published: Path, run_id: str) -> bool:
    """A publishing run leaves rows in `published.publications` (new quarters) or
    `published.restatements` (figures it recomputed differently), or both."""
    if not Path(published).is_file():
        return False
    con = duckdb.connect(str(published), read_only=True)
    try:
        return con.execute(
            "SELECT EXISTS (FROM published.publications WHERE run_id = ?) "
            "OR EXISTS (FROM published.restatements WHERE restated_by_run = ?)",
            [run_id, run_id]).fetchone()[0]
    finally:
        con.close()
