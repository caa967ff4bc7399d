"""Read an extract file into an all-text polars frame, as received.

File-level problems (an empty file, an encoding the contract does not allow, a quoted field never
closed, a file cut short, a header missing a required column or naming one twice) raise
ContractError with the file, row and column. Row-level problems are left for `validate`, so that a
bad row is quarantined rather than stopping the run; what only the reader can see (a row with too
many or too few fields, the extract folder's date and council) goes with the frame as its
`ReadContext`.

Values are trimmed of surrounding whitespace (as the workbook and XML readers do) and an empty
value is missing (null). Row numbers are rows as a person opening the file counts them, header =
row 1: a blank line (or an all-empty row) holds no record but keeps its number, so rows after it
keep theirs.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
from pathlib import Path

import polars as pl

from scorecard.ingest.column_map import TableMap, apply_map
from scorecard.errors import ContractError
from scorecard.ingest.sources.contract import Contract
from scorecard.ingest.validate import QUARANTINE_SCHEMA, ReadContext, with_context

UTF8_BOM = codecs.BOM_UTF8
UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)  # UTF-32 LE starts with FF FE as well
_NOT_TEXT = re.compile("[\x00\udc80-\udcff]")  # a NUL, or a byte the encoding does not define
# What `str.strip()` removes, for polars to remove too: Python's whitespace includes the ASCII
# separators 0x1c-0x1f, which polars' (Unicode White_Space) does not; both CSV paths and the
# workbook and XML readers must trim a value the same way.
WHITESPACE = "".join(chr(c) for c in range(0x3001) if chr(c).isspace())

Ragged = tuple[int, int, str | None]  # row number, number of fields, the fields beyond the header
Beyond = tuple[int, str, str | None]  # workbook row number, column letter, value right of the header
MAX_COLUMNS = 1_000  # a workbook's header is read up to column ALL (a contract has ~11 columns)
MAX_ROWS = 1_000_000  # a workbook is read up to row 1,000,001 (header + a million rows)


def one_line(text: str) -> str:
    """Text from a file, safe in a one-line message: a line break, tab, control character or
    undecodable byte is shown as its escape (`a\\nb`), everything else as it is."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii")
                   for c in text)


def _refuse(path: Path, row: int | None, column: str | None, reason: str) -> ContractError:
    """The ContractError stopping a file; a header name or message from the file kept on one line."""
    return ContractError(path, row, None if column is None else one_line(column), one_line(reason))


def read_extract(path: Path, contract: Contract, council_code: str | None = None,
                 column_map: TableMap | None = None) -> pl.DataFrame:
    """Return the file's records as text, columns renamed to the contract's names.

    A `_row_number` column gives the row as a person opening the file would count it (header = 1;
    for XML, the line of the element). Files that carry no council code get `council_code` from
    the extract folder's manifest. With a column map (`scorecard.ingest.column_map`) the council's
    headers, values and dates are first translated into the contract's.
    """
    path = Path(path)
    extract_date = _folder_date(path)
    if contract.reader == "cin_census":
        from scorecard.ingest.cin_xml import read_cin_census_checked

        tables = read_cin_census_checked(path, council_code)
        frame = tables.frames[contract.table].clone()  # the cached frame is shared by readers
        return with_context(frame, ReadContext(extract_date, council_code,
                                               tables.problems[contract.table]))
    if contract.reader == "annex_a":
        from scorecard.ingest.annex_a import read_annex_a

        tables = read_annex_a(path, extract_date, council_code)
        frame = tables.frames[contract.table].clone()
        frame = frame.select("_row_number", pl.lit(council_code, pl.String).alias("council_code"),
                             pl.exclude("_row_number"))
        return with_context(frame, ReadContext(extract_date, council_code,
                                               tables.problems[contract.table]))
    if path.stat().st_size == 0:
        raise _refuse(path, None, None, "file is empty")
    if contract.file_format == "csv":
        frame, ragged = _read_csv(path, contract)
    elif contract.file_format == "xlsx":
        frame, beyond = _read_xlsx(path, contract, column_map)
    else:
        raise _refuse(path, None, None, f"unsupported file format '{contract.file_format}'")
    received, unmapped = frame, None
    if column_map is None:
        frame = _rename_to_contract(path, frame, contract)
    else:
        try:
            frame, unmapped = apply_map(path, frame, column_map, council_code)
        except ContractError as exc:  # headers from the file, kept on one line
            raise _refuse(path, exc.row, exc.column, exc.reason) from None
    if contract.file_format == "xlsx":
        problems = _beyond_problems(received.columns[1:], beyond)
    else:
        problems = _ragged_problems(received.columns[1:], ragged)
    # named by the contract's column (validate adds the council's header), by position in the
    # file as received: a map may have added council_code, which the file does not have
    ours = {column_map.header_of(n) if column_map else c.file_header: n
            for n, c in zip(contract.column_names, contract.columns)}
    problems = problems.with_columns(pl.col("column_name").replace(ours))
    if contract.council_code_from == "manifest":
        frame = frame.select("_row_number", pl.lit(council_code, pl.String).alias("council_code"),
                             pl.exclude("_row_number"))
    return with_context(frame, ReadContext(
        extract_date, council_code, problems, unmapped,
        column_map.headers if column_map else None, received if column_map else None))


