"""The tight baseline: the least work that produces the pipeline's raw tables and marts.

What it does, each step the fastest we know on this machine:

* finds and hashes the extract files with the pipeline's own `landing.find_extracts` (meta.loads
  records each file's SHA-256, so hashing is part of the work);
* loads every CSV table with ONE DuckDB `read_csv` over all councils' files of that table, with
  the columns declared (no sniffing), `filename = true` for lineage; values trimmed and an empty
  value null as the pipeline's reader does; a cp1252 file that is neither ASCII nor UTF-8 is
  transcoded to a UTF-8 copy first (DuckDB reads no cp1252, and refuses its 0x80-0x9f as latin-1);
* reads every council's CIN census XML with `xml2arrow` (a compiled XML-to-Arrow reader, GIL
  released) on two threads, after the same DOCTYPE refusal as the pipeline; row numbers (the line
  each record element starts on) come from a vectorised byte scan of the same file;
* reads the (small) audit workbook with the project's reader, as DuckDB has no XLSX reader here;
* writes meta.runs (as `pipeline.start_run`), the raw tables with their lineage columns
  (`_row_number`, `_load_id`, `_source_file`) and meta.loads, then runs the same SQL models on the
  same connection.

No contract validation, quarantine, gate, report or publication: it is a lower bound, and holds
the pipeline's raw tables only while the landing zone has no bad row (the scaled demo has none).
`run_bench.py` checks that the raw tables, meta.loads and every mart equal the pipeline's and
fails if they do not, so the ratio it prints compares equal work.
"""

from __future__ import annotations

import datetime as dt
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import polars as pl

XML_THREADS = 2
_CHILD = "/Message/Children/Child"
_GROUPS = ("ChildIdentifiers", "ChildCharacteristics")
_NESTED_ELEMENTS = {"cin_assessments": "Assessments", "cin_section47": "Section47",
                    "cin_cp_plans": "ChildProtectionPlans"}
_RECORD_TAGS = {"cin_children": b"Child", "cin_referrals": b"CINdetails",
                "cin_assessments": b"Assessments", "cin_section47": b"Section47",
                "cin_cp_plans": b"ChildProtectionPlans"}


def _sql_text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


# --- CIN census through xml2arrow ---------------------------------------------------------------

def cin_config() -> str:
    """xml2arrow's YAML: a table's rows are the element children of its xml_path, so the child's
    groups are rows of `parts` (one per <Child> child) and a referral's fields and its assessments,
    S47s and plans are rows of `items` (one per <CINdetails> child); rows are put back together by
    the level indices in polars."""
    from scorecard.ingest.sources.social_care import CIN_CENSUS, CIN_CHILDREN, CIN_REFERRALS

    def field(name: str, path: str) -> str:
        return (f"      - {{name: {name}, xml_path: {path}, data_type: Utf8, "
                "nullable: true}\n")

    contracts = {c.table: c for c in CIN_CENSUS}
    parts = "".join(field(f"{g}__{h}", f"{_CHILD}/{g}/{h}") for g in _GROUPS
                    for h in [c.file_header for c in CIN_CHILDREN.columns] + ["GenderCurrent"])
    items = "".join(field(h, f"{_CHILD}/CINdetails/{h}") for h in
                    [c.file_header for c in CIN_REFERRALS.columns[2:]])
    for table, element in _NESTED_ELEMENTS.items():
        items += "".join(field(f"{element}__{c.file_header}",
                               f"{_CHILD}/CINdetails/{element}/{c.file_header}")
                         for c in contracts[table].columns[2:])
    return ("parser_options:\n  trim_text: true\ntables:\n"
            "  - name: header\n    xml_path: /\n    levels: []\n    fields:\n"
            + field("LEA", "/Message/Header/Source/LEA")
            + "  - name: children\n    xml_path: /Message/Children\n    levels: [child]\n"
              "    fields: []\n"
            + f"  - name: parts\n    xml_path: {_CHILD}\n    levels: [child, part]\n    fields:\n"
            + parts
            + f"  - name: items\n    xml_path: {_CHILD}/CINdetails\n    levels: [child, part, item]\n"
              "    fields:\n" + items)


