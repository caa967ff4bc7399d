"""Benchmark a quarterly run at a scale factor (N councils) against plain DuckDB.

    .venv/bin/python bench/run_bench.py --scale N [--keep DIR] [--flow] [--no-baseline]

(`pip install .[bench]` first: the tight baseline reads the CIN census with xml2arrow.)

1. writes a scaled landing zone (`scorecard_demo.scale.write_scaled_landing`; timed, not counted);
2. in a child process, runs the pipeline's plain steps in order on a fresh warehouse - extract,
   load, fingerprint, build, gate (the GX suites; SCORECARD_GATE_ENGINE), report (the data-quality
   report, written inside the gate step), publish - then the same quarter again, unchanged;
3. in another child process, the baseline: a fresh DuckDB database, the raw tables loaded straight
   from the same files (read_csv, all_varchar; the CIN XML and audit XLSX through the project's
   readers, as DuckDB reads neither), then the same SQL models (`scorecard.build.models.build`), with no
   contracts, validation, quarantine, gate, report or publication;
4. in a third child process, the tight baseline (`bench/tight.py`): the same raw tables, lineage
   columns and meta.loads by one declared `read_csv` per table over all councils' files and the
   CIN XML through xml2arrow on two threads, then the same SQL models; the parent then checks
   that its raw tables, meta.loads and marts equal the pipeline's and stops if they do not;
5. with `--flow`, the demo council end to end through the real Prefect flow: `scorecard run`
   twice (the second run is the unchanged quarter) with Prefect's temporary server, twice
   against a running server, then the flow twice in one warm process (bench/README.md);
6. prints a table and, last, one line:
   scale=N rows=R total_s=T tight_s=X ratio=T/X baseline_s=B baseline_ratio=T/B peak_rss_mb=M

Peak RSS is each child's own `ru_maxrss` (the generator runs in the parent and is not counted).
Not part of `make test`: it makes no assertions.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PERIOD_END = dt.date(2023, 6, 30)
STAGES = ("extract", "load", "fingerprint", "build", "gate", "report", "publish")


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


# --- child: the pipeline ------------------------------------------------------------------------

def child_pipeline(landing: Path, warehouse: Path) -> dict:
    from scorecard import pipeline
    from scorecard.gate import quality_report

    report_s = [0.0]
    report_cpu_s = [0.0]
    write_report = quality_report.write_quality_report

    def timed_report(*args, **kwargs):
        start, start_cpu = time.perf_counter(), time.process_time()
        try:
            return write_report(*args, **kwargs)
        finally:
            report_s[0] += time.perf_counter() - start
            report_cpu_s[0] += time.process_time() - start_cpu

    quality_report.write_quality_report = timed_report  # pipeline.check calls it via the module

    def one_run() -> dict:
        report_s[0] = report_cpu_s[0] = 0.0
        times: dict[str, float] = {}
        cpu: dict[str, float] = {}  # CPU seconds of every thread of the process (DuckDB's too)
        peak_after: dict[str, int] = {}
        begin = time.perf_counter()

        def step(name, fn, *args, **kwargs):
            start, start_cpu = time.perf_counter(), time.process_time()
            result = fn(*args, **kwargs)
            times[name] = times.get(name, 0.0) + time.perf_counter() - start
            cpu[name] = cpu.get(name, 0.0) + time.process_time() - start_cpu
            peak_after[name] = round(_peak_rss_mb())  # the stage that raised the peak shows it
            return result

        run = step("extract", pipeline.start_run, warehouse, PERIOD_END)
        extracts = step("extract", pipeline.extract, landing, PERIOD_END)
        loads = step("load", pipeline.load_extracts, warehouse, run["run_id"], extracts)
        rerun = step("fingerprint", pipeline.fingerprint_run, warehouse, run["run_id"],
                     run["period_ends"], extracts, demo_key=True)
        if rerun["same_inputs_as"]:  # the unchanged quarter: nothing to build, check or publish
            checks, publication = rerun["checks"], rerun["publication"]
        else:
            step("build", pipeline.build, warehouse, run["run_id"], PERIOD_END, demo_key=True)
            checks = step("gate", pipeline.check, warehouse, run["run_id"])
            times["report"] = report_s[0]
            times["gate"] -= report_s[0]
            cpu["report"] = report_cpu_s[0]
            cpu["gate"] -= report_cpu_s[0]
            publication = step("publish", pipeline.publish_run, warehouse, run["run_id"],
                               run["period_ends"], extracts)
        step("publish", pipeline.finish_run, warehouse, run["run_id"],
             "published" if publication["publication_id"] else "unchanged", rerun["message"])
        times["total"] = time.perf_counter() - begin
        return {
            "times": times,
            "cpu_s": cpu,
            "peak_rss_mb_after": peak_after,
            "rows_loaded": sum(r["rows_loaded"] for r in loads),
            "rows_quarantined": sum(r["rows_quarantined"] for r in loads),
            "files_reloaded": sum(r["reloaded"] for r in loads),
            "rows_reloaded": sum(r["rows_loaded"] for r in loads if r["reloaded"]),
            "checks_run": checks["checks_run"],
            "skipped_as_unchanged": bool(rerun["same_inputs_as"]),
            "warnings": len(checks["warnings"]),
            "kpi_rows": publication["kpi_rows"],
            "councils": len(publication["councils"]),
        }

    start = time.perf_counter()
    import scorecard.gate.quality  # (imports counted apart from the stages)
    if scorecard.gate.quality.gate_engine() == "gx":  # the default DuckDB gate never imports GX
        import great_expectations  # noqa: F401
    imports_s = time.perf_counter() - start
    first = one_run()
    first_rss = _peak_rss_mb()
    second = one_run()
    return {"imports_s": imports_s, "first": first, "second": second,
            "peak_rss_mb": first_rss, "peak_rss_mb_after_rerun": _peak_rss_mb()}


# --- child: the baseline ------------------------------------------------------------------------

def _utf8_copy(path: Path, encoding: str, scratch: Path) -> Path:
    """DuckDB's read_csv knows utf-8, utf-16 and latin-1 only (a SAP cp1252 file with a curly
    quote is not latin-1): such a file is transcoded to a utf-8 copy first, timed with the load."""
    if encoding == "utf-8":
        return path
    copy = scratch / f"{path.parent.parent.name}__{path.name}"
    copy.write_bytes(path.read_bytes().decode(encoding).encode("utf-8"))
    return copy


def child_baseline(landing: Path, database: Path) -> dict:
    from scorecard import config
    from scorecard.ingest import landing as landing_mod
    from scorecard.build import models
    from scorecard.build import pseudonymise
    from scorecard.build import reference
    from scorecard.pipeline import CALENDAR_FIRST_YEAR, HISTORY_QUARTERS
    from scorecard.ingest.read import empty_extract, read_extract
    from scorecard.warehouse import open_warehouse

    times = {"load_csv": 0.0, "load_xml_xlsx": 0.0, "build": 0.0}
    begin = time.perf_counter()
    created: set[str] = set()  # a many-council folder sends one file per council per table
    with open_warehouse(database) as con:
        for item in landing_mod.find_extracts(landing, PERIOD_END):
            contract, path = item.contract, item.path
            start = time.perf_counter()
            table = contract.raw_table
            into = f"INSERT INTO {table} BY NAME" if table in created \
                else f"CREATE OR REPLACE TABLE {table} AS"
            created.add(table)
            if not item.present or contract.file_format != "csv":
                frame = (read_extract(path, contract, item.council_code) if item.present
                         else empty_extract(contract))
                frame = frame.select([c for c in frame.columns if not c.startswith("__")])
                con.register("frame", frame.to_arrow())
                con.execute(f"{into} SELECT *, "
                            f"'baseline' AS _load_id, ? AS _source_file FROM frame", [str(path)])
                con.unregister("frame")
                times["load_xml_xlsx" if item.present else "load_csv"] += time.perf_counter() - start
            else:
                csv_path = _utf8_copy(path, contract.encoding, database.parent)
                result = con.execute(
                    "SELECT * FROM read_csv(?, all_varchar = true, header = true) LIMIT 0",
                    [str(csv_path)])
                header = result.description
                result.fetchall()
                in_file = {d[0].lower(): d[0] for d in header}
                select = [f'"{in_file[c.file_header.lower()]}" AS {c.name}'
                          for c in contract.columns]
                if "council_code" not in contract.column_names:
                    select.insert(0, f"'{item.council_code}' AS council_code")
                con.execute(
                    f"{into} SELECT "
                    f"(row_number() OVER () + 1)::BIGINT AS _row_number, {', '.join(select)}, "
                    f"'baseline' AS _load_id, ? AS _source_file FROM read_csv(?, "
                    f"all_varchar = true, header = true)", [str(path), str(csv_path)])
                times["load_csv"] += time.perf_counter() - start
        rows = sum(con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0] for t in created)
        start = time.perf_counter()
        pseudonymise.register(con, pseudonymise.resolve_key(True))
        reference.load_reference_csvs(con, config.REFERENCE_DIR)
        reference.load_bank_holidays(con, CALENDAR_FIRST_YEAR, PERIOD_END.year + 1)
        reference.write_run_context(con, "baseline", PERIOD_END, HISTORY_QUARTERS)
        models.build(con, config.SQL_DIR, prepare=lambda cursor: pseudonymise.register(
            cursor, pseudonymise.resolve_key(True)))
        times["build"] = time.perf_counter() - start
    times["total"] = time.perf_counter() - begin
    return {"times": times, "rows": rows, "peak_rss_mb": _peak_rss_mb()}


# --- child: the tight baseline ------------------------------------------------------------------

def child_tight(landing: Path, database: Path) -> dict:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    start = time.perf_counter()
    import tight
    import openpyxl  # noqa: F401  (imports counted apart, as the pipeline's are)
    import xml2arrow  # noqa: F401
    from scorecard import pipeline  # noqa: F401
    from scorecard.build import models  # noqa: F401
    from scorecard.ingest import read  # noqa: F401
    imports_s = time.perf_counter() - start

    result = tight.run(landing, database, PERIOD_END)
    return {**result, "imports_s": imports_s, "peak_rss_mb": _peak_rss_mb()}


# --- child: the Prefect flow, demo council ------------------------------------------------------

def _cli_runs(landing: Path, warehouse: Path, env: dict[str, str]) -> list[dict]:
    """`scorecard run` on the demo council in a new process, on a fresh warehouse, then the same
    quarter again unchanged; wall time of each, and what the second run reloaded."""
    shutil.rmtree(warehouse.parent, ignore_errors=True)
    warehouse.parent.mkdir(parents=True)
    cli = [sys.executable, "-m", "scorecard.ops.cli"] if not (ROOT / ".venv/bin/scorecard").exists() \
        else [str(ROOT / ".venv/bin/scorecard")]
    results = []
    for attempt in ("first", "unchanged"):
        start = time.perf_counter()
        proc = subprocess.run(
            [*cli, "run", "--period-end", PERIOD_END.isoformat(), "--landing", str(landing),
             "--warehouse", str(warehouse), "--demo-key"],
            cwd=ROOT, capture_output=True, text=True, env=env)
        wall = time.perf_counter() - start
        if proc.returncode:
            raise SystemExit(f"scorecard run failed:\n{proc.stdout}\n{proc.stderr}")
        results.append({"run": attempt, "wall_s": wall, "stdout": proc.stdout.strip()})
    import duckdb
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        reloaded = con.execute(
            "SELECT count(*) FILTER (WHERE reloaded), coalesce(sum(rows_loaded) FILTER "
            "(WHERE reloaded), 0) FROM meta.loads WHERE run_id = (SELECT run_id FROM meta.runs "
            "ORDER BY started_at DESC LIMIT 1)").fetchone()
    finally:
        con.close()
    results[1]["files_reloaded"], results[1]["rows_reloaded"] = reloaded
    return results


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def warm_flow(landing: Path, workdir: Path) -> dict:
    """The flow called twice in one process, each on a fresh warehouse: the second run is what a
    long-lived worker pays per run (Prefect, GX and the rest already imported)."""
    start = time.perf_counter()
    from flows.quarterly_scorecard import quarterly_scorecard
    import great_expectations  # noqa: F401
    imports_s = time.perf_counter() - start
    walls = []
    for attempt in ("cold", "warm"):
        warehouse = workdir / f"flow_warehouse_{attempt}" / "scorecard.duckdb"
        shutil.rmtree(warehouse.parent, ignore_errors=True)
        start = time.perf_counter()
        quarterly_scorecard(period_end=PERIOD_END, landing=str(landing), warehouse=str(warehouse),
                            demo_key=True)
        walls.append(time.perf_counter() - start)
    return {"imports_s": imports_s, "first_in_process_s": walls[0], "warm_s": walls[1]}


def flow_runs(workdir: Path) -> dict:
    """The demo council through the real flow: with Prefect's temporary server (what a one-off
    `scorecard run` starts), and against a running server (a scheduled run of `scorecard serve`,
    or PREFECT_API_URL), where the server's start is not part of the run."""
    from scorecard.ops.serve import local_server

    landing = workdir / "flow_landing"
    if not landing.exists():
        from scorecard_demo import write_demo_landing
        write_demo_landing(landing, "916")
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    runs = [dict(r, server="temporary")
            for r in _cli_runs(landing, workdir / "flow_warehouse" / "scorecard.duckdb", env)]
    with local_server(_free_port()) as api_url:
        runs += [dict(r, server="running") for r in _cli_runs(
            landing, workdir / "flow_warehouse_server" / "scorecard.duckdb",
            {**env, "PREFECT_API_URL": api_url})]
        proc = subprocess.run([sys.executable, __file__, "--child", "warmflow", str(landing),
                               str(workdir)], cwd=ROOT, capture_output=True, text=True,
                              env={**env, "PREFECT_API_URL": api_url})
        if proc.returncode:
            raise SystemExit(f"warm flow failed:\n{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}")
        warm = json.loads(proc.stdout.strip().splitlines()[-1])
    return {"runs": runs, "warm": warm}