def empty_extract(contract: Contract) -> pl.DataFrame:
    """The frame of a file that was not sent: the contract's columns, no rows."""
    names = ["_row_number", *dict.fromkeys(["council_code", *contract.column_names])]
    return pl.DataFrame(schema={n: pl.Int64 if n == "_row_number" else pl.String for n in names})


def _folder_date(path: Path) -> dt.date | None:
    """The extract date: the name of the folder the file is in (landing/<source>/<date>/), or of
    the folder above a council's folder (landing/<source>/<date>/<council_code>/)."""
    folder = path.parent
    if len(folder.name) == 3 and folder.name.isdigit():
        folder = folder.parent
    try:
        return dt.date.fromisoformat(folder.name)
    except ValueError:
        return None


def _frame(path: Path, names: list[str], numbers: list[int], rows: list[list]) -> pl.DataFrame:
    _check_unique_header(path, names)
    frame = pl.DataFrame(rows, schema={n: pl.String for n in names}, orient="row")
    return frame.insert_column(0, pl.Series("_row_number", numbers, dtype=pl.Int64))


# ---------------------------------------------------------------------------------------------
# CSV


def _decode(path: Path, contract: Contract) -> tuple[str, str]:
    """The file as text, and the encoding it was read in. Bytes the encoding does not define are
    kept as surrogates (and NUL bytes as NULs) for `_refuse_undecodable` to point at."""
    data = path.read_bytes()
    if not data.strip():
        raise _refuse(path, None, None, "file is empty")
    if data.startswith(UTF16_BOMS):
        raise _refuse(path, 1, None, "file is UTF-16 (it starts with a UTF-16 byte order "
                                           f"mark): export it as {contract.encoding}")
    if data.startswith(UTF8_BOM):
        return data[len(UTF8_BOM):].decode("utf-8", errors="surrogateescape"), "utf-8"
    if contract.encoding != "utf-8" and not data.isascii():
        try:  # valid UTF-8 with multi-byte characters: a UTF-8 export, not Windows-1252 text
            return data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            pass
    return data.decode(contract.encoding, errors="surrogateescape"), contract.encoding


