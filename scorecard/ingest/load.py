"""Load extract files into `raw` (as received, with lineage) and bad rows into `quarantine`.

Reading and checking a file (`check_file`) needs no database, so files are read on worker
threads (polars' reader and expressions run outside the GIL) while the one connection writes
what they checked, a table's files together (`Waiting`), each table's rows in file order.
(Worker processes were measured too, and were no faster on two cores: docs/performance.md.)
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections import Counter, deque
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Iterator

import duckdb
import polars as pl

from scorecard.ingest.column_map import load_column_map
from scorecard.ingest.landing import ExtractFile
from scorecard.ingest.read import empty_extract, read_extract
from scorecard.ingest.sources.contract import Contract
from scorecard.ingest.validate import validate

READERS = max(1, min(4, os.cpu_count() or 1))  # files read ahead of the writer at once
# Beyond READERS + 1 files, more are read ahead while the files waiting for the writer are small:
# at most this many bytes on disk (their checked rows are a few times that in memory).
READ_AHEAD_BYTES = 64 * 2**20
TABLE_ROWS = 1_000_000  # a raw table's waiting rows written in one insert once this many wait
PENDING_ROWS = 3_000_000  # rows waiting in all beyond which the table with the most is written
# ... or bytes (polars' estimate): the demo's rows take ~50 bytes, so this binds only for wide
# rows (long free-text fields), which would otherwise wait unbounded in memory
PENDING_BYTES = 512 * 2**20


@dataclass(frozen=True)
class LoadResult:
    load_id: str
    raw_table: str
    source_file: str
    rows_in: int
    rows_loaded: int
    rows_quarantined: int
    reloaded: bool = True


@dataclass(frozen=True)
class CheckedFile:
    """A file read and checked against its contract, ready to write."""

    extract: ExtractFile
    run_id: str
    load_id: str
    loaded: pl.DataFrame  # accepted rows with their lineage columns
    quarantined: pl.DataFrame  # quarantine.rows records
    rows_in: int
    rows_quarantined: int


def _quarantine_records(frame: pl.DataFrame, problems: pl.DataFrame, extract: ExtractFile,
                        load_id: str) -> pl.DataFrame:
    # the row as received: through a column map, with the council's own headers and values
    received = getattr(getattr(frame, "read_context", None), "received", None)
    frame = received if received is not None else frame
    rows = frame.filter(pl.col("_row_number").is_in(problems["_row_number"].unique().implode()))
    records = rows.select(
        "_row_number",
        pl.Series(
            "record",
            [json.dumps(r, ensure_ascii=False) for r in rows.drop("_row_number").to_dicts()],
            dtype=pl.String,
        ),
    )
    return problems.join(records, on="_row_number", how="left").select(
        pl.lit(load_id).alias("load_id"),
        pl.lit(extract.contract.source).alias("source"),
        pl.lit(extract.contract.table).alias("source_table"),
        pl.lit(str(extract.path)).alias("source_file"),
        pl.col("_row_number").alias("row_number"),
        "column_name",
        "value",
        "reason",
        "record",
    )


_LOADS_SCHEMA = {  # meta.loads' columns, in the order the inserts below give them
    "load_id": pl.String, "run_id": pl.String, "source": pl.String, "source_table": pl.String,
    "source_file": pl.String, "extract_date": pl.Date, "sha256": pl.String, "rows_in": pl.Int64,
    "rows_loaded": pl.Int64, "rows_quarantined": pl.Int64, "reloaded": pl.Boolean,
    "loaded_at": pl.Datetime("us", "UTC"), "column_map": pl.String, "column_map_sha256": pl.String,
}
LOAD_COLUMNS = ", ".join(_LOADS_SCHEMA)


def _map_lineage(extract: ExtractFile) -> tuple[str | None, str | None]:
    """meta.loads' record of the column map a file was read through (none: both null)."""
    if extract.column_map is None:
        return None, None
    return str(extract.column_map), extract.column_map_sha256


def _load_id(extract: ExtractFile, run_id: str) -> str:
    base = f"{run_id}:{extract.contract.source}__{extract.contract.table}"
    return f"{base}:{extract.council_code}" if extract.council_code else base


def _raw_columns(con: duckdb.DuckDBPyConnection, contract: Contract) -> set[str]:
    """The raw table's columns; none when it does not exist. (The catalogue is asked rather than
    DESCRIBE, whose error on a missing table would abort the load's transaction.)"""
    return {r[0] for r in con.execute(
        "SELECT column_name FROM duckdb_columns() WHERE schema_name = 'raw' AND table_name = ?",
        [f"{contract.source}__{contract.table}"]).fetchall()}


