"""The steps of a quarterly run as plain functions: what the Prefect flow's tasks call.

Each step opens the warehouse itself and takes only paths, dates and plain data, so a step can be
called from a test, the command line or a Prefect task alike, and a task's inputs are cheap to
record. The order is extract -> load -> fingerprint -> build -> check -> publish; any failure
before publish leaves `published` untouched. A run whose inputs are those of the last run, whose
build and publication still stand, stops after the fingerprint (`scorecard.ops.fingerprint`).
"""

from __future__ import annotations

import datetime as dt
import os
import uuid
from dataclasses import asdict
from pathlib import Path
from typing import Callable, NamedTuple

from scorecard import config
from scorecard.ops import fingerprint
from scorecard.ingest import landing
from scorecard.ingest import load
from scorecard.build import models
from scorecard.build import pseudonymise
from scorecard.publish import publication as publish
from scorecard.gate import quality
from scorecard.gate import quality_report
from scorecard.build import reference
from scorecard.errors import GateFailed, LandingError, ScorecardError
from scorecard.periods import check_quarter_end, quarter_ends
from scorecard.ingest.sources import CONTRACTS
from scorecard.warehouse import open_warehouse

HISTORY_QUARTERS = 12  # 13 quarter ends: four previous quarters, rolling year, and a year earlier
CALENDAR_FIRST_YEAR = 2000


def _periods(period_end: dt.date, publish_from: dt.date | None) -> list[dt.date]:
    check_quarter_end(period_end)
    publish_from = publish_from or period_end
    periods = quarter_ends(publish_from, period_end)
    if len(periods) > HISTORY_QUARTERS + 1:
        raise ScorecardError(
            f"can publish at most {HISTORY_QUARTERS + 1} quarters in one run; "
            f"{publish_from} to {period_end} is {len(periods)}"
        )
    return periods


def preflight(period_end: dt.date, publish_from: dt.date | None, landing_dir: Path,
              warehouse: Path, demo_key: bool, landing_to_write: bool = False) -> None:
    """Everything a run can be refused for without reading an extract, checked before anything
    starts (Prefect, the warehouse file): the key, the quarter ends, the landing zone (or, when
    the run writes it first, a folder with nothing to lose) and a warehouse folder this process
    may write. A refused run leaves nothing behind."""
    pseudonymise.resolve_key(demo_key)
    _periods(period_end, publish_from)
    landing_dir = Path(landing_dir)
    if landing_to_write:
        if landing_dir.exists() and (not landing_dir.is_dir() or any(landing_dir.iterdir())):
            raise LandingError(f"{landing_dir}: the demo's extracts are written to a new or empty "
                               "folder, and this one is not empty")
    elif not landing_dir.is_dir():
        raise LandingError(f"{landing_dir}: landing zone not found (a folder of "
                           "<source>/<extract date>/ extract folders)")
    folder = Path(warehouse).resolve().parent
    existing = next((p for p in (folder, *folder.parents) if p.exists()), None)
    if existing is None or not existing.is_dir() or not os.access(existing, os.W_OK | os.X_OK):
        raise ScorecardError(f"{folder}: cannot write the warehouse here (not a writable folder); "
                             "choose another --warehouse or fix the folder's permissions")


def _history_kept(con, published: Path, periods: list[dt.date]) -> None:
    """A published database that has gone missing is not silently started again with this run's
    quarters alone: the quarters this warehouse published to it before, and will not publish now,
    would be lost (and every "previous quarter" figure with them)."""
    if published.exists():
        return
    earlier = con.execute(
        "SELECT run_id, publish_from, period_end FROM meta.runs WHERE status = 'published' "
        "ORDER BY started_at").fetchall()
    lost = sorted({q for _, first, last in earlier for q in quarter_ends(first, last)}
                  - set(periods))
    if lost:
        raise ScorecardError(
            f"{published}: the published database is missing, but this warehouse published "
            f"{len(lost)} quarter(s) to it ({lost[0]} to {lost[-1]}, last by run {earlier[-1][0]}); "
            f"restore it from a backup, or publish them again with --backfill-from {lost[0]}")