def _parse(path: Path, text: str) -> list[tuple[int, list[str]]]:
    """Every record with its row number (header = 1); a quoted field left open stops the run."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    records: list[tuple[int, list[str]]] = []
    start = 0  # the line the record being read starts on
    limit = csv.field_size_limit(max(len(text), csv.field_size_limit()))  # validate limits length
    try:
        for number, record in enumerate(reader, start=1):
            records.append((number, record))
            start = reader.line_num
    except csv.Error as exc:
        row = len(records) + 1
        if "unexpected end of data" not in str(exc):
            raise _refuse(path, row, None, f"not readable as CSV: {exc}") from None
        # the open field swallowed the rest of the file: closing it shows which field it is
        rest = "".join(io.StringIO(text, newline="").readlines()[start:]) + '"'
        index = len(next(csv.reader(io.StringIO(rest, newline="")))) - 1
        header = records[0][1] if records else []
        column = header[index].strip() if row > 1 and index < len(header) else None
        raise _refuse(path, row, column,
                            "a quoted field is never closed: the file looks cut short") from None
    finally:
        csv.field_size_limit(limit)
    return records


def _refuse_undecodable(path: Path, records: list[tuple[int, list[str]]], names: list[str],
                        encoding: str) -> None:
    for number, record in records:
        for index, field in enumerate(record):
            found = _NOT_TEXT.search(field)
            if found is None:
                continue
            byte = ord(found.group()) & 0xFF
            where = f"column '{names[index]}'" if number > 1 and index < len(names) \
                else f"field {index + 1}"
            reason = ("a NUL byte: not a text file (UTF-16 without a byte order mark?)" if byte == 0
                      else f"byte 0x{byte:02x} is not valid {encoding}")
            raise _refuse(path, number, None, f"{reason}, in {where}")


def _as_csv(fields: list[str]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow(fields)
    return out.getvalue()


def _plain_csv(path: Path, text: str) -> pl.DataFrame | None:
    """polars' parallel reader for the usual well-formed extract: no quoting, no blank lines, no
    bare carriage returns, every row as wide as the header. Anything else returns None and goes
    to the row-by-row reader, which finds the row and column of what is wrong; on such a file
    both readers give the same frame (tests/test_read_fast_path.py)."""
    if '"' in text or text.count("\r") != text.count("\r\n"):
        return None
    if text.startswith(("\n", "\r")) or "\n\n" in text or "\n\r\n" in text:
        return None
    try:
        grid = pl.read_csv(text.encode("utf-8"), has_header=False, infer_schema=False,
                           quote_char=None)
    except pl.exceptions.PolarsError:  # a row wider than the first: the exact reader says where
        return None
    # polars pads a short row with nulls; with no quoting each row holds exactly width - 1 commas
    if text.count(",") != (grid.width - 1) * grid.height:
        return None
    names = [(h or "").strip() or f"column_{i + 1}" for i, h in enumerate(grid.row(0))]
    _check_unique_header(path, names)
    trimmed = [pl.col(c).str.strip_chars(WHITESPACE) for c in grid.columns]
    frame = (
        grid.slice(1)
        .with_row_index("_row_number", offset=2)
        .with_columns(pl.when(t != "").then(t).alias(c) for t, c in zip(trimmed, grid.columns))
        .filter(pl.any_horizontal(pl.col(grid.columns).is_not_null()))
    )
    return frame.select(pl.col("_row_number").cast(pl.Int64),
                        *[pl.col(c).alias(n) for c, n in zip(grid.columns, names)]).rechunk()


def _read_csv(path: Path, contract: Contract) -> tuple[pl.DataFrame, list[Ragged]]:
    text, encoding = _decode(path, contract)
    if not _NOT_TEXT.search(text):
        fast = _plain_csv(path, text)
        if fast is not None:
            return fast, []
    records = _parse(path, text)
    if not records:  # nothing but a byte order mark
        raise _refuse(path, None, None, "file is empty")
    names = [h.strip() or f"column_{i + 1}" for i, h in enumerate(records[0][1])]
    if _NOT_TEXT.search(text):
        _refuse_undecodable(path, records, names, encoding)
    width, last = len(names), records[-1][0]
    numbers, rows, ragged = [], [], []
    for number, record in records[1:]:
        if not any(field.strip() for field in record):
            continue  # a blank line, or a row of empty fields: no record
        cells = [field.strip() or None for field in record]
        if len(cells) < width and number == last and not text.endswith(("\n", "\r")):
            raise _refuse(path, number, names[len(cells)],
                                f"the file ends in the middle of this row ({len(cells)} of {width} "
                                "fields): it looks cut short")
        if len(cells) != width:
            extra = _as_csv(record[width:]) if len(cells) > width else None
            ragged.append((number, len(cells), extra))
            cells = (cells + [None] * width)[:width]
        numbers.append(number)
        rows.append(cells)
    return _frame(path, names, numbers, rows), ragged


def _ragged_problems(columns: list[str], ragged: list[Ragged]) -> pl.DataFrame:
    """Quarantine records for rows with too many fields (at the first field beyond the header,
    the extra fields as the value) or too few (at the first column missing)."""
    width = len(columns)
    problems = [
        (number, columns[count] if count < width else f"field {width + 1}", extra,
         f"row has {count} fields, the header has {width}")
        for number, count, extra in ragged
    ]
    return pl.DataFrame(problems, schema=QUARANTINE_SCHEMA, orient="row")


# ---------------------------------------------------------------------------------------------
# XLSX


def _cell_text(value: object) -> str | None:
    """Render a workbook cell as the text a person sees, dates as ISO dates."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).strip()
    return text or None


def _from_serial(value: object, epoch: dt.datetime) -> object:
    """A number in a date column is a date cell that lost its date format: an Excel serial date
    (days since the workbook's epoch, 1900 or 1904 date system). One out of range stays a number."""
    from openpyxl.utils.datetime import from_excel

    if isinstance(value, (int, float)) and not isinstance(value, bool):
        try:
            return from_excel(value, epoch)
        except (OverflowError, ValueError):
            return value
    return value