def _last_loaded_files(con: duckdb.DuckDBPyConnection, contract: Contract) -> dict[str, tuple]:
    """The files the raw table holds: those of the last run that loaded it (path -> sha256 and
    counts). A file's meta.loads row is committed with its raw rows, so a run whose load failed
    half-way names exactly the files it left in raw."""
    rows = con.execute(
        "SELECT source_file, sha256, rows_in, rows_loaded, rows_quarantined, column_map_sha256 "
        "FROM meta.loads "
        "WHERE source = $source AND source_table = $table AND run_id = ("
        "  SELECT run_id FROM meta.loads WHERE source = $source AND source_table = $table "
        "  ORDER BY loaded_at DESC LIMIT 1)",
        {"source": contract.source, "table": contract.table}).fetchall()
    return {row[0]: row[1:] for row in rows}


def plan_table(con: duckdb.DuckDBPyConnection, contract: Contract,
               extracts: list[ExtractFile]) -> dict[str, tuple]:
    """Make the raw table and its quarantine hold only the rows of files this run keeps as they
    are (same path, same SHA-256 as when loaded, or absent then and now), and return those files
    with their counts.

    A file that changed, or that the table never held, is loaded afresh (`Waiting.write`); a
    file the table holds but this run does not read (a council that stopped sending, an older
    extract folder) has its rows removed. With nothing to keep the table is dropped, so a
    column a source stopped sending does not linger.
    """
    held = _last_loaded_files(con, contract) if _raw_columns(con, contract) else {}
    # the same file read through another column map (or none) is loaded afresh; a file absent
    # now and at the last load (sha256 null both times) has nothing to load either
    keep = {str(e.path): held[str(e.path)] for e in extracts
            if str(e.path) in held and held[str(e.path)][0] == e.sha256
            and held[str(e.path)][4] == e.column_map_sha256}
    if not keep:
        con.execute(f"DROP TABLE IF EXISTS {contract.raw_table}")
        con.execute("DELETE FROM quarantine.rows WHERE source = ? AND source_table = ?",
                    [contract.source, contract.table])
        return {}
    if held.keys() - keep.keys():  # else the table holds only kept files: nothing to scan for
        kept = list(keep)
        con.execute(f"DELETE FROM {contract.raw_table} WHERE NOT list_contains(?, _source_file)",
                    [kept])
        con.execute("DELETE FROM quarantine.rows WHERE source = ? AND source_table = ? "
                    "AND NOT list_contains(?, source_file)", [contract.source, contract.table, kept])
    return keep


def record_reuse(con: duckdb.DuckDBPyConnection, reused: list[tuple[ExtractFile, tuple]],
                 run_id: str) -> list[LoadResult]:
    """Record that this run keeps the rows earlier runs loaded from these files (each with the
    counts `plan_table` returned for it), in one insert: a national rerun keeps thousands."""
    now = dt.datetime.now(dt.timezone.utc)
    rows, results = [], []
    for extract, counts in reused:
        contract = extract.contract
        load_id = _load_id(extract, run_id)
        rows_in, rows_loaded, rows_quarantined = counts[1:4]
        rows.append((load_id, run_id, contract.source, contract.table, str(extract.path),
                     extract.extract_date, extract.sha256, rows_in, rows_loaded, rows_quarantined,
                     False, now, *_map_lineage(extract)))
        results.append(LoadResult(load_id, contract.raw_table, str(extract.path), rows_in,
                                  rows_loaded, rows_quarantined, reloaded=False))
    insert_loads(con, rows)
    return results


def insert_loads(con: duckdb.DuckDBPyConnection, rows: list[tuple]) -> None:
    """meta.loads rows (in `_LOADS_SCHEMA`'s order) in one insert."""
    if not rows:
        return
    con.register("_loads", pl.DataFrame(rows, schema=_LOADS_SCHEMA, orient="row").to_arrow())
    try:
        con.execute(f"INSERT INTO meta.loads ({LOAD_COLUMNS}) SELECT {LOAD_COLUMNS} FROM _loads")
    finally:
        con.unregister("_loads")


def check_file(extract: ExtractFile, run_id: str) -> CheckedFile:
    """Read a file (an absent one as an empty table) and split its rows into accepted and
    quarantined. Touches no database: safe on a worker thread."""
    contract = extract.contract
    load_id = _load_id(extract, run_id)
    if extract.present:
        table_map = None
        if extract.column_map is not None:
            table_map = load_column_map(extract.column_map, contract.source,
                                        extract.column_map_sha256).tables.get(contract.table)
        frame = read_extract(extract.path, contract, extract.council_code, table_map)
    else:
        frame = empty_extract(contract)
    checked = validate(frame, contract)
    loaded = checked.loaded.with_columns(
        pl.lit(load_id).alias("_load_id"),
        pl.lit(str(extract.path)).alias("_source_file"),
    )
    return CheckedFile(extract, run_id, load_id, loaded,
                       _quarantine_records(frame, checked.quarantined, extract, load_id),
                       checked.rows_in, checked.rows_quarantined)


