"""The quarterly run as a Prefect flow: extract -> load -> fingerprint -> build -> check -> publish.

Each task is one call into `scorecard.pipeline`; the logic lives there (and in `sql/`), so it can
be tested without Prefect. Tasks take paths and plain values, never connections or frames.
"""

# No `from __future__ import annotations`: Prefect validates a deployment run's parameters
# with a pydantic model built from these annotations, which must be real types, not strings
# naming `dt` (a run from the UI's Run button failed "Quarterly_ScorecardModel is not fully
# defined").
import datetime as dt
from pathlib import Path

import scorecard  # noqa: F401  (offline settings before Prefect is imported)
from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE

from scorecard import pipeline
from scorecard.gate import quality
from scorecard.errors import ScorecardError
from scorecard.ops.schedule import covered_quarter_end
from scorecard.ops.runlock import run_lock


def run_summary_markdown(summary: dict) -> str:
    """What a person looking at the run in the Prefect UI wants to know."""
    lines = [
        f"### Quarterly scorecard run `{summary['run_id']}`",
        "",
        *([f"{summary['period_end_chosen']}.", ""] if summary.get("period_end_chosen") else []),
        *([f"Unchanged: {summary['message']}.", ""] if summary["same_inputs_as"] else []),
        "| | |",
        "|---|---|",
        f"| published quarters | {', '.join(summary['period_ends']) or 'none new'} |",
        f"| already published (kept) | {', '.join(summary['unchanged_period_ends']) or '-'} |",
        f"| KPI rows published | {summary['kpi_rows']} |",
        f"| restated figures | {summary['restatements']} |",
        f"| rows loaded / quarantined | {summary['rows_loaded']} / {summary['rows_quarantined']} |",
        f"| checks run / warnings | {summary['checks_run']} / {len(summary['warnings'])} |",
        f"| published database | `{summary['published']}` |",
        f"| data-quality report | `{summary['quality_report']}` |",
    ]
    lines += [f"- warning: {w}" for w in summary["warnings"]]
    return "\n".join(lines)


def _transient(task, task_run, state) -> bool:
    """Retry a failed extract only for what may pass (a share or database that did not answer),
    not for a landing zone that is simply wrong: that fails at once with its message."""
    return not isinstance(state.result(raise_on_failure=False), ScorecardError)


@task(name="extract", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=30,
      retry_condition_fn=_transient)
def extract(landing: str, period_end: dt.date) -> list[dict]:
    extracts = pipeline.extract(Path(landing), period_end)
    log = get_run_logger()
    present = [m for m in extracts if m["sha256"]]
    for source in sorted({m["source"] for m in present}):
        dates = sorted({m["extract_date"] for m in present if m["source"] == source})
        log.info("%s: extract of %s, %d files", source, ", ".join(dates),
                 sum(1 for m in present if m["source"] == source))
    log.info("%d extract files found for %s; %d expected files absent (loaded as empty tables)",
             len(present), period_end, len(extracts) - len(present))
    return extracts


@task(name="load", cache_policy=NO_CACHE)
def load(warehouse: str, run_id: str, extracts: list[dict]) -> list[dict]:
    loads = pipeline.load_extracts(Path(warehouse), run_id, extracts)
    log = get_run_logger()
    present = {m["path"] for m in extracts if m["sha256"]}
    for result in loads:
        if result["source_file"] not in present:
            continue
        log.info("%s: %s rows in, %s loaded, %s quarantined (%s)", result["raw_table"],
                 result["rows_in"], result["rows_loaded"], result["rows_quarantined"],
                 "read" if result["reloaded"] else "unchanged since its last load, not read")
        if result["rows_quarantined"]:
            log.warning("%s: %s rows quarantined (reasons in quarantine.rows)",
                        result["raw_table"], result["rows_quarantined"])
    totals = pipeline.load_totals(extracts, loads)
    log.info("loaded %d rows, quarantined %d; %d of %d extract files read",
             totals["rows_loaded"], totals["rows_quarantined"], totals["files_reloaded"],
             totals["files"])
    return loads


@task(name="fingerprint", cache_policy=NO_CACHE)
def fingerprint(warehouse: str, run_id: str, period_ends: list[dt.date], extracts: list[dict],
                demo_key: bool, published: str | None, force: bool) -> dict:
    rerun = pipeline.fingerprint_run(Path(warehouse), run_id, period_ends, extracts, demo_key,
                                     Path(published) if published else None, force)
    log = get_run_logger()
    if rerun["same_inputs_as"]:
        log.info("unchanged: %s; stopping here (force rebuilds)", rerun["message"])
    elif force:
        log.info("force: building, checking and publishing whatever the inputs")
    else:
        log.info("inputs differ from the last successful run's: building, checking, publishing")
    return rerun


@task(name="build", cache_policy=NO_CACHE)
def build(warehouse: str, run_id: str, period_end: dt.date, demo_key: bool) -> list[str]:
    built = pipeline.build(Path(warehouse), run_id, period_end, demo_key)
    get_run_logger().info("built %d SQL models (staging to marts) for %s", len(built), period_end)
    return built