def _tag_lines(data: bytes) -> dict[str, np.ndarray]:
    """The line each record element's start tag is on, per CIN table, in document order, by a
    vectorised scan of the bytes (xml2arrow does not report lines)."""
    raw = np.frombuffer(data + b"\0" * 32, dtype=np.uint8)
    opens = np.flatnonzero(raw[: len(data)] == ord("<"))
    newlines = np.flatnonzero(raw[: len(data)] == ord("\n"))
    ends = np.frombuffer(b"> \t\r\n/", dtype=np.uint8)
    found = {}
    for table, tag in _RECORD_TAGS.items():
        at = opens
        for i, byte in enumerate(tag):  # candidates narrowed byte by byte: cheap after two
            at = at[raw[at + 1 + i] == byte]
        at = at[np.isin(raw[at + 1 + len(tag)], ends)]
        found[table] = (np.searchsorted(newlines, at) + 1).astype(np.int64)
    return found


def read_cin(parser, path: Path, council: str | None) -> dict[str, pl.DataFrame]:
    """The five CIN tables of one census file, columns as the pipeline's reader gives them."""
    from scorecard.ingest.cin_xml import _refuse_doctype
    from scorecard.errors import ContractError
    from scorecard.ingest.sources.social_care import CIN_CENSUS

    _refuse_doctype(path)
    data = path.read_bytes()
    batches = parser.parse(data)
    lea = batches["header"].column("LEA")[0].as_py()
    if council is not None and lea != council:
        raise ContractError(path, None, "LEA", f"file is for council {lea}, extract.json says {council}")
    lines = _tag_lines(data)
    parts = pl.from_arrow(batches["parts"])
    items = pl.from_arrow(batches["items"])
    contracts = {c.table: c for c in CIN_CENSUS}

    def first(name: str) -> pl.Expr:
        return pl.col(name).drop_nulls().first()

    children_cols = contracts["cin_children"].columns
    header_of = {c.name: c.file_header for c in children_cols}
    wide = parts.group_by("<child>", maintain_order=True).agg(
        first(f"{g}__{h}") for g in _GROUPS for h in [*header_of.values(), "GenderCurrent"])
    count = len(lines["cin_children"])
    children = pl.DataFrame({"<child>": np.arange(count, dtype=np.uint32)}).join(
        wide, on="<child>", how="left", maintain_order="left")

    def grouped(header: str) -> pl.Expr:
        names = ("Sex", "GenderCurrent") if header == "Sex" else (header,)
        return pl.coalesce([pl.col(f"{g}__{n}") for n in names for g in _GROUPS])

    children = children.select(
        "<child>",
        pl.col("ChildIdentifiers__LAchildID").alias("la_child_id"),
        *[grouped(h).alias(n) for n, h in header_of.items() if n != "la_child_id"])
    referral_cols = contracts["cin_referrals"].columns[2:]
    referrals = items.group_by("<child>", "<part>", maintain_order=True).agg(
        first(c.file_header).alias(c.name) for c in referral_cols).with_columns(
        pl.col("<part>").rank("dense").over("<child>").cast(pl.String).alias("referral_number"))
    keys = referrals.select("<child>", "<part>", "referral_number").join(
        children.select("<child>", "la_child_id"), on="<child>", how="left", maintain_order="left")
    frames = {"cin_children": children.drop("<child>"),
              "cin_referrals": referrals.join(children.select("<child>", "la_child_id"),
                                              on="<child>", how="left", maintain_order="left")}
    for table, element in _NESTED_ELEMENTS.items():
        names = {f"{element}__{c.file_header}": c.name for c in contracts[table].columns[2:]}
        rows = items.filter(pl.any_horizontal(pl.col(list(names)).is_not_null()))
        frames[table] = rows.join(keys, on=["<child>", "<part>"], how="left",
                                  maintain_order="left").rename(names)
    out = {}
    for table, frame in frames.items():
        numbers = lines[table]
        if len(numbers) != frame.height:
            raise RuntimeError(f"{path}: {frame.height} {table} rows read, {len(numbers)} "
                               f"<{_RECORD_TAGS[table].decode()}> start tags found")
        if len(np.unique(numbers)) < len(numbers):  # no line breaks: positions, as the pipeline
            numbers = np.arange(1, len(numbers) + 1, dtype=np.int64)
        out[table] = frame.select(
            pl.Series("_row_number", numbers, dtype=pl.Int64),
            pl.lit(lea, pl.String).alias("council_code"),
            *contracts[table].column_names)
    return out


# --- the load -----------------------------------------------------------------------------------

