"""Profile the load of a landing zone: reading and checking the files against writing them.

    .venv/bin/python bench/profile_load.py /tmp/bq10/landing_10 [--period-end 2023-06-30]

A benchmark's `--keep` folder holds a landing zone (`landing_N`). Two passes over its files, each
writing (if at all) to a fresh warehouse in a temporary folder, so nothing kept is changed:

1. **checks alone**: every file read and checked one after another on this thread, nothing
   written; per table, the seconds in the reader (`read_extract`; a CIN census's byte scan is its
   first table's read), the contract checks (`validate`) and the quarantine's records, and the
   process's CPU seconds (polars' and numpy's own threads included);
2. **the load as the pipeline runs it** (`load_all`: READERS threads reading ahead of the one
   writer), the writer's time split by the statements it runs (raw inserts, COMMIT, meta.loads,
   ...) and the time it waited for its readers.

What it found is in docs/performance.md. Not part of `make test`: it makes no assertions.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Iterator

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from scorecard.ingest import cin_xml, landing, load  # noqa: E402
from scorecard.warehouse import open_warehouse  # noqa: E402

PERIOD_END = dt.date(2023, 6, 30)
# the load module's functions timed in the first pass, and the step each is counted under
TIMED = {"read_extract": "read", "validate": "check", "_quarantine_records": "quarantine records"}
STEPS = tuple(TIMED.values())
# What each statement the writer runs is counted under: the first prefix it starts with.
STATEMENTS = (
    ("INSERT INTO raw.", "raw inserts"),
    ("INSERT INTO quarantine.", "quarantine inserts"),
    ("INSERT INTO meta.loads", "meta.loads inserts"),
    ("COMMIT", "COMMIT"),
    ("BEGIN", "BEGIN"),
    ("CREATE TABLE", "tables created or altered"),
    ("ALTER TABLE", "tables created or altered"),
    ("DROP TABLE", "tables and rows of earlier loads removed"),
    ("DELETE", "tables and rows of earlier loads removed"),
    ("SELECT", "catalogue and meta.loads lookups"),
)


class TimedSteps:
    """Wraps the load module's reader and checks, adding their seconds to `steps[table]`."""

    def __init__(self):
        self.steps: dict[str, Counter] = defaultdict(Counter)
        self.table = "?"
        self._originals = {name: getattr(load, name) for name in TIMED}

    def _timed(self, step: str, function):
        def timed(*args, **kwargs):
            start = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                self.steps[self.table][step] += time.perf_counter() - start
        return timed

    def __enter__(self) -> TimedSteps:
        for name, original in self._originals.items():
            setattr(load, name, self._timed(TIMED[name], original))
        return self

    def __exit__(self, *_) -> None:
        for name, original in self._originals.items():
            setattr(load, name, original)


class TimedConnection:
    """A DuckDB connection whose statements' seconds are counted by kind (STATEMENTS)."""

    def __init__(self, con):
        self._con = con
        self.seconds: Counter = Counter()
        self.calls: Counter = Counter()

    def _count(self, kind: str, function, *args):
        start = time.perf_counter()
        try:
            return function(*args)
        finally:
            self.seconds[kind] += time.perf_counter() - start
            self.calls[kind] += 1

    def execute(self, sql: str, *args):
        text = sql.lstrip()
        kind = next((k for prefix, k in STATEMENTS if text.startswith(prefix)), "other")
        return self._count(kind, self._con.execute, sql, *args)

    def register(self, name: str, table):
        return self._count("Arrow tables registered", self._con.register, name, table)

    def unregister(self, name: str):
        return self._count("Arrow tables registered", self._con.unregister, name)


def _group_name(group: list[landing.ExtractFile]) -> str:
    if len(group) > 1:
        return f"{group[0].contract.source} census ({len(group)} tables, one file)"
    return f"{group[0].contract.source}__{group[0].contract.table}"


