"""Read an extract file into an all-text polars frame, exactly as received.

File-level problems (encoding, header) raise ContractError; row-level problems are left for
`validate` so that a bad row is quarantined rather than stopping the run.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import polars as pl

from scorecard.errors import ContractError
from scorecard.sources.contract import Contract

UTF8_BOM = b"\xef\xbb\xbf"


def read_extract(path: Path, contract: Contract, council_code: str | None = None) -> pl.DataFrame:
    """Return the file's records as text, columns renamed to the contract's names.

    A `_row_number` column gives the row as a person opening the file would count it (header = 1;
    for XML, the line of the element). Files that carry no council code get `council_code` from
    the extract folder's manifest.
    """
    if contract.file_format == "xml":
        from scorecard.cin_xml import read_cin_census

        return read_cin_census(path, council_code)[contract.table]
    if contract.file_format == "csv":
        frame = _read_csv(path, contract)
    elif contract.file_format == "xlsx":
        frame = _read_xlsx(path, contract)
    else:
        raise ContractError(path, None, None, f"unsupported file format '{contract.file_format}'")
    frame = _rename_to_contract(path, frame, contract).with_row_index("_row_number", offset=2)
    frame = frame.with_columns(pl.col("_row_number").cast(pl.Int64))
    if contract.council_code_from == "manifest":
        frame = frame.select("_row_number", pl.lit(council_code, pl.String).alias("council_code"),
                             pl.exclude("_row_number"))
    return frame


def empty_extract(contract: Contract) -> pl.DataFrame:
    """The frame of a file that was not sent: the contract's columns, no rows."""
    names = ["_row_number", *dict.fromkeys(["council_code", *contract.column_names])]
    return pl.DataFrame(schema={n: pl.Int64 if n == "_row_number" else pl.String for n in names})


def _decode(path: Path, contract: Contract) -> str:
    data = path.read_bytes()
    if not data.strip():
        raise ContractError(path, None, None, "file is empty")
    encoding = contract.encoding
    if data.startswith(UTF8_BOM):
        data, encoding = data[len(UTF8_BOM):], "utf-8"
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        row = data[: exc.start].count(b"\n") + 1
        raise ContractError(
            path, row, None, f"byte 0x{data[exc.start]:02x} is not valid {encoding}"
        ) from None


def _read_csv(path: Path, contract: Contract) -> pl.DataFrame:
    text = _decode(path, contract)
    try:
        return pl.read_csv(
            io.StringIO(text),
            infer_schema=False,
            empty_string_is_null=True,
            truncate_ragged_lines=False,
        )
    except pl.exceptions.PolarsError as exc:
        raise ContractError(path, None, None, f"not readable as CSV: {exc}".splitlines()[0]) from None


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


def _read_xlsx(path: Path, contract: Contract) -> pl.DataFrame:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a broken workbook
        raise ContractError(path, None, None, f"not readable as XLSX: {exc}") from None
    try:
        if contract.sheet not in workbook.sheetnames:
            raise ContractError(path, None, None, f"sheet '{contract.sheet}' not found")
        rows = workbook[contract.sheet].iter_rows(values_only=True)
        header = next(rows, None)
        if header is None:
            raise ContractError(path, 1, None, "sheet is empty")
        names = [_cell_text(h) or f"column_{i + 1}" for i, h in enumerate(header)]
        records = [
            [_cell_text(v) for v in row] for row in rows if any(v is not None for v in row)
        ]
    finally:
        workbook.close()
    _check_unique_header(path, names)
    return pl.DataFrame(records, schema={n: pl.String for n in names}, orient="row")


def _check_unique_header(path: Path, names: list[str]) -> None:
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise ContractError(path, 1, name, "column appears twice in the header")
        seen.add(name)


def _rename_to_contract(path: Path, frame: pl.DataFrame, contract: Contract) -> pl.DataFrame:
    headers = [h.strip() for h in frame.columns]
    _check_unique_header(path, headers)
    frame.columns = headers
    for column in contract.columns:
        if column.file_header not in headers:
            raise ContractError(path, 1, column.file_header, "required column missing from the header")
    renames = {c.file_header: c.name for c in contract.columns if c.file_header != c.name}
    return frame.rename(renames)