def _csv_groups(files: list, scratch: Path) -> dict[str, list]:
    """Files of one table by header line: one read_csv per group, which is one per table for any
    ordinary landing zone. A cp1252 file that is neither ASCII nor UTF-8 is transcoded to a UTF-8
    copy first (DuckDB reads utf-8, utf-16 and latin-1 only, and refuses cp1252's 0x80-0x9f as
    latin-1); the group then reads the copy and the lineage names the original."""
    groups: dict[str, list] = {}
    for extract in files:
        data = extract.path.read_bytes()
        read_from = extract.path
        if extract.contract.encoding != "utf-8" and not data.isascii():
            try:
                data.decode("utf-8")
            except UnicodeDecodeError:
                data = data.decode(extract.contract.encoding).encode("utf-8")
                read_from = scratch / f"{len(list(scratch.iterdir()))}_{extract.path.name}"
                read_from.write_bytes(data)
        header = data.split(b"\n", 1)[0].rstrip(b"\r").decode("utf-8").lstrip("\ufeff")
        groups.setdefault(header, []).append((extract, read_from))
    return groups


def _load_csv_table(con, contract, files: list, run_id: str, scratch: Path) -> None:
    from scorecard.ingest.read import WHITESPACE

    by_header = {c.file_header: c.name for c in contract.columns}
    first_group = True
    for header, group in _csv_groups(files, scratch).items():
        names = header.split(",")
        declared = "{" + ", ".join(f"{_sql_text(n)}: 'VARCHAR'" for n in names) + "}"

        def value(name: str) -> str:
            # trim() with a set of characters is ~10x slower than none: only values that start
            # or end with whitespace are trimmed
            column, space = f's."{name}"', _sql_text(WHITESPACE)
            return (f"nullif(CASE WHEN contains({space}, left({column}, 1)) OR contains({space}, "
                    f"right({column}, 1)) THEN trim({column}, {space}) ELSE {column} END, '') "
                    f'AS "{by_header.get(name, name)}"')

        lineage = pl.DataFrame({
            "filename": [str(read_from) for _, read_from in group],
            "_source_file": [str(e.path) for e, _ in group],
            "_load_id": [_load_id(e, run_id) for e, _ in group],
            "_council": [e.council_code for e, _ in group]}).to_arrow()
        con.register("_files", lineage)
        council = ('f._council AS council_code, '
                   if contract.council_code_from == "manifest" else "")
        into = (f"CREATE TABLE {contract.raw_table} AS" if first_group
                else f"INSERT INTO {contract.raw_table} BY NAME")
        paths = "[" + ", ".join(_sql_text(str(read_from)) for _, read_from in group) + "]"
        con.execute(f"""
            {into}
            WITH scanned AS (
                SELECT *, row_number() OVER () AS _at
                FROM read_csv({paths}, columns = {declared}, header = true, auto_detect = false,
                              delim = ',', quote = '"', escape = '"', filename = true,
                              encoding = 'utf-8')
            )
            SELECT (s._at - min(s._at) OVER (PARTITION BY s.filename) + 2)::BIGINT AS _row_number,
                   {council}{', '.join(value(n) for n in names)},
                   f._load_id, f._source_file
            FROM scanned AS s JOIN _files AS f USING (filename)
            ORDER BY s._at""")
        con.unregister("_files")
        first_group = False


def _load_id(extract, run_id: str) -> str:
    from scorecard.ingest.load import _load_id as pipeline_load_id

    return pipeline_load_id(extract, run_id)


def _insert_frame(con, table: str, frame: pl.DataFrame, exists: bool) -> None:
    con.register("_frame", frame.to_arrow())
    con.execute(f"INSERT INTO {table} BY NAME FROM _frame" if exists
                else f"CREATE TABLE {table} AS FROM _frame")
    con.unregister("_frame")


