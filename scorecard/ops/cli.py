"""The `scorecard` command line."""

from __future__ import annotations

import atexit
import datetime as dt
import gc
import os
import re
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Callable, Optional

import typer
import typer.core

from scorecard import config
from scorecard.errors import ScorecardError, one_line

def _no_metavar_on_flags(params: list) -> list:
    """An on/off flag (`--force`, `--help`) takes no value: its help shows no `<bool>` type."""
    for param in params:
        if getattr(param, "is_flag", False) and param.metavar is None:
            param.metavar = ""
    return params


class _Command(typer.core.TyperCommand):
    def get_params(self, ctx):
        return _no_metavar_on_flags(super().get_params(ctx))


class _Commands(typer.core.TyperGroup):
    """`run`, the main command, first; then the others in the order they are defined."""

    def list_commands(self, ctx):
        return sorted(super().list_commands(ctx), key=lambda name: name != "run")

    def get_params(self, ctx):
        return _no_metavar_on_flags(super().get_params(ctx))


app = typer.Typer(cls=_Commands, add_completion=False, no_args_is_help=True,
                  help="Quarterly performance scorecard warehouse.")


def command(**kwargs):
    """`app.command`, with flags shown without a value type."""
    return app.command(cls=_Command, **kwargs)


LandingOption = Annotated[Path, typer.Option(help="Landing zone holding the extracts.")]
WarehouseOption = Annotated[Path, typer.Option(help="DuckDB build warehouse file.")]
DemoKeyOption = Annotated[bool, typer.Option(
    "--demo-key", help="Pseudonymise with the public demo key (synthetic demo data only).")]
PublishedOption = Annotated[Optional[Path], typer.Option(
    help="Published database readers use (default: scorecard_published.duckdb beside --warehouse).")]
WaitOption = Annotated[float, typer.Option(
    help="Seconds to wait for another run of the same warehouse to finish.")]
ForceOption = Annotated[bool, typer.Option(
    "--force", help="Build, check and publish even if the inputs are those of the last run.")]
VerboseOption = Annotated[bool, typer.Option(
    "--verbose", help="Show Prefect's run logs, tracebacks included.")]


# Every file a command writes (warehouse, reports, Parquet, exports, Prefect's store) may be read
# by the owner's group at most: record-level rows are pseudonymised, not anonymous.
PRIVATE_UMASK = 0o027


@app.callback()
def _private_files() -> None:
    os.umask(PRIVATE_UMASK | os.umask(PRIVATE_UMASK))


@contextmanager
def _prefect_api(while_starting: Callable[[], object] | None = None):
    """The Prefect API a run reports to: PREFECT_API_URL's, or a server of our own on loopback
    that dies with this process (Prefect's own temporary server outlives a SIGKILLed run).
    `while_starting` runs while our server starts (the flow's import: Prefect reads
    PREFECT_API_URL when imported, so it is set first)."""
    from scorecard.ops.serve import configured_api_url, free_port, local_server

    if configured_api_url():
        if while_starting is not None:
            while_starting()
        yield
        return
    port = free_port()
    os.environ["PREFECT_API_URL"] = f"http://127.0.0.1:{port}/api"
    try:
        with local_server(port, ui=False, while_starting=while_starting):
            from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

            # Heartbeats let a server that outlives a run tell a crashed run from a running one;
            # this server dies with the run, so nothing would ever read them. Off, the flow's end
            # does not wait (0-1 s) for the heartbeat thread's one-second sleep to finish.
            try:
                with temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
                    yield
            finally:
                _send_pending_logs()  # before the server goes: the run's last log lines are queued
    finally:
        del os.environ["PREFECT_API_URL"]


def _import_flow() -> None:
    from prefect import Flow

    from flows.quarterly_scorecard import quarterly_scorecard  # and the pipeline's modules

    # Prefect stores a run's parameters through `Flow.serialize_parameters`, whose first call
    # imports FastAPI's encoder (0.5 s): made here, while the server starts, not in the run.
    if isinstance(quarterly_scorecard, Flow):  # not a stand-in for the flow
        quarterly_scorecard.serialize_parameters({"period_end": dt.date(2023, 6, 30)})