def _read_xlsx(path: Path, contract: Contract,
               column_map: TableMap | None = None) -> tuple[pl.DataFrame, list[Beyond]]:
    """The sheet within its real data range: the header's width (its last non-empty cell, at
    most MAX_COLUMNS) and the rows that hold a value (up to MAX_ROWS). openpyxl is not asked to
    pad rows to the sheet's stated size, which one stray cell (at XFD1048576) makes 16,384
    columns by 1,048,576 rows; a row is held only if it has a value. A value right of the
    header is the row's defect (quarantined, like a CSV row with too many fields); a header
    wider than MAX_COLUMNS or a value below row MAX_ROWS + 1 stops the file, naming the cell."""
    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a broken workbook
        raise _refuse(path, None, None, f"not readable as XLSX: {exc}") from None
    try:
        if contract.sheet not in workbook.sheetnames:
            raise _refuse(path, None, None, f"sheet '{contract.sheet}' not found")
        sheet = workbook[contract.sheet]
        sheet.reset_dimensions()  # the stated size may be wrong, or stretched by one stray cell
        epoch = workbook.epoch
        header: list | None = None
        numbers, sheet_rows, beyond = [], [], []
        try:
            for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
                last = _last_value(row)
                if header is None:
                    if last > MAX_COLUMNS:
                        raise _refuse(path, 1, get_column_letter(last),
                                            f"a header cell in column {get_column_letter(last)}: "
                                            f"a sheet is read up to column {MAX_COLUMNS} "
                                            f"({get_column_letter(MAX_COLUMNS)}); clear the cell "
                                            "if it is stray")
                    header = list(row[:last])
                    continue
                if last == 0:
                    continue  # an empty row: no record, later rows keep their numbers
                if number > MAX_ROWS + 1:
                    raise _refuse(path, number, get_column_letter(_first_value(row)),
                                        f"a value below row {MAX_ROWS + 1:,}: a sheet is read up "
                                        f"to {MAX_ROWS:,} rows under its header; clear the cell if "
                                        "it is stray, or split the file")
                width = len(header)
                if last > width:
                    extra = next(i for i in range(width, last) if _has_value(row[i]))
                    beyond.append((number, get_column_letter(extra + 1), _cell_text(row[extra])))
                cells = list(row[:width])
                numbers.append(number)
                sheet_rows.append(cells + [None] * (width - len(cells)))
        except ContractError:
            raise
        except Exception as exc:  # a sheet's XML broken inside a readable zip
            raise _refuse(path, None, None, f"not readable as XLSX: {exc}") from None
    finally:
        workbook.close()
    if header is None:
        raise _refuse(path, 1, None, "sheet is empty")
    names = [_cell_text(h) or f"column_{i + 1}" for i, h in enumerate(header)]
    dates = {column_map.header_of(c.name) if column_map else c.file_header
             for c in contract.columns if c.kind == "date"}
    rows = [[_cell_text(_from_serial(v, epoch) if name in dates else v)
             for name, v in zip(names, row)] for row in sheet_rows]
    return _frame(path, names, numbers, rows), beyond


def _has_value(value: object) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


def _last_value(row: tuple) -> int:
    """The column (from 1) of the row's last cell with a value; 0 for an empty row."""
    for index in range(len(row) - 1, -1, -1):
        if _has_value(row[index]):
            return index + 1
    return 0


def _first_value(row: tuple) -> int:
    return next(i for i, v in enumerate(row, start=1) if _has_value(v))


def _beyond_problems(columns: list[str], beyond: list[Beyond]) -> pl.DataFrame:
    """Quarantine records for workbook rows with a value right of the header's last column."""
    problems = [(number, f"column {letter}", value,
                 f"a value in column {letter}, right of the header's last column "
                 f"({len(columns)} columns)")
                for number, letter, value in beyond]
    return pl.DataFrame(problems, schema=QUARANTINE_SCHEMA, orient="row")


# ---------------------------------------------------------------------------------------------
# Header


def _check_unique_header(path: Path, names: list[str]) -> None:
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise _refuse(path, 1, name, "column appears twice in the header")
        seen.add(name)


def _rename_to_contract(path: Path, frame: pl.DataFrame, contract: Contract) -> pl.DataFrame:
    for column in contract.columns:
        if column.file_header not in frame.columns:
            raise _refuse(path, 1, column.file_header, "required column missing from the header")
    renames = {c.file_header: c.name for c in contract.columns if c.file_header != c.name}
    return frame.rename(renames)
