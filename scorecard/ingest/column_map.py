"""A council's own export layout, mapped onto a contract by a small TOML file.

A council whose HR system is not SAP (iTrent, say) exports its own headers, its own code values
and its own date format. Rather than rewrite the export, it keeps one file beside the source's
extract folders, `landing/<source>/columns.toml`, saying per contract table which of its headers
is which of our columns, how its values translate into our codes, and in which format its dates
are written (docs/contracts.md, "Column maps"). Reading applies the map first; the contract check
runs on the mapped frame, and every error and quarantine reason names the council's own header.

A map that is itself wrong (not TOML, a table or column the contract does not have, two headers
onto one column, a value mapped to a code the contract does not allow) stops the run before any
file is read, in one line naming the map file.
"""

from __future__ import annotations

import difflib
import functools
import hashlib
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from scorecard.errors import ContractError
from scorecard.ingest.sources import contracts_for
from scorecard.ingest.sources.contract import Contract
from scorecard.ingest.validate import QUARANTINE_SCHEMA, parsed_date

MAP_FILE = "columns.toml"
_COLUMN_KEYS = {"column", "values", "date_format"}
# dd/mm/yyyy, d.m.yyyy, yyyy-mm-dd ...: a day, a month and a four-digit year, one separator
_DATE_PART = {"d": "%d", "dd": "%d", "m": "%m", "mm": "%m", "yyyy": "%Y"}
_DATE_FORMAT = re.compile(r"^(d{1,2}|m{1,2}|yyyy)([./ -])(d{1,2}|m{1,2}|yyyy)\2(d{1,2}|m{1,2}|yyyy)$")


@dataclass(frozen=True)
class MappedColumn:
    header: str  # the council's header, as in its export
    name: str  # the contract's column
    values: tuple[tuple[str, str], ...] = ()  # (export value, our code); empty: values as sent
    date_format: str | None = None  # strptime format of the export's dates
    date_format_text: str | None = None  # the same as the map writes it (dd/mm/yyyy)


@dataclass(frozen=True)
class TableMap:
    """One contract table's part of a column map."""

    map_file: Path
    contract: Contract
    columns: tuple[MappedColumn, ...]

    def header_of(self, name: str) -> str:
        """The header the export gives our column `name` (its own name when the map has none)."""
        column = next((c for c in self.columns if c.name == name), None)
        if column is not None:
            return column.header
        return next(c.file_header for c in self.contract.columns if c.name == name)

    @property
    def headers(self) -> dict[str, str]:
        """Our column -> the council's header, for the columns the map renames."""
        return {c.name: c.header for c in self.columns if c.header != c.name}


@dataclass(frozen=True)
class ColumnMap:
    path: Path
    sha256: str
    source: str
    tables: dict[str, TableMap]


def _refuse(path: Path, column: str | None, reason: str) -> ContractError:
    return ContractError(path, None, column, reason)


def _date_format(path: Path, where: str, text: object) -> str:
    found = _DATE_FORMAT.match(text) if isinstance(text, str) else None
    parts = [found.group(i)[0] for i in (1, 3, 4)] if found else []
    if not found or sorted(parts) != ["d", "m", "y"]:
        raise _refuse(path, where, f"date_format {text!r} is not a date format such as "
                                   "dd/mm/yyyy, d.m.yyyy or yyyy-mm-dd")
    return found.group(2).join(_DATE_PART[found.group(i)] for i in (1, 3, 4))


def _column(path: Path, contract: Contract, header: str, spec: object) -> MappedColumn:
    where = f"{contract.table}.{header}"
    if isinstance(spec, str):
        spec = {"column": spec}
    if not isinstance(spec, dict):
        raise _refuse(path, where, "a header maps to a column name, or to a table with `column` "
                                   "(and optionally `values`, `date_format`)")
    unknown = sorted(set(spec) - _COLUMN_KEYS)
    if unknown:
        raise _refuse(path, where, f"unknown key {unknown[0]!r} (a column takes "
                                   f"{', '.join(sorted(_COLUMN_KEYS))})")
    name = spec.get("column")
    target = next((c for c in contract.columns if c.name == name), None)
    if target is None:
        raise _refuse(path, where, f"maps to {name!r}, not a column of {contract.table} "
                                   f"({', '.join(contract.column_names)})")
    values = spec.get("values", {})
    if not isinstance(values, dict) or not all(isinstance(v, str) for v in values.values()):
        raise _refuse(path, where, "values must map each export value to a code (text)")
    if target.kind == "code":
        wrong = next((v for v in values.values() if v not in target.codes), None)
        if wrong is not None:
            raise _refuse(path, where, f"values maps onto {wrong!r}, not one of "
                                       f"{', '.join(target.codes)}")
    date_format = text = None
    if "date_format" in spec:
        if target.kind != "date":
            raise _refuse(path, where, f"date_format given, but {name} is not a date column")
        if values:
            raise _refuse(path, where, "a date column takes date_format or values, not both")
        text = spec["date_format"]
        date_format = _date_format(path, where, text)
    return MappedColumn(header, name, tuple(values.items()), date_format, text)