def start_run(warehouse: Path, period_end: dt.date, publish_from: dt.date | None = None,
              published: Path | None = None) -> dict:
    periods = _periods(period_end, publish_from)
    publish_from = publish_from or period_end
    run_id = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:6]
    with open_warehouse(warehouse) as con:
        _history_kept(con, Path(published) if published else publish.published_path_for(warehouse),
                      periods)
        con.execute(
            "INSERT INTO meta.runs (run_id, period_end, publish_from, started_at, status) "
            "VALUES (?, ?, ?, now(), 'running')",
            [run_id, period_end, publish_from],
        )
    return {"run_id": run_id, "period_end": period_end, "period_ends": periods}


def extract(landing_dir: Path, period_end: dt.date) -> list[dict]:
    """The extract files this run reads, with their hashes (the file adapter: a drop in landing/)."""
    return [
        {"source": f.contract.source, "table": f.contract.table, "path": str(f.path),
         "extract_date": f.extract_date.isoformat() if f.extract_date else None,
         "sha256": f.sha256, "council_code": f.council_code,
         "column_map": str(f.column_map) if f.column_map else None,
         "column_map_sha256": f.column_map_sha256}
        for f in landing.find_extracts(landing_dir, period_end)
    ]


def load_extracts(warehouse: Path, run_id: str, extracts: list[dict]) -> list[dict]:
    contracts = {(c.source, c.table): c for c in CONTRACTS}
    extracts = [
        landing.ExtractFile(
            contracts[(item["source"], item["table"])], Path(item["path"]),
            dt.date.fromisoformat(item["extract_date"]) if item["extract_date"] else None,
            item["sha256"], item["council_code"],
            Path(item["column_map"]) if item.get("column_map") else None,
            item.get("column_map_sha256"),
        )
        for item in extracts
    ]
    with open_warehouse(warehouse) as con:
        return [asdict(result) for result in load.load_all(con, extracts, run_id)]


def load_totals(extracts: list[dict], loads: list[dict]) -> dict:
    """A run's loads in sum: rows loaded and quarantined, extract files present (an absent
    file is loaded as an empty table, not counted) and how many of them were read this run."""
    present = {m["path"] for m in extracts if m["sha256"]}
    files = [r for r in loads if r["source_file"] in present]
    return {"rows_loaded": sum(r["rows_loaded"] for r in loads),
            "rows_quarantined": sum(r["rows_quarantined"] for r in loads),
            "files": len(files), "files_reloaded": sum(r["reloaded"] for r in files)}


def fingerprint_run(warehouse: Path, run_id: str, period_ends: list[dt.date], extracts: list[dict],
                    demo_key: bool = False, published: Path | None = None,
                    force: bool = False) -> dict:
    """Record the run's fingerprint and say whether the run can stop here: `same_inputs_as` is
    the earlier run whose build and publication still stand for exactly these inputs, or None
    when the run must build, check and publish (always with `force`). When it can stop,
    `checks` and `publication` say what the run reports in place of those steps."""
    digest = fingerprint.run_fingerprint(
        extracts=extracts, period_end=period_ends[-1], publish_from=period_ends[0],
        calendar_years=_calendar_years(period_ends[-1]), key=pseudonymise.resolve_key(demo_key),
        folders=(config.SQL_DIR, config.REFERENCE_DIR, config.EXPECTATIONS_DIR, *config.kpi_dirs()))
    published = Path(published) if published else publish.published_path_for(warehouse)
    with open_warehouse(warehouse) as con:
        con.execute("UPDATE meta.runs SET fingerprint = ? WHERE run_id = ?", [digest, run_id])
        same_as = None if force else fingerprint.same_inputs_as(con, run_id, digest, published)
    if same_as is None:
        return {"fingerprint": digest, "same_inputs_as": None, "message": None}
    return {
        "fingerprint": digest,
        "same_inputs_as": same_as,
        "message": f"same inputs as run {same_as} (already published; nothing rebuilt, "
                   "checked or republished)",
        "checks": {"checks_run": 0, "warnings": [], "suites_skipped": [],
                   "report": str(quality_report.report_path(_reports_dir(warehouse), same_as))},
        "publication": {"publication_id": None, "published": str(published), "period_ends": [],
                        "unchanged_period_ends": [d.isoformat() for d in period_ends],
                        "councils": [], "kpi_rows": 0, "restatements": 0},
    }