def _write_demo_landing(landing: Path) -> list[Path]:
    from scorecard_demo.landing_cache import demo_landing

    return demo_landing(landing, config.DEMO_COUNCIL_CODE)


def _send_pending_logs() -> None:
    """Send the log lines Prefect's log worker still holds to the API, waiting at most 10 s."""
    if "prefect.logging.handlers" in sys.modules:
        from prefect.logging.handlers import APILogWorker

        APILogWorker.drain_all(timeout=10)


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"'{value}' is not a date (YYYY-MM-DD)") from None


def _fail(message: str) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code=1)


@command()
def demo(
    out: Annotated[Path, typer.Option(help="Landing zone to write the demo council's extracts to.")]
    = config.DEFAULT_LANDING,
) -> None:
    """Write the demo council's extracts (every source built so far) to a landing zone."""
    paths = _write_demo_landing(out)
    for path in paths:
        typer.echo(str(path))


@command()
def backfill(
    from_: Annotated[str, typer.Option("--from", help="First quarter end to publish, YYYY-MM-DD.")],
    to: Annotated[str, typer.Option("--to", help="Last quarter end to publish, YYYY-MM-DD.")],
    landing: LandingOption = config.DEFAULT_LANDING,
    warehouse: WarehouseOption = config.DEFAULT_WAREHOUSE,
    demo_key: DemoKeyOption = False,
    published: PublishedOption = None,
    wait: WaitOption = 0,
    force: ForceOption = False,
    verbose: VerboseOption = False,
) -> None:
    """Publish every quarter from --from to --to in one run (quarters already published are
    kept as published; differences are recorded as restatements)."""
    run(period_end=to, landing=landing, warehouse=warehouse, backfill_from=from_,
        demo_key=demo_key, published=published, wait=wait, force=force, verbose=verbose)


@command()
def status(
    warehouse: WarehouseOption = config.DEFAULT_WAREHOUSE,
    limit: Annotated[int, typer.Option(help="How many recent runs to show.")] = 10,
) -> None:
    """Recent runs: what each published, or why it failed."""
    from scorecard.ops.status import recent_runs

    try:
        lines = recent_runs(warehouse, limit)
    except ScorecardError as exc:
        _fail(str(exc))
        return
    for line in lines:
        typer.echo(line)


@command()
def serve(
    landing: Annotated[Path, typer.Option(help="Landing zone the scheduled runs read.")]
    = config.DEFAULT_LANDING,
    warehouse: WarehouseOption = config.DEFAULT_WAREHOUSE,
    port: Annotated[int, typer.Option(help="Port of the local Prefect server (and its UI).")]
    = 4200,
    demo_key: DemoKeyOption = False,
) -> None:
    """Serve the quarterly deployment on its schedule against a local Prefect server (started
    here unless PREFECT_API_URL points at one; Prefect's files in .prefect beside --warehouse
    unless PREFECT_HOME is set). Stop with Ctrl-C or SIGTERM."""
    config.use_prefect_home_beside(warehouse)  # before Prefect is imported
    from scorecard.ops.serve import serve_quarterly

    try:
        serve_quarterly(landing, warehouse, port, demo_key)
    except ScorecardError as exc:
        _fail(str(exc))


@command()
def report(
    period_end: Annotated[str, typer.Option(help="Quarter end to report, YYYY-MM-DD.")],
    council: Annotated[str, typer.Option(help="The council's three-digit LA code.")]
    = config.DEMO_COUNCIL_CODE,
    published: Annotated[Path, typer.Option(help="The published database.")]
    = config.DEFAULT_PUBLISHED,
    out: Annotated[Path, typer.Option(help="Folder for the report and exports.")]
    = config.DEFAULT_WAREHOUSE.parent,
    pdf: Annotated[bool, typer.Option(help="Print the report to PDF with headless Chromium.")]
    = True,
) -> None:
    """The committee report (HTML and PDF), the scorecard workbook (XLSX) and Parquet files of
    every published view, from the published database alone."""
    _write_committee_pack(published, council, _date(period_end), out, pdf)