def _table(path: Path, contract: Contract, spec: object) -> TableMap:
    if contract.file_format not in ("csv", "xlsx"):
        raise _refuse(path, contract.table, f"{contract.file_name} is read by its schema "
                                            "(XML): its layout cannot be mapped")
    if not isinstance(spec, dict) or set(spec) != {"columns"} or not isinstance(spec["columns"], dict):
        raise _refuse(path, contract.table, f"[{contract.table}] holds one table, "
                                            f"[{contract.table}.columns]")
    columns = tuple(_column(path, contract, str(h), s) for h, s in spec["columns"].items())
    seen: dict[str, str] = {}
    for column in columns:
        if column.name in seen:
            raise _refuse(path, f"{contract.table}.{column.header}",
                          f"'{seen[column.name]}' and '{column.header}' both map to {column.name}")
        seen[column.name] = column.header
    return TableMap(path, contract, columns)


@functools.lru_cache(maxsize=64)
def _load(path: str, sha256: str, source: str) -> ColumnMap:
    file = Path(path)
    data = file.read_bytes()
    if hashlib.sha256(data).hexdigest() != sha256:
        raise _refuse(file, None, "changed while the run was reading it (run again)")
    try:
        # utf-8-sig: Windows editors save text with a byte-order mark
        spec = tomllib.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise _refuse(file, None, "not UTF-8 text (save the map as UTF-8)") from None
    except tomllib.TOMLDecodeError as exc:
        raise _refuse(file, None, f"not valid TOML: {exc}") from None
    contracts = {c.table: c for c in contracts_for(source)}
    tables = {}
    for table, part in spec.items():
        if table not in contracts:
            raise _refuse(file, table, f"unknown table: {source} has "
                                       f"{', '.join(contracts)}")
        tables[table] = _table(file, contracts[table], part)
    return ColumnMap(file, sha256, source, tables)


def sha256_of(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def load_column_map(path: Path, source: str, sha256: str | None = None) -> ColumnMap:
    """Read and check a column map; ContractError naming the map file if it is wrong."""
    return _load(str(path), sha256 or sha256_of(path), source)


def _missing(path: Path, table: TableMap, name: str, header: str, found: list[str]) -> ContractError:
    mapped = any(c.name == name for c in table.columns)
    why = (f"{table.map_file.name} maps it to {name}" if mapped
           else f"{table.map_file.name} maps no header onto {name}")
    close = difflib.get_close_matches(header, found, n=1, cutoff=0.75)
    near = f"; the header has '{close[0]}'" if close else ""
    if name == "council_code" and not mapped:
        near += ", and the folder has no extract.json naming the council"
    return ContractError(path, 1, header, f"required column missing from the header ({why}{near})")


def apply_map(path: Path, frame: pl.DataFrame, table: TableMap,
              council_code: str | None) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The frame as the contract names it: headers renamed, values recoded, dates rewritten in the
    contract's format. Returns it with the cells the map could not translate (QUARANTINE_SCHEMA,
    by our column name; each is left as sent, and `validate` reports it only once)."""
    contract = table.contract
    renames: dict[str, str] = {}
    for column in contract.columns:
        header = table.header_of(column.name)
        if header in frame.columns:
            renames[header] = column.name
        elif column.name == "council_code" and council_code is not None and header == column.name:
            continue  # an export carries no DfE code: the folder's extract.json gives it
        else:
            raise _missing(path, table, column.name, header, list(frame.columns[1:]))
    clash = next((h for h in frame.columns if h not in renames and h in renames.values()), None)
    if clash is not None:
        raise ContractError(path, 1, clash, f"column {clash} is in the header, and "
                                            f"{table.map_file.name} maps "
                                            f"'{table.header_of(clash)}' onto it too")
    frame = frame.rename({h: n for h, n in renames.items() if h != n})
    if "council_code" in contract.column_names and "council_code" not in frame.columns:
        frame = frame.insert_column(1, pl.Series("council_code", [council_code] * frame.height,
                                                 dtype=pl.String))
    problems = []
    for column in table.columns:
        value = pl.col(column.name)
        if column.values:
            codes = dict(column.values)
            unmapped = value.is_not_null() & ~value.is_in(list(codes))
            problems.append(frame.filter(unmapped).select(
                "_row_number", pl.lit(column.name).alias("column_name"),
                value.alias("value"),
                pl.lit(f"not in the value map of {table.map_file.name}").alias("reason")))
            frame = frame.with_columns(value.replace(codes))
        if column.date_format:
            formats = (column.date_format,)
            if contract.file_format == "xlsx":  # a date cell reads as an ISO date
                formats += ("%Y-%m-%d",)
            parsed = parsed_date(value, formats)
            bad = value.is_not_null() & parsed.is_null()
            problems.append(frame.filter(bad).select(
                "_row_number", pl.lit(column.name).alias("column_name"), value.alias("value"),
                pl.lit(f"not a valid date ({column.date_format_text})").alias("reason")))
            frame = frame.with_columns(
                pl.coalesce(parsed.dt.strftime(contract.date_formats[0]), value).alias(column.name))
    found = pl.concat([p.cast(QUARANTINE_SCHEMA) for p in problems]) if problems \
        else pl.DataFrame(schema=QUARANTINE_SCHEMA)
    return frame, found