def _calendar_years(period_end: dt.date) -> tuple[int, int]:
    return CALENDAR_FIRST_YEAR, period_end.year + 1


def _reports_dir(warehouse: Path) -> Path:
    return Path(warehouse).parent / "reports"


def build(warehouse: Path, run_id: str, period_end: dt.date, demo_key: bool = False) -> list[str]:
    """Reference data, then every SQL model from staging to marts."""
    key = pseudonymise.resolve_key(demo_key)
    with open_warehouse(warehouse) as con:
        pseudonymise.register(con, key)
        reference.load_reference_csvs(con, config.REFERENCE_DIR, config.kpi_dirs())
        reference.load_bank_holidays(con, *_calendar_years(period_end))
        reference.write_run_context(con, run_id, period_end, HISTORY_QUARTERS)
        return models.build(con, config.SQL_DIR, config.kpi_dirs(),
                            prepare=lambda cursor: pseudonymise.register(cursor, key))


def check(warehouse: Path, run_id: str) -> dict:
    """Run every Great Expectations suite, record the results and write the run's data-quality
    report; stop on an error-level failure."""
    with open_warehouse(warehouse) as con:
        # The suites' KPI code lists are the catalogue this run built with (extra KPIs included).
        cursor = con.execute("SELECT * FROM reference.kpis")
        names = [d[0] for d in cursor.description]
        catalogue = [dict(zip(names, row)) for row in cursor.fetchall()]
        suites = quality.load_suites(config.EXPECTATIONS_DIR, catalogue=catalogue)
        # A table no council sent a file for was loaded empty on purpose: its suite has nothing
        # to say (a source the councils do not send must not block the sources they do).
        absent = {f"raw.{source}__{table}" for source, table in con.execute(
            "SELECT source, source_table FROM meta.loads WHERE run_id = ? "
            "GROUP BY ALL HAVING bool_and(sha256 IS NULL)", [run_id]).fetchall()}
        skipped = [s.meta["table"] for s in suites if s.meta["table"] in absent]
        results = quality.run_suites(con, [s for s in suites if s.meta["table"] not in absent])
        _record_checks(con, run_id, results)
        report = quality_report.write_quality_report(con, run_id, _reports_dir(warehouse))
    blocking = quality.blocking_failures(results)
    if blocking:
        raise GateFailed([r.message for r in blocking], report)
    return {
        "checks_run": len(results),
        "warnings": [r.message for r in results if not r.success],
        "suites_skipped": skipped,
        "report": str(report),
    }


def _record_checks(con, run_id: str, results: list[quality.CheckResult]) -> None:
    """Append the results to meta.check_results in one insert, in gate order (executemany took
    as long as the checks themselves: 0.75 CPU-s for the demo's 665 rows)."""
    import polars as pl

    checked_at = dt.datetime.now(dt.timezone.utc)
    frame = pl.DataFrame(
        [[run_id, r.suite, r.table, r.expectation, r.column, r.kwargs, r.severity, r.success,
          r.raised, r.unexpected_count, r.observed, r.message, checked_at] for r in results],
        schema={"run_id": pl.String, "suite": pl.String, "table_name": pl.String,
                "expectation": pl.String, "column_name": pl.String, "kwargs": pl.String,
                "severity": pl.String, "success": pl.Boolean, "raised": pl.Boolean,
                "unexpected_count": pl.Int64, "observed": pl.String, "message": pl.String,
                "checked_at": pl.Datetime("us", "UTC")},
        orient="row",
    )
    con.register("gate_results", frame.to_arrow())
    try:
        con.execute("INSERT INTO meta.check_results SELECT * FROM gate_results")
    finally:
        con.unregister("gate_results")