# --- parent -------------------------------------------------------------------------------------

def _child(kind: str, *paths: Path) -> dict:
    proc = subprocess.run([sys.executable, __file__, "--child", kind, *map(str, paths)],
                          cwd=ROOT, capture_output=True, text=True)
    if proc.returncode:
        raise SystemExit(f"{kind} failed:\n{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def machine() -> str:
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_gib = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (f"{os.cpu_count()} CPUs ({model}), {mem_gib:.1f} GiB RAM, "
            f"{platform.system()} {platform.release()}, Python {platform.python_version()}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=1, help="number of councils")
    parser.add_argument("--keep", type=Path, help="work directory to keep (default: a temporary one)")
    parser.add_argument("--flow", action="store_true",
                        help="also time the demo council through the Prefect flow (scorecard run)")
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.child:
        kind, *paths = args.child
        result = {"pipeline": child_pipeline, "baseline": child_baseline, "tight": child_tight,
                  "flow": flow_runs, "warmflow": warm_flow}[kind](*map(Path, paths))
        print(json.dumps(result))
        return

    workdir = args.keep or Path(tempfile.mkdtemp(prefix="scorecard-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    landing = workdir / f"landing_{args.scale}"
    try:
        print(f"machine: {machine()}", flush=True)
        start = time.perf_counter()
        if not landing.exists():
            from scorecard_demo.scale import write_scaled_landing
            write_scaled_landing(landing, args.scale)
        generate_s = time.perf_counter() - start
        size_mb = sum(p.stat().st_size for p in landing.rglob("*") if p.is_file()) / 2**20
        print(f"landing: {landing} ({size_mb:.0f} MB), generated in {generate_s:.1f} s", flush=True)

        warehouse = workdir / f"warehouse_{args.scale}"
        shutil.rmtree(warehouse, ignore_errors=True)
        warehouse.mkdir()
        run = _child("pipeline", landing, warehouse / "scorecard.duckdb")
        print(f"pipeline: {json.dumps(run)}", flush=True)  # kept even if the baseline fails
        base = None
        if not args.no_baseline:
            database = workdir / f"baseline_{args.scale}.duckdb"
            database.unlink(missing_ok=True)
            base = _child("baseline", landing, database)
        tight_db = workdir / f"tight_{args.scale}" / "scorecard.duckdb"
        shutil.rmtree(tight_db.parent, ignore_errors=True)
        tight_db.parent.mkdir()
        tight_run = _child("tight", landing, tight_db)
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        from tight import differences

        differ = differences(warehouse / "scorecard.duckdb", tight_db, tight_run["run_id"])
        if differ:
            raise SystemExit("the tight baseline did not produce the pipeline's raw tables, "
                             "meta.loads and marts, so the ratio would compare unequal work:\n  "
                             + "\n  ".join(differ))
        flow = _child("flow", workdir) if args.flow else None

        first, second = run["first"], run["second"]
        total = first["times"]["total"]
        print()
        print(f"{'stage':<10} {'first run s':>12} {'share':>7} {'CPU s':>7} {'unchanged rerun s':>18}")
        cpu_total = sum(first["cpu_s"].values())
        for stage in STAGES:
            t = first["times"].get(stage, 0.0)
            print(f"{stage:<10} {t:>12.2f} {t / total:>6.0%} {first['cpu_s'].get(stage, 0.0):>7.2f} "
                  f"{second['times'].get(stage, 0.0):>18.2f}")
        print(f"{'total':<10} {total:>12.2f} {1:>6.0%} {cpu_total:>7.2f} {second['times']['total']:>18.2f}")
        print(f"gate engine: {os.environ.get('SCORECARD_GATE_ENGINE') or 'duckdb'}; gate "
              f"{first['cpu_s'].get('gate', 0.0):.2f} CPU-s = "
              f"{first['cpu_s'].get('gate', 0.0) / cpu_total:.0%} of the run's CPU")
        print(f"(imports before the run, not counted: {run['imports_s']:.2f} s)")
        print(f"rows loaded {first['rows_loaded']}, quarantined {first['rows_quarantined']}, "
              f"checks {first['checks_run']}, warnings {first['warnings']}, "
              f"KPI rows published {first['kpi_rows']} for {first['councils']} councils")
        print(f"unchanged rerun: {second['files_reloaded']} files / {second['rows_reloaded']} "
              f"rows reloaded; " + ("build, gate and publish skipped (same fingerprint)"
                                    if second["skipped_as_unchanged"]
                                    else "every model rebuilt and every suite re-run"))
        print("peak RSS after each stage, MB: " + ", ".join(
            f"{k} {v}" for k, v in first["peak_rss_mb_after"].items()))
        print(f"peak RSS: pipeline {run['peak_rss_mb']:.0f} MB (after the rerun "
              f"{run['peak_rss_mb_after_rerun']:.0f} MB)"
              + (f", baseline {base['peak_rss_mb']:.0f} MB" if base else ""))
        if base:
            bt = base["times"]
            print(f"baseline: load CSV {bt['load_csv']:.2f} s, load XML/XLSX via project readers "
                  f"{bt['load_xml_xlsx']:.2f} s, SQL models {bt['build']:.2f} s, total "
                  f"{bt['total']:.2f} s ({base['rows']} raw rows)")
        tt = tight_run["times"]
        print(f"tight baseline: extract {tt['extract']:.2f} s, load {tt['load']:.2f} s (CSV "
              f"{tt['load_csv']:.2f} s, XLSX {tt['load_xlsx']:.2f} s, CIN XML on two threads "
              f"{tt['load_xml']:.2f} s wall, overlapping the CSV), SQL models {tt['build']:.2f} s, "
              f"total {tt['total']:.2f} s (imports before, not counted: "
              f"{tight_run.get('imports_s', 0.0):.2f} s), peak RSS {tight_run['peak_rss_mb']:.0f} MB; raw tables, "
              "meta.loads and marts equal the pipeline's")
        if flow:
            for r in flow["runs"]:
                extra = (f"; files reloaded {r['files_reloaded']}, rows reloaded {r['rows_reloaded']}"
                         if "files_reloaded" in r else "")
                server = ("Prefect's temporary server started by the run" if r["server"] == "temporary"
                          else "a running Prefect server")
                print(f"prefect flow, demo council, {r['run']} run, {server}: {r['wall_s']:.1f} s "
                      f"wall (process start included){extra}")
        if flow:
            warm = flow["warm"]
            print(f"prefect flow, demo council, in one process against a running server: imports "
                  f"{warm['imports_s']:.1f} s, first run {warm['first_in_process_s']:.1f} s, next "
                  f"run (a warm worker) {warm['warm_s']:.1f} s")
        baseline_s = base["times"]["total"] if base else float("nan")
        tight_s = tight_run["times"]["total"]
        print(f"scale={args.scale} rows={first['rows_loaded']} total_s={total:.2f} "
              f"tight_s={tight_s:.2f} ratio={total / tight_s:.2f} "
              f"baseline_s={baseline_s:.2f} baseline_ratio={total / baseline_s:.2f} "
              f"peak_rss_mb={run['peak_rss_mb']:.0f}")
    finally:
        if args.keep is None:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