def _insert_raw(con: duckdb.DuckDBPyConnection, contract: Contract, rows: pl.DataFrame,
                held: set[str]) -> set[str]:
    """Append checked rows to the raw table, whose columns are `held` (none: the table is made
    from the rows' columns; a column it lacks is added), and return its columns after."""
    con.register("_incoming", rows.to_arrow())
    try:
        if not held:
            con.execute(f"CREATE TABLE {contract.raw_table} AS FROM _incoming LIMIT 0")
            held = set(rows.columns)
        for column in (c for c in rows.columns if c not in held):  # extra columns are kept
            con.execute(f'ALTER TABLE {contract.raw_table} ADD COLUMN "{column}" VARCHAR')
        con.execute(f"INSERT INTO {contract.raw_table} BY NAME FROM _incoming")
    finally:
        con.unregister("_incoming")
    return held | set(rows.columns)


def _insert_quarantined(con: duckdb.DuckDBPyConnection, records: pl.DataFrame) -> None:
    if records.height:
        con.register("_quarantined", records.to_arrow())
        try:
            con.execute("INSERT INTO quarantine.rows SELECT * FROM _quarantined")
        finally:
            con.unregister("_quarantined")


def _load_record(checked: CheckedFile) -> tuple:
    """The file's meta.loads row (in `_LOADS_SCHEMA`'s order), loaded now."""
    extract, contract = checked.extract, checked.extract.contract
    return (checked.load_id, checked.run_id, contract.source, contract.table, str(extract.path),
            extract.extract_date, extract.sha256, checked.rows_in, checked.loaded.height,
            checked.rows_quarantined, True, dt.datetime.now(dt.timezone.utc),
            *_map_lineage(extract))


def _result(checked: CheckedFile) -> LoadResult:
    return LoadResult(checked.load_id, checked.extract.contract.raw_table,
                      str(checked.extract.path), checked.rows_in, checked.loaded.height,
                      checked.rows_quarantined)


@dataclass
class Waiting:
    """Checked files waiting to be written, by raw table (`load_all`). A table's waiting files
    are written together, in one insert, with their quarantine and meta.loads rows: as soon as
    the last of them is in (`to_come`, so that writing overlaps the reading of other tables'
    files), when TABLE_ROWS of its rows wait, or, when PENDING_ROWS or PENDING_BYTES wait in
    all, the table with the most rows.

    Why: DuckDB writes the row groups of a large insert to the file as it inserts, in
    parallel, while many small inserts across thirty tables were written at COMMIT, on one
    thread: at 150 councils COMMIT was a third of the load (47 s of 141 s,
    bench/profile_load.py)."""

    files: dict[str, list[CheckedFile]] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)
    size: dict[str, int] = field(default_factory=dict)  # bytes, as polars estimates them
    to_come: dict[str, int] = field(default_factory=dict)  # files of each table not yet added
    columns: dict[str, set[str]] = field(default_factory=dict)  # each raw table's, as written

    def add(self, checked: CheckedFile) -> None:
        table = checked.extract.contract.raw_table
        self.files.setdefault(table, []).append(checked)
        if table in self.to_come:
            self.to_come[table] -= 1
        self.rows[table] = (self.rows.get(table, 0) + checked.loaded.height
                            + checked.quarantined.height)
        self.size[table] = (self.size.get(table, 0) + checked.loaded.estimated_size()
                            + checked.quarantined.estimated_size())

    def due(self) -> str | None:
        """The table whose files are to be written now, if any."""
        if not self.rows:
            return None
        complete = next((t for t in self.rows if self.to_come.get(t) == 0), None)
        if complete is not None:
            return complete
        table = max(self.rows, key=self.rows.__getitem__)
        if (self.rows[table] >= TABLE_ROWS or sum(self.rows.values()) >= PENDING_ROWS
                or sum(self.size.values()) >= PENDING_BYTES):
            return table
        return None

    def write(self, con: duckdb.DuckDBPyConnection, table: str) -> None:
        """Write a table's waiting files (their old rows already removed by `plan_table`)."""
        files = self.files.pop(table)
        del self.rows[table], self.size[table]
        contract = files[0].extract.contract
        held = self.columns.get(table)
        if held is None:
            held = _raw_columns(con, contract)
        rows = pl.concat([f.loaded for f in files], how="diagonal_relaxed")
        self.columns[table] = _insert_raw(con, contract, rows, held)
        _insert_quarantined(con, pl.concat([f.quarantined for f in files]))
        insert_loads(con, [_load_record(f) for f in files])

    def write_all(self, con: duckdb.DuckDBPyConnection) -> None:
        for table in list(self.files):
            self.write(con, table)