def _write_committee_pack(published: Path, council: str, period_end: dt.date, out: Path,
                          pdf: bool = True) -> None:
    from scorecard.report import write_committee_pack
    from scorecard.report.pdf import PrintToolNotFound

    try:
        try:
            written = write_committee_pack(published, council, period_end, out, pdf=pdf)
        except PrintToolNotFound as exc:
            typer.echo(f"PDF skipped: {exc}", err=True)
            written = write_committee_pack(published, council, period_end, out, pdf=False)
    except ScorecardError as exc:
        _fail(str(exc))
        return
    for kind in ("html", "pdf", "xlsx"):
        if kind in written:
            typer.echo(f"{kind}: {written[kind]}")
    typer.echo(f"parquet: {len(written['parquet'])} files in {written['parquet'][0].parent}")


@command()
def export(
    period_end: Annotated[str, typer.Option(help="Quarter end to export, YYYY-MM-DD.")],
    out: Annotated[Path, typer.Option(help="CSV file to write.")],
    published: Annotated[Path, typer.Option(help="The published database.")]
    = config.DEFAULT_PUBLISHED,
    public: Annotated[bool, typer.Option(
        "--public", help="Suppress figures built on fewer than --threshold people.")] = False,
    threshold: Annotated[int, typer.Option(help="Smallest number shown in a public export.")] = 5,
) -> None:
    """Export a quarter's published scorecard as CSV (formula-safe; small numbers suppressed
    with --public)."""
    from scorecard.publish.export import scorecard_export, write_csv

    if not published.is_file():
        _fail(f"{published}: no published database (run `scorecard run` first)")
    frame = scorecard_export(published, _date(period_end), public, threshold)
    typer.echo(f"wrote {len(frame)} rows to {write_csv(frame, out)}")


@command()
def comparators(
    la_code: Annotated[str, typer.Option(help="The council's three-digit (old) DfE LA code.")],
    year: Annotated[str, typer.Option(help="DfE reporting year, e.g. 2021-22.")],
    dfe_dir: Annotated[Path, typer.Option(help="Folder of DfE LA-level CSVs and the SN groupings.")],
    out: Annotated[Path, typer.Option(help="Reference CSV to write; rows it already holds for "
                                           "other KPIs, councils or years are kept. Each "
                                           "neighbour's figure goes to comparator_neighbours.csv "
                                           "beside it.")],
) -> None:
    """Statistical-neighbour comparators from DfE's published files (docs/comparators.md)."""
    from scorecard.build.comparators import (compute_comparators, compute_neighbour_values, merge_into,
                                       neighbours_path_for, write_comparators,
                                       write_neighbour_values)

    try:
        frame = compute_comparators(dfe_dir, la_code, year)
        detail = compute_neighbour_values(dfe_dir, la_code, year)
        write_comparators(merge_into(frame, out), out)
        write_neighbour_values(detail, neighbours_path_for(out))
    except ScorecardError as exc:
        _fail(str(exc))
        return
    for row in frame.iter_rows(named=True):
        value = "none" if row["comparator"] is None else f"{row['comparator']:.1f}"
        typer.echo(f"{row['kpi_code']} {year}: {value} "
                   f"({row['neighbours_used']} neighbours, {row['neighbours_suppressed']} suppressed)")
    typer.echo(f"wrote {out} and {neighbours_path_for(out)}")


def files_read(result: dict) -> str:
    """How many extract files the run read, and why it did not read the others."""
    read, files = result["files_reloaded"], result["files"]
    if read == files:
        return f"{files} files read"
    if read == 0:
        return f"no file read: all {files} unchanged since their last load"
    return f"{read} of {files} files read, the rest unchanged since their last load"