def publish_run(warehouse: Path, run_id: str, period_ends: list[dt.date], extracts: list[dict],
                published: Path | None = None) -> dict:
    """Swap the audited marts into the published database (scorecard.publish.publication)."""
    published = Path(published) if published else publish.published_path_for(warehouse)
    with open_warehouse(warehouse) as con:
        checks = quality_report.data_quality_frame(con, run_id).to_dicts()
        publication = publish.publish(
            con, published, run_id, period_ends,
            extracts=[_published_extract(m) for m in extracts if m["sha256"]],
            checks=checks,
            views_dir=config.SQL_DIR / "published",
        )
    return {
        "publication_id": publication.publication_id,
        "published": str(published),
        "period_ends": [d.isoformat() for d in publication.period_ends],
        "unchanged_period_ends": [d.isoformat() for d in publication.unchanged_period_ends],
        "councils": list(publication.councils),
        "kpi_rows": publication.kpi_rows,
        "restatements": publication.restatements,
    }


def _published_extract(item: dict) -> dict:
    """A file the publication was made from, with the column map it was read through, if any."""
    extract = {"file": item["path"], "sha256": item["sha256"]}
    if item.get("column_map"):
        extract.update(column_map=item["column_map"], column_map_sha256=item["column_map_sha256"])
    return extract


def finish_run(warehouse: Path, run_id: str, status: str, message: str | None = None) -> None:
    with open_warehouse(warehouse) as con:
        con.execute(
            "UPDATE meta.runs SET finished_at = now(), status = ?, message = ? WHERE run_id = ?",
            [status, message, run_id],
        )


class Steps(NamedTuple):
    """One implementation of each step: the plain functions above (`PLAIN_STEPS`), or the
    Prefect flow's tasks, which wrap them one to one."""

    extract: Callable
    load: Callable
    fingerprint: Callable
    build: Callable
    check: Callable
    publish: Callable


PLAIN_STEPS = Steps(extract=extract, load=load_extracts, fingerprint=fingerprint_run, build=build,
                    check=check, publish=publish_run)


def run_steps(steps: Steps, landing, warehouse, run: dict, demo_key: bool = False,
              published=None, force: bool = False) -> dict:
    """A run's steps in their order, the one place it is written: the Prefect flow calls it with
    its tasks, tests and benchmarks with `PLAIN_STEPS`. The caller holds the run lock and has
    started the run (`start_run`); it records how the run finished (`finish_run`)."""
    run_id, period_ends = run["run_id"], run["period_ends"]
    extracts = steps.extract(landing, period_ends[-1])
    loads = steps.load(warehouse, run_id, extracts)
    rerun = steps.fingerprint(warehouse, run_id, period_ends, extracts, demo_key, published, force)
    if rerun["same_inputs_as"]:
        checks, publication = rerun["checks"], rerun["publication"]
    else:
        steps.build(warehouse, run_id, period_ends[-1], demo_key)
        checks = steps.check(warehouse, run_id)
        publication = steps.publish(warehouse, run_id, period_ends, extracts, published)
    return {"extracts": extracts, "loads": loads, "rerun": rerun, "checks": checks,
            "publication": publication}


def finish_steps(warehouse, run_id: str, done: dict) -> None:
    """Record how a run whose steps all ran ended: published, or unchanged (nothing new)."""
    finish_run(Path(warehouse), run_id,
               "published" if done["publication"]["publication_id"] else "unchanged",
               done["rerun"]["message"])