def write_checked(con: duckdb.DuckDBPyConnection, checked: CheckedFile) -> LoadResult:
    """Put one checked file's rows in the raw table (in place of any it held from the same
    path) and its bad rows in quarantine, and record the load. The caller owns the transaction.
    (`load_all` writes a table's files together instead: `Waiting`.)"""
    contract, path = checked.extract.contract, str(checked.extract.path)
    held = _raw_columns(con, contract)
    if held:
        con.execute(f"DELETE FROM {contract.raw_table} WHERE _source_file = ?", [path])
    _insert_raw(con, contract, checked.loaded, held)
    con.execute("DELETE FROM quarantine.rows WHERE source = ? AND source_table = ? "
                "AND source_file = ?", [contract.source, contract.table, path])
    _insert_quarantined(con, checked.quarantined)
    insert_loads(con, [_load_record(checked)])
    return _result(checked)


def load_extract(con: duckdb.DuckDBPyConnection, extract: ExtractFile, run_id: str) -> LoadResult:
    """Read, check and write one file. The caller owns the transaction."""
    return write_checked(con, check_file(extract, run_id))


def check_files(extracts: list[ExtractFile], run_id: str) -> list[CheckedFile]:
    """`check_file` for files that are one file on disk (the CIN census's five tables): read
    together, so one worker parses the file once."""
    return [check_file(e, run_id) for e in extracts]


def _same_file_groups(extracts: list[ExtractFile]) -> list[list[ExtractFile]]:
    groups: list[list[ExtractFile]] = []
    for extract in extracts:
        if groups and extract.present and groups[-1][-1].path == extract.path:
            groups[-1].append(extract)
        else:
            groups.append([extract])
    return groups


def _read_ahead(extracts: list[ExtractFile], run_id: str) -> Iterator[CheckedFile]:
    """The files checked, in order: READERS + 1 files ahead of the writer, and more while those
    ahead are small (READ_AHEAD_BYTES). A council's CIN census takes as long to check as its
    twenty other files together: with a window of so many files, the other workers finished the
    few files behind it and waited (two workers were 1.13 times as fast as one; now 1.5)."""
    groups = _same_file_groups(extracts)
    if READERS == 1 or len(groups) < 2:
        for group in groups:
            yield from check_files(group, run_id)
        return
    sizes = [group[0].path.stat().st_size if group[0].present else 0 for group in groups]
    with ThreadPoolExecutor(READERS, thread_name_prefix="scorecard-read") as pool:
        pending: deque[tuple[Future, int]] = deque()
        ahead, submitted = 0, 0

        def submit_more() -> None:
            nonlocal ahead, submitted
            while submitted < len(groups) and (len(pending) <= READERS
                                                or ahead + sizes[submitted] <= READ_AHEAD_BYTES):
                pending.append((pool.submit(check_files, groups[submitted], run_id),
                                sizes[submitted]))
                ahead += sizes[submitted]
                submitted += 1

        submit_more()
        try:
            while pending:
                future, size = pending.popleft()
                checked = future.result()
                ahead -= size
                submit_more()
                yield from checked
        finally:
            for future, _ in pending:
                future.cancel()


def load_all(con: duckdb.DuckDBPyConnection, extracts: list[ExtractFile], run_id: str) -> list[LoadResult]:
    """Load a run's extract files. A file's raw rows, quarantine rows and meta.loads row are
    committed together, so after a failure meta.loads still says which files raw holds. A
    table's files are written and committed together once enough of its rows wait (`Waiting`):
    a national load in one transaction peaked near 8 GB, as DuckDB keeps a transaction's small
    inserts in memory until it commits. Files are read in the order given (a council's files
    together, so its CIN census is parsed once for its five tables) and each table's rows stay
    in that order; unchanged files are not read again."""
    by_table: dict[Contract, list[ExtractFile]] = {}
    for extract in extracts:
        by_table.setdefault(extract.contract, []).append(extract)
    con.execute("BEGIN")
    try:
        kept = {contract: plan_table(con, contract, files) for contract, files in by_table.items()}
        found = {i: (e, kept[e.contract][str(e.path)]) for i, e in enumerate(extracts)
                 if str(e.path) in kept[e.contract]}
        reused = dict(zip(found, record_reuse(con, list(found.values()), run_id)))
        to_read = [i for i in range(len(extracts)) if i not in reused]
        written = {}
        waiting = Waiting(to_come=dict(Counter(extracts[i].contract.raw_table for i in to_read)))
        for i, checked in zip(to_read, _read_ahead([extracts[i] for i in to_read], run_id)):
            waiting.add(checked)  # its old rows were removed by plan_table
            written[i] = _result(checked)
            while (table := waiting.due()) is not None:
                waiting.write(con, table)
                con.execute("COMMIT")
                con.execute("BEGIN")
        waiting.write_all(con)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return [reused[i] if i in reused else written[i] for i in range(len(extracts))]