@task(name="check", cache_policy=NO_CACHE)
def check(warehouse: str, run_id: str) -> dict:
    log = get_run_logger()
    try:
        checks = pipeline.check(Path(warehouse), run_id)
    except ScorecardError as exc:
        log.error("%s", exc)
        raise
    log.info("quality gate passed: %d checks, %d warnings; report %s", checks["checks_run"],
             len(checks["warnings"]), checks["report"])
    if checks["suites_skipped"]:
        log.info("no file sent, suite not run: %s", ", ".join(checks["suites_skipped"]))
    for warning in checks["warnings"]:
        log.warning("%s", warning)
    return checks


@task(name="publish", cache_policy=NO_CACHE)
def publish(warehouse: str, run_id: str, period_ends: list[dt.date], extracts: list[dict],
            published: str | None) -> dict:
    publication = pipeline.publish_run(Path(warehouse), run_id, period_ends, extracts,
                                       Path(published) if published else None)
    log = get_run_logger()
    if publication["period_ends"]:
        log.info("published %d KPI rows for %s (councils %s) as publication %s to %s",
                 publication["kpi_rows"], ", ".join(publication["period_ends"]),
                 ", ".join(publication["councils"]), publication["publication_id"],
                 publication["published"])
    if publication["unchanged_period_ends"]:
        log.info("already published, kept as published: %s",
                 ", ".join(publication["unchanged_period_ends"]))
    if publication["restatements"]:
        log.warning("%d restated figures recorded in published.restatements",
                    publication["restatements"])
    if not publication["publication_id"]:
        log.info("nothing new to publish; the published database is unchanged")
    return publication


FLOW_STEPS = pipeline.Steps(extract=extract, load=load, fingerprint=fingerprint, build=build,
                            check=check, publish=publish)


@flow(name="quarterly_scorecard")
def quarterly_scorecard(
    period_end: dt.date | None,
    landing: str,
    warehouse: str,
    publish_from: dt.date | None = None,
    demo_key: bool = False,
    published: str | None = None,
    wait_seconds: float = 0,
    force: bool = False,
) -> dict:
    """Compute the scorecard for `period_end` and publish it (and, with `publish_from`, the
    quarters from then on, for a backfill) if every error-level quality check passes.

    A run on the same inputs as the last one, whose build and publication still stand, stops
    after loading with status `unchanged` (`scorecard.ops.fingerprint`); `force` rebuilds anyway.

    One run at a time per warehouse: a second one waits up to `wait_seconds`, then is refused.
    With no `period_end` (a scheduled run, or the UI's Run button) it reports the latest quarter
    end the extracts cover (`scorecard.ops.schedule.covered_quarter_end`), and says so."""
    log = get_run_logger()
    chosen = None
    if period_end is None:
        period_end, deciding = covered_quarter_end(Path(landing))
        chosen = (f"No period end given: reporting {period_end}, the latest quarter end the "
                  f"extracts cover (newest extract folders dated {deciding} or later)")
        log.info("%s", chosen)
    log.info("quarterly scorecard for %s%s: landing %s, warehouse %s%s", period_end,
             f" (publishing from {publish_from})" if publish_from else "", landing, warehouse,
             ", force" if force else "")
    pipeline.preflight(period_end, publish_from, Path(landing), Path(warehouse), demo_key)
    if quality.gate_engine() == "gx":  # the DuckDB gate (the default) never imports GX
        quality.import_in_background()  # overlaps GX's slow import with extract, load and build
    with run_lock(Path(warehouse), wait_seconds):
        run = pipeline.start_run(Path(warehouse), period_end, publish_from,
                                 Path(published) if published else None)
        run_id = run["run_id"]
        try:
            done = pipeline.run_steps(FLOW_STEPS, landing, warehouse, run, demo_key, published,
                                      force)
        except Exception as exc:
            pipeline.finish_run(Path(warehouse), run_id, "failed", str(exc))
            log.error("run %s failed, the published database is as it was: %s", run_id, exc)
            raise
        rerun, checks, publication = done["rerun"], done["checks"], done["publication"]
        pipeline.finish_steps(warehouse, run_id, done)
    summary = {
        "run_id": run_id,
        "period_end": period_end.isoformat(),
        "period_end_chosen": chosen,
        "same_inputs_as": rerun["same_inputs_as"],
        "message": rerun["message"],
        **publication,
        **pipeline.load_totals(done["extracts"], done["loads"]),
        "checks_run": checks["checks_run"],
        "quality_report": checks["report"],
        "warnings": checks["warnings"],
    }
    log.info("run %s finished: %s", run_id,
             f"published {', '.join(summary['period_ends'])}" if summary["period_ends"]
             else "unchanged" if summary["same_inputs_as"] else "nothing new published")
    create_markdown_artifact(key="scorecard-run-summary", markdown=run_summary_markdown(summary),
                             description=f"Quarterly scorecard run for {period_end}")
    return summary