def checks_alone(extracts: list[landing.ExtractFile]) -> None:
    rows: Counter = Counter()
    cpu: Counter = Counter()
    files: Counter = Counter()
    wall_start, cpu_start = time.perf_counter(), time.process_time()
    with TimedSteps() as timed:
        for group in load._same_file_groups(extracts):
            timed.table = _group_name(group)
            start = time.process_time()
            for checked in load.check_files(group, "profile"):
                rows[timed.table, "in"] += checked.rows_in
                rows[timed.table, "quarantined"] += checked.rows_quarantined
            cpu[timed.table] += time.process_time() - start
            files[timed.table] += 1
    wall, total_cpu = time.perf_counter() - wall_start, time.process_time() - cpu_start
    print(f"\n1. Checks alone, one file after another: {wall:.2f} s, {total_cpu:.2f} CPU-s, "
          f"{sum(files.values())} files read or found absent ({len(extracts)} tables' files)")
    print(f"{'table':<48} {'files':>5} {'rows in':>10} {'quar.':>6} "
          + " ".join(f"{s[:10]:>10}" for s in STEPS) + f" {'CPU-s':>7} {'share':>6}")
    for table, seconds in cpu.most_common():
        steps = timed.steps[table]
        print(f"{table:<48} {files[table]:5d} {rows[table, 'in']:10,} "
              f"{rows[table, 'quarantined']:6,} "
              + " ".join(f"{steps[s]:10.2f}" for s in STEPS)
              + f" {seconds:7.2f} {seconds / total_cpu:6.1%}")


def _timed_reads(reads: Iterator, waits: list[float]) -> Iterator:
    """The checked files as `_read_ahead` yields them, with the writer's wait for each."""
    while True:
        start = time.perf_counter()
        checked = next(reads, None)
        waits.append(time.perf_counter() - start)
        if checked is None:
            return
        yield checked


def load_as_run(extracts: list[landing.ExtractFile], warehouse: Path) -> None:
    waits: list[float] = []
    read_ahead = load._read_ahead
    load._read_ahead = lambda files, run_id: _timed_reads(read_ahead(files, run_id), waits)
    try:
        with open_warehouse(warehouse) as con:
            timed = TimedConnection(con)
            wall_start, cpu_start = time.perf_counter(), time.process_time()
            results = load.load_all(timed, extracts, "profile")
            wall, cpu = time.perf_counter() - wall_start, time.process_time() - cpu_start
    finally:
        load._read_ahead = read_ahead
    waited = sum(waits)
    statements = sum(timed.seconds.values())
    print(f"\n2. load_all as the pipeline runs it ({load.READERS} reader threads, one writer): "
          f"{wall:.2f} s, {cpu:.2f} CPU-s ({cpu / wall:.2f} cores), "
          f"{sum(r.rows_loaded for r in results):,} rows loaded, "
          f"{sum(r.rows_quarantined for r in results):,} quarantined")
    print(f"  {'the writer waiting for its readers':<42} {waited:7.2f} s  {waited / wall:6.1%}")
    for kind, seconds in timed.seconds.most_common():
        print(f"  {kind:<42} {seconds:7.2f} s  {seconds / wall:6.1%}  ({timed.calls[kind]:,} calls)")
    rest = wall - waited - statements
    print(f"  {'the writer between statements':<42} {rest:7.2f} s  {rest / wall:6.1%}"
          "  (Arrow conversion, meta.loads records, the plan)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("landing", type=Path, help="a landing zone (a bench --keep's landing_N)")
    parser.add_argument("--period-end", type=dt.date.fromisoformat, default=PERIOD_END)
    parser.add_argument("--readers", type=int, default=load.READERS,
                        help=f"reader threads of the second pass (the pipeline's: {load.READERS})")
    parser.add_argument("--only-load", action="store_true", help="the second pass alone")
    args = parser.parse_args()
    load.READERS = args.readers

    extracts = landing.find_extracts(args.landing, args.period_end)
    files = {e.path for e in extracts if e.present}  # a census file holds five tables
    size = sum(path.stat().st_size for path in files)
    print(f"{args.landing}: {len(files)} files ({len(extracts)} tables' files), {size / 1e6:,.0f} MB")
    # a file of each format first, so that the readers' imports are not in the figures
    load.check_files(list({e.contract.file_format: e for e in extracts if e.present}.values()),
                     "warm-up")
    cin_xml.clear_cache()  # a census is parsed once for its five tables: in each pass, not before
    if not args.only_load:
        checks_alone(extracts)
        cin_xml.clear_cache()
    with tempfile.TemporaryDirectory(prefix="profile-load-") as tmp:
        load_as_run(extracts, Path(tmp) / "scorecard.duckdb")


if __name__ == "__main__":
    main()