def load(con, extracts: list, run_id: str, times: dict, workdir: Path) -> None:
    from xml2arrow import XmlToArrowParser

    from scorecard.ingest.read import empty_extract, read_extract

    by_table: dict = {}
    for extract in extracts:
        by_table.setdefault(extract.contract, []).append(extract)
    xml = [e for e in extracts if e.present and e.contract.file_format == "xml"]
    census = list(dict.fromkeys((e.path, e.council_code) for e in xml))
    scratch = workdir / "tight_scratch"
    scratch.mkdir(exist_ok=True)
    config = workdir / "tight_cin.yaml"
    config.write_text(cin_config())
    parser = XmlToArrowParser(str(config))
    pool = ThreadPoolExecutor(XML_THREADS, thread_name_prefix="tight-xml")
    start = time.perf_counter()
    parsed = [(path, council, pool.submit(read_cin, parser, path, council))
              for path, council in census]
    try:
        created = set()
        for contract, files in by_table.items():  # CSVs while the XML threads parse
            present = [e for e in files if e.present]
            if contract.file_format == "csv" and present:
                begin = time.perf_counter()
                _load_csv_table(con, contract, present, run_id, scratch)
                times["load_csv"] += time.perf_counter() - begin
                created.add(contract.raw_table)
            elif contract.file_format == "xlsx" and present:
                begin = time.perf_counter()
                for extract in present:
                    frame = read_extract(extract.path, contract, extract.council_code)
                    frame = frame.with_columns(pl.lit(_load_id(extract, run_id)).alias("_load_id"),
                                               pl.lit(str(extract.path)).alias("_source_file"))
                    _insert_frame(con, contract.raw_table, frame, contract.raw_table in created)
                    created.add(contract.raw_table)
                times["load_xlsx"] += time.perf_counter() - begin
        begin = time.perf_counter()
        contracts = {e.contract.table: e.contract for e in xml}
        collected: dict[str, list[pl.DataFrame]] = {}
        for path, _council, future in parsed:
            for table, frame in future.result().items():
                extract_file = next(e for e in by_table[contracts[table]] if e.path == path)
                collected.setdefault(table, []).append(frame.with_columns(
                    pl.lit(_load_id(extract_file, run_id)).alias("_load_id"),
                    pl.lit(str(path)).alias("_source_file")))
        for table, frames in collected.items():
            _insert_frame(con, contracts[table].raw_table, pl.concat(frames), False)
            created.add(contracts[table].raw_table)
        times["load_xml"] = time.perf_counter() - start  # wall time of the XML threads' work
        times["load_xml_wait"] = time.perf_counter() - begin
    finally:
        pool.shutdown(cancel_futures=True)
    begin = time.perf_counter()
    for contract in by_table:
        if contract.raw_table not in created:  # no council sent it: an empty table, as the pipeline
            frame = empty_extract(contract).with_columns(
                pl.lit(None, pl.String).alias("_load_id"), pl.lit(None, pl.String).alias("_source_file"))
            _insert_frame(con, contract.raw_table, frame, False)
    _record_loads(con, extracts, run_id)
    times["meta_loads"] = time.perf_counter() - begin


def _record_loads(con, extracts: list, run_id: str) -> None:
    """meta.loads as the pipeline writes it: one row per file and table, rows counted in raw."""
    files = pl.DataFrame({
        "load_id": [_load_id(e, run_id) for e in extracts],
        "source": [e.contract.source for e in extracts],
        "source_table": [e.contract.table for e in extracts],
        "source_file": [str(e.path) for e in extracts],
        "extract_date": [e.extract_date for e in extracts],
        "sha256": [e.sha256 for e in extracts],
    }, schema_overrides={"extract_date": pl.Date}).to_arrow()
    con.register("_loads", files)
    counted = " UNION ALL ".join(
        f"SELECT {_sql_text(c.source)} AS source, {_sql_text(c.table)} AS source_table, "
        f"_source_file AS source_file, count(*) AS n FROM {c.raw_table} GROUP BY ALL"
        for c in dict.fromkeys(e.contract for e in extracts))
    con.execute(f"""
        INSERT INTO meta.loads (load_id, run_id, source, source_table, source_file, extract_date,
                                sha256, rows_in, rows_loaded, rows_quarantined, reloaded, loaded_at)
        SELECT l.load_id, {_sql_text(run_id)}, l.source, l.source_table, l.source_file,
               l.extract_date, l.sha256, coalesce(c.n, 0), coalesce(c.n, 0), 0, true, now()
        FROM _loads AS l LEFT JOIN ({counted}) AS c USING (source, source_table, source_file)""")
    con.unregister("_loads")