@command()
def run(
    period_end: Annotated[str, typer.Option(help="Quarter end to report, YYYY-MM-DD.")],
    landing: LandingOption = config.DEFAULT_LANDING,
    warehouse: WarehouseOption = config.DEFAULT_WAREHOUSE,
    backfill_from: Annotated[Optional[str], typer.Option(
        help="Also publish every quarter from this quarter end (YYYY-MM-DD) up to --period-end.")]
    = None,
    demo_key: DemoKeyOption = False,
    published: PublishedOption = None,
    wait: WaitOption = 0,
    force: ForceOption = False,
    verbose: VerboseOption = False,
    demo_landing: Annotated[bool, typer.Option(
        "--demo-landing", help="First write the demo council's extracts to --landing, a new or "
        "empty folder, while Prefect's server starts (what `make demo` runs).")] = False,
    report_council: Annotated[Optional[str], typer.Option(
        "--report", metavar="COUNCIL", help="Then write the council's committee pack for "
        "--period-end beside the published database, as `scorecard report` does.")] = None,
) -> None:
    """Run the quarterly_scorecard flow for a quarter end and say what it published (or that
    its inputs are those of the last run, so nothing was rebuilt; --force rebuilds)."""
    # Prefect reads its settings when first imported: decide its console's log level before
    # that. The run's log goes to the Prefect API (its UI) either way; without --verbose a
    # failure is the one line below, not Prefect's traceback of the same error.
    os.environ["PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL"] = "INFO" if verbose else "CRITICAL"
    from scorecard.pipeline import preflight
    from scorecard.ops.runlock import run_lock

    end, start = _date(period_end), _date(backfill_from) if backfill_from else None
    if report_council is not None and not re.fullmatch(r"\d{3}", report_council):
        raise typer.BadParameter(f"'{report_council}' is not a three-digit LA code",
                                 param_hint="'--report'")
    try:
        # refused at once, before Prefect's server starts and before any file is written
        preflight(end, start, landing, warehouse, demo_key, landing_to_write=demo_landing)
        config.use_prefect_home_beside(warehouse)

        def starting() -> None:  # while Prefect's server starts, which takes as long as the demo
            if demo_landing:
                written = _write_demo_landing(landing)
                typer.echo(f"wrote the demo council's {len(written)} extract files to {landing}")
            _import_flow()

        with run_lock(warehouse, wait), _prefect_api(starting):
            from flows.quarterly_scorecard import quarterly_scorecard

            result = quarterly_scorecard(
                period_end=end,
                landing=str(landing),
                warehouse=str(warehouse),
                publish_from=start,
                demo_key=demo_key,
                published=str(published) if published else None,
                wait_seconds=wait,
                force=force,
            )
    except ScorecardError as exc:
        _fail(str(exc))
        return
    except Exception as exc:  # the disk, the file system, the engine: one line, no traceback
        if verbose:
            raise
        _fail(one_line(exc))
        return
    if result["same_inputs_as"]:
        typer.echo(f"unchanged: {result['message']}; --force rebuilds")
    if result["period_ends"]:
        typer.echo(
            f"published {result['kpi_rows']} KPI rows for {', '.join(result['period_ends'])} "
            f"(councils {', '.join(result['councils'])}; publication {result['publication_id']}) "
            f"to {result['published']}"
        )
    if result["unchanged_period_ends"]:
        typer.echo(f"already published, kept as published: {', '.join(result['unchanged_period_ends'])}"
                   + (f" ({result['restatements']} restated figures recorded in "
                      "published.restatements)" if result["restatements"] else ""))
    loaded = (f"loaded {result['rows_loaded']} rows ({files_read(result)}), "
              f"quarantined {result['rows_quarantined']}")
    if result["same_inputs_as"]:
        typer.echo(f"{loaded}; no checks run (run {result['same_inputs_as']} passed them on the "
                   "same inputs)")
        typer.echo(f"data-quality report of run {result['same_inputs_as']}: "
                   f"{result['quality_report']}")
    else:
        typer.echo(f"{loaded}; {result['checks_run']} checks, {len(result['warnings'])} warnings")
        for warning in result["warnings"]:
            typer.echo(f"warning: {warning}")
        typer.echo(f"data-quality report: {result['quality_report']}")
    if report_council is not None:  # in this process: no second start, its imports made
        published_db = Path(result["published"])
        _write_committee_pack(published_db, report_council, end, published_db.parent)


def main() -> None:
    """The `scorecard` console script. Registered first, `gc.freeze` runs after every other exit
    handler (Prefect's log and event workers have drained by then) and spares the interpreter's
    exit its collection of cyclic garbage over every imported module, 0.3-0.4 s once Prefect is
    imported; the operating system frees the memory at once. Our files and databases are
    closed by their `with` blocks before any of this."""
    atexit.register(gc.freeze)
    app()


if __name__ == "__main__":  # python -m scorecard.ops.cli, as the console script does
    main()
