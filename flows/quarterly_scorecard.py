"""The quarterly run as a Prefect flow: extract -> load -> fingerprint -> build -> check -> publish.

Each task is one call into `scorecard.pipeline`; the logic lives there (and in `sql/`), so it can
be tested without Prefect. Tasks take paths and plain values, never connections or frames.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import scorecard  # noqa: F401  (offline settings before Prefect is imported)
from prefect import flow, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE

from scorecard import pipeline, quality
from scorecard.errors import ScorecardError
from scorecard.schedule import latest_quarter_end
from scorecard.runlock import run_lock


def run_summary_markdown(summary: dict) -> str:
    """What a person looking at the run in the Prefect UI wants to know."""
    lines = [
        f"### Quarterly scorecard run `{summary['run_id']}`",
        "",
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
    return pipeline.extract(Path(landing), period_end)


@task(name="load", cache_policy=NO_CACHE)
def load(warehouse: str, run_id: str, manifest: list[dict]) -> list[dict]:
    return pipeline.load_extracts(Path(warehouse), run_id, manifest)


@task(name="fingerprint", cache_policy=NO_CACHE)
def fingerprint(warehouse: str, run_id: str, period_ends: list[dt.date], manifest: list[dict],
                demo_key: bool, published: str | None, force: bool) -> dict:
    return pipeline.fingerprint_run(Path(warehouse), run_id, period_ends, manifest, demo_key,
                                    Path(published) if published else None, force)


@task(name="build", cache_policy=NO_CACHE)
def build(warehouse: str, run_id: str, period_end: dt.date, demo_key: bool) -> list[str]:
    return pipeline.build(Path(warehouse), run_id, period_end, demo_key)


@task(name="check", cache_policy=NO_CACHE)
def check(warehouse: str, run_id: str) -> dict:
    return pipeline.check(Path(warehouse), run_id)


@task(name="publish", cache_policy=NO_CACHE)
def publish(warehouse: str, run_id: str, period_ends: list[dt.date], manifest: list[dict],
            published: str | None) -> dict:
    return pipeline.publish_run(Path(warehouse), run_id, period_ends, manifest,
                                Path(published) if published else None)


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
    after loading with status `unchanged` (`scorecard.fingerprint`); `force` rebuilds anyway.

    One run at a time per warehouse: a second one waits up to `wait_seconds`, then is refused.
    With no `period_end` (a scheduled run) it reports the last quarter ended before today."""
    period_end = period_end or latest_quarter_end(dt.date.today())
    pipeline.preflight(period_end, publish_from, Path(landing), Path(warehouse), demo_key)
    quality.import_in_background()  # overlaps GX's slow import with extract, load and build
    with run_lock(Path(warehouse), wait_seconds):
        run = pipeline.start_run(Path(warehouse), period_end, publish_from,
                                 Path(published) if published else None)
        run_id = run["run_id"]
        try:
            manifest = extract(landing, period_end)
            loads = load(warehouse, run_id, manifest)
            rerun = fingerprint(warehouse, run_id, run["period_ends"], manifest, demo_key,
                                published, force)
            if rerun["same_inputs_as"]:
                checks, publication = rerun["checks"], rerun["publication"]
            else:
                build(warehouse, run_id, period_end, demo_key)
                checks = check(warehouse, run_id)
                publication = publish(warehouse, run_id, run["period_ends"], manifest, published)
        except Exception as exc:
            pipeline.finish_run(Path(warehouse), run_id, "failed", str(exc))
            raise
        pipeline.finish_run(Path(warehouse), run_id,
                            "published" if publication["publication_id"] else "unchanged",
                            rerun["message"])
    summary = {
        "run_id": run_id,
        "same_inputs_as": rerun["same_inputs_as"],
        "message": rerun["message"],
        **publication,
        **pipeline.load_totals(manifest, loads),
        "checks_run": checks["checks_run"],
        "quality_report": checks["report"],
        "warnings": checks["warnings"],
    }
    create_markdown_artifact(key="scorecard-run-summary", markdown=run_summary_markdown(summary),
                             description=f"Quarterly scorecard run for {period_end}")
    return summary