def run(landing: Path, database: Path, period_end: dt.date) -> dict:
    """The tight baseline on a fresh database: returns its times and run id."""
    from scorecard import config
    from scorecard.ingest import landing as landing_mod
    from scorecard.build import models
    from scorecard.build import pseudonymise
    from scorecard.build import reference
    from scorecard.pipeline import HISTORY_QUARTERS, _calendar_years, start_run
    from scorecard.warehouse import open_warehouse

    times = {"extract": 0.0, "load_csv": 0.0, "load_xlsx": 0.0, "load_xml": 0.0, "build": 0.0}
    begin = time.perf_counter()
    run_id = start_run(database, period_end)["run_id"]
    start = time.perf_counter()
    extracts = landing_mod.find_extracts(landing, period_end)
    times["extract"] = time.perf_counter() - start
    with open_warehouse(database) as con:
        start = time.perf_counter()
        con.execute("BEGIN")
        load(con, extracts, run_id, times, database.parent)
        con.execute("COMMIT")
        times["load"] = time.perf_counter() - start
        start = time.perf_counter()
        pseudonymise.register(con, pseudonymise.resolve_key(True))
        reference.load_reference_csvs(con, config.REFERENCE_DIR)
        reference.load_bank_holidays(con, *_calendar_years(period_end))
        reference.write_run_context(con, run_id, period_end, HISTORY_QUARTERS)
        models.build(con, config.SQL_DIR, prepare=lambda cursor: pseudonymise.register(
            cursor, pseudonymise.resolve_key(True)))
        times["build"] = time.perf_counter() - start
    times["total"] = time.perf_counter() - begin
    return {"times": times, "run_id": run_id}


# --- the check: same raw tables, meta.loads and marts as the pipeline ---------------------------

def differences(pipeline_db: Path, tight_db: Path, tight_run_id: str) -> list[str]:
    """What differs between the pipeline's first run and the tight baseline: raw tables (lineage
    columns included, run ids in load ids set aside), that run's meta.loads rows (but load time)
    and every mart (but columns of times). Empty when they hold the same rows."""
    import duckdb

    con = duckdb.connect()
    try:
        con.execute(f"ATTACH {_sql_text(str(pipeline_db))} AS p (READ_ONLY)")
        con.execute(f"ATTACH {_sql_text(str(tight_db))} AS t (READ_ONLY)")
        run_id = con.execute("SELECT run_id FROM p.meta.runs ORDER BY started_at LIMIT 1").fetchone()[0]
        found: list[str] = []

        def relations(db: str, schema: str) -> dict[str, dict[str, str]]:
            columns: dict[str, dict[str, str]] = {}
            for table, column, kind in con.execute(
                    "SELECT table_name, column_name, data_type FROM duckdb_columns() "
                    "WHERE database_name = ? AND schema_name = ? ORDER BY table_name, column_index",
                    [db, schema]).fetchall():
                columns.setdefault(table, {})[column] = kind
            return columns

        def same_rows(what: str, left: str, right: str) -> None:
            only = con.execute(f"SELECT (SELECT count(*) FROM ({left} EXCEPT ALL {right})), "
                               f"(SELECT count(*) FROM ({right} EXCEPT ALL {left}))").fetchone()
            if only != (0, 0):
                found.append(f"{what}: {only[0]} rows only in the pipeline's, {only[1]} only in "
                             "the tight baseline's")

        def selected(db: str, table: str, columns: dict[str, str], run: str) -> str:
            shown = [f'replace("{c}", {_sql_text(run)}, \'RUN\')' if kind == "VARCHAR" else f'"{c}"'
                     for c, kind in columns.items() if not kind.startswith("TIMESTAMP")]
            return f"SELECT {', '.join(shown)} FROM {table.replace('@', db)}"

        for schema in ("raw", "marts"):
            mine, theirs = relations("p", schema), relations("t", schema)
            if set(mine) != set(theirs):
                found.append(f"{schema}: tables only in the pipeline's {sorted(set(mine) - set(theirs))}, "
                             f"only in the tight baseline's {sorted(set(theirs) - set(mine))}")
            for table in sorted(set(mine) & set(theirs)):
                if set(mine[table]) != set(theirs[table]):
                    found.append(f"{schema}.{table}: columns differ: "
                                 f"{sorted(set(mine[table]) ^ set(theirs[table]))}")
                    continue
                columns = mine[table]
                same_rows(f"{schema}.{table}",
                          selected("p", f"@.{schema}.{table}", columns, run_id),
                          selected("t", f"@.{schema}.{table}", columns, tight_run_id))
        loads = ("SELECT replace(load_id, {run}, 'RUN'), source, source_table, source_file, "
                 "extract_date, sha256, rows_in, rows_loaded, rows_quarantined, reloaded "
                 "FROM {db}.meta.loads WHERE run_id = {run}")
        same_rows("meta.loads", loads.format(db="p", run=_sql_text(run_id)),
                  loads.format(db="t", run=_sql_text(tight_run_id)))
        return found
    finally:
        con.close()
