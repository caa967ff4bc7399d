"""Read Ofsted's Annex A workbook (the ILACS "request for information") into one table per list.

Councils produce Annex A from their case-management systems and by hand, so the same workbook
arrives spelt many ways. The reader takes it as councils write it:

- sheets: "List 1", "list_1", "LIST1 - Contacts", "List 01" are all list 1 (two sheets that are
  the same list stop the file; sheets that are no list, or a list not read here, are ignored);
- the header row: the first row (of the first HEADER_SCAN_ROWS) naming the child's id; header
  cells are compared by their words (case, spaces, punctuation, "the"/"a", a trailing "(Y/N)"
  ignored), and each column also answers to the other names councils use (HEADER_VARIANTS);
- values: coded columns are matched against reference/annex_a_values.csv (Ofsted's wording such as
  "q) 6: Police", the bare code "6", a value starting with the code, or a spelling listed there),
  whatever the letter prefix, case or punctuation, and stored as the code; date cells, Excel
  serial numbers and dates typed as text (dd/mm/yyyy and the like) become ISO dates.

Only the columns the contracts name are read: names of workers and placement postcodes never
leave the workbook. A row with no value in any column read holds no record of the list and is
skipped (templates carry formula columns far below the data). Every cell that cannot be
understood (a value the reference cannot place, a date that is no date, a count that is no whole
number, a required value missing, a date after the extract date) is quarantined with its sheet,
cell and header: the reader runs the contract's cell checks itself so each reason can say where in
the workbook the cell is. A list whose sheet is absent loads as an empty table (a council may
leave lists out); a sheet without the header row or a required column stops the file.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from scorecard.config import REFERENCE_DIR
from scorecard.errors import ContractError
from scorecard.ingest.read import _cell_text, _from_serial, _has_value, one_line
from scorecard.ingest.sources.contract import Column, Contract
from scorecard.ingest.sources.social_care import ANNEX_A, ANNEX_A_DOMAINS
from scorecard.ingest.validate import QUARANTINE_SCHEMA, ReadContext, _cell_problems

HEADER_SCAN_ROWS = 20
_SHEET = re.compile(r"^\s*list\s*[-_.]?\s*0*([1-9][0-9]?)(?![0-9])", re.IGNORECASE)
_ENUMERATOR = re.compile(r"^\s*[a-z]{1,2}\)\s*")  # Ofsted's "a) ", "zz) " before a value
_IGNORED_WORDS = {"the", "a", "an"}
# Dates typed as text, day first as English councils write them; ambiguous two-digit years are
# not guessed at.
TEXT_DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%d.%m.%Y", "%d-%m-%Y", "%d %b %Y", "%d %B %Y",
                     "%d-%b-%Y", "%Y/%m/%d")

# Other names councils give the columns (besides the contract's header, Ofsted's wording).
HEADER_VARIANTS: dict[str, tuple[str, ...]] = {
    "child_id": ("Child ID", "Unique Child ID", "Child Unique Identifier", "Child Identifier",
                 "ChildUniqueID", "LA Child ID", "Child Reference"),
    "gender": ("Sex", "Gender (Sex)"),
    "dob": ("DOB", "Birth Date", "Date of birth (DOB)"),
    "contact_date": ("Contact Date", "Date Contact Received"),
    "contact_source": ("Source of Contact", "Contact Source Code"),
    "referral_date": ("Referral Date", "Date Referral Received"),
    "referral_source": ("Source of Referral", "Referral Source Code"),
    "referral_nfa": ("Referral NFA", "NFA", "Referral No Further Action",
                     "Was the referral NFA"),
    "referrals_last_12_months": ("Number of Referrals in the Last 12 Months",
                                 "Referrals in Last 12 Months", "No. of Referrals in Last 12 Months"),
    "assessment_start_date": ("Assessment Start Date", "Continuous Assessment Start"),
    "child_seen": ("Child Seen During Assessment", "Child Seen"),
    "assessment_authorised_date": ("Assessment Authorisation Date",
                                   "Continuous Assessment Authorisation Date",
                                   "Date of Authorisation", "Assessment Completion Date"),
    "s47_start_date": ("Section 47 Enquiry Start Date", "S47 Start Date",
                       "Strategy Discussion Initiating S47 Enquiry Start Date"),
    "icpc_unnecessary": ("ICPC Deemed Unnecessary", "ICPC Not Required"),
    "icpc_date": ("ICPC Date", "Date of ICPC", "Initial Child Protection Conference Date"),
    "icpc_resulted_in_plan": ("Did the ICPC Result in a Child Protection Plan", "ICPC Resulted in CPP",
                              "Did the Initial Child Protection Conference Result in a "
                              "Child Protection Plan (Y/N)"),
    "s47_last_12_months": ("Number of S47 Enquiries in the Last 12 Months",),
    "icpcs_last_12_months": ("Number of ICPC in the Last 12 Months",),
    "cpp_start_date": ("CP Plan Start Date", "CPP Start Date", "Plan Start Date"),
    "cpp_end_date": ("CP Plan End Date", "CPP End Date", "Plan End Date"),
    "previous_cpp": ("Number of Previous CP Plans", "Number of Previous CPPs",
                     "Previous Child Protection Plans"),
    "lac_start_date": ("Date Started to be Looked After (LAC)", "Date Became Looked After",
                       "LAC Start Date", "Date Started Looked After"),
    "uasc": ("UASC", "Unaccompanied Asylum Seeking Child",
             "Unaccompanied Asylum Seeking Child (UASC) within the Last 12 Months"),
    "legal_status": ("Legal Status", "Child's Legal Status Code"),
    "placements_last_12_months": ("Number of Placements in the Last 12 Months",
                                  "Placements in Last 12 Months"),
    "ceased_date": ("Date Ceased Looked After", "Date Ceased to be LAC", "Ceased Date"),
    "placement_start_date": ("Start Date of Latest Placement", "Placement Start Date"),
    "placement_type": ("Placement Type Code", "Type of Placement"),
    "placement_provider": ("Placement Provider Code", "Provider"),
    "eligibility": ("Eligibity Category", "Eligibility", "Care Leaver Eligibility Category"),
    "in_touch": ("In Touch", "LA in Touch with Care Leaver"),
    "accommodation_type": ("Type of Accommodation", "Accommodation Type", "Accommodation"),
    "suitability": ("Suitability of Accomodation", "Suitability", "Accommodation Suitability",
                    "Suitable Accommodation"),
    "activity": ("Activity", "Main Activity", "Activity Code"),
}


def header_key(text: object) -> str:
    """A header cell as words: case, punctuation, "the"/"a"/"an" and a final "(Y/N)" dropped."""
    words = re.findall(r"[0-9a-z]+", unicodedata.normalize("NFKC", str(text)).casefold()
                       .replace("&", " and "))
    words = [w for w in words if w not in _IGNORED_WORDS]
    if words[-2:] == ["y", "n"]:
        words = words[:-2]
    return " ".join(words)


def value_key(text: str) -> str:
    """A typed value as words, without Ofsted's "a) " prefix, case or punctuation."""
    text = unicodedata.normalize("NFKC", text).casefold().replace("\xa0", " ")
    return " ".join(re.findall(r"[0-9a-z]+", _ENUMERATOR.sub("", text).replace("&", " and ")))


def list_number(sheet_title: str) -> int | None:
    """The Annex A list a sheet holds, from its name however written; None for other sheets."""
    found = _SHEET.match(unicodedata.normalize("NFKC", sheet_title))
    return int(found.group(1)) if found else None


@functools.lru_cache(maxsize=1)
def value_maps(reference: Path = REFERENCE_DIR / "annex_a_values.csv") -> dict[str, dict[str, str]]:
    """{domain: {value key: code}} from reference/annex_a_values.csv (code, Ofsted's wording and
    the other spellings, each as its words). A spelling given to two codes of a domain is a
    mistake in the reference and stops the run."""
    maps: dict[str, dict[str, str]] = {}
    with Path(reference).open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            spellings = [row["code"], row["annex_a_value"],
                         *(s for s in row["also_written"].split("|") if s.strip())]
            domain = maps.setdefault(row["domain"], {})
            for spelling in spellings:
                key = value_key(spelling)
                if domain.get(key, row["code"]) != row["code"]:
                    raise ValueError(f"{reference}: '{spelling}' is given to both "
                                     f"{domain[key]} and {row['code']} in {row['domain']}")
                domain[key] = row["code"]
    return maps


def code_for(domain: str, value: str) -> str | None:
    """The code a typed value means in a domain, or None when it cannot be placed: the value's
    words are a known spelling, or start with a code of two or more characters followed by its
    wording ("U6 - Foster placement ...")."""
    known = value_maps()[domain]
    key = value_key(value)
    if key in known:
        return known[key]
    # a one-letter code is not taken from a first word: "N/A" is not N (No)
    first = key.split(" ", 1)[0].upper()
    return first if len(first) > 1 and first in set(known.values()) else None


@dataclass(frozen=True)
class AnnexATables:
    frames: dict[str, pl.DataFrame]
    problems: dict[str, pl.DataFrame]  # QUARANTINE_SCHEMA rows, each reason naming sheet and cell


def read_annex_a(path: Path, extract_date: dt.date | None,
                 council_code: str | None) -> AnnexATables:
    """Every Annex A table of the workbook, read in one pass (cached: the loader asks once per
    list). Raises ContractError for a workbook that cannot be read as Annex A at all."""
    path = Path(path)
    stat = path.stat()
    return _read_cached(str(path.resolve()), stat.st_mtime_ns, stat.st_size, stat.st_ino,
                        extract_date, council_code)


def clear_cache() -> None:
    _read_cached.cache_clear()


@functools.lru_cache(maxsize=4)
def _read_cached(resolved: str, mtime_ns: int, size: int, inode: int,
                 extract_date: dt.date | None, council_code: str | None) -> AnnexATables:
    return _read(Path(resolved), ReadContext(extract_date, council_code))


def _refuse(path: Path, row: int | None, column: str | None, reason: str) -> ContractError:
    return ContractError(path, row, None if column is None else one_line(column), one_line(reason))


def _read(path: Path, context: ReadContext) -> AnnexATables:
    from openpyxl import load_workbook

    if path.stat().st_size == 0:
        raise _refuse(path, None, None, "file is empty")
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a broken workbook
        raise _refuse(path, None, None, f"not readable as XLSX: {exc}") from None
    try:
        sheets: dict[int, str] = {}
        for title in workbook.sheetnames:
            number = list_number(title)
            if number is None:
                continue
            if number in sheets:
                raise _refuse(path, None, None, f"sheets '{sheets[number]}' and '{title}' are both "
                                                f"Annex A list {number}: keep one")
            sheets[number] = title
        wanted = {c.table: list_number(c.sheet) for c in ANNEX_A}
        if not set(wanted.values()) & set(sheets):
            raise _refuse(path, None, None, "no Annex A list sheet (List 1, 3, 4, 5, 7, 8 or 9) "
                                            f"among its sheets {workbook.sheetnames}")
        frames, problems = {}, {}
        for contract in ANNEX_A:
            title = sheets.get(wanted[contract.table])
            if title is None:
                frames[contract.table] = _empty(contract)
                problems[contract.table] = pl.DataFrame(schema=QUARANTINE_SCHEMA)
                continue
            try:
                frames[contract.table], problems[contract.table] = _read_list(
                    path, workbook[title], title, contract, workbook.epoch, context)
            except ContractError:
                raise
            except Exception as exc:  # a sheet's XML broken inside a readable zip
                raise _refuse(path, None, None,
                              f"sheet '{title}' not readable as XLSX: {exc}") from None
    finally:
        workbook.close()
    return AnnexATables(frames, problems)


def _empty(contract: Contract) -> pl.DataFrame:
    schema = {"_row_number": pl.Int64, **{name: pl.String for name in contract.column_names}}
    return pl.DataFrame(schema=schema)


def _columns(path: Path, title: str, number: int, header: tuple,
             contract: Contract) -> dict[str, int]:
    """{contract column: index in the row} for the columns this sheet's header names."""
    keys = [header_key(v) if _has_value(v) else None for v in header]
    found: dict[str, int] = {}
    for column in contract.columns:
        names = {header_key(column.file_header), header_key(column.name),
                 *(header_key(v) for v in HEADER_VARIANTS.get(column.name, ()))}
        at = [i for i, key in enumerate(keys) if key in names]
        if len(at) > 1:
            raise _refuse(path, number, f"{title}!{_cell_text(header[at[1]])}",
                          f"sheet '{title}': two header cells name {column.file_header!r}")
        if at:
            found[column.name] = at[0]
        elif column.required:
            raise _refuse(path, number, f"{title}!{column.file_header}",
                          f"sheet '{title}': required column missing from the header")
    return found


def _date_value(value: object, epoch: dt.datetime) -> str | None:
    value = _from_serial(value, epoch)
    if isinstance(value, dt.datetime):
        return value.date().isoformat()  # a time of day is the case system's, not the event's
    if isinstance(value, dt.date):
        return value.isoformat()
    text = _cell_text(value)
    if text is None:
        return None
    for date_format in TEXT_DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, date_format).date().isoformat()
        except ValueError:
            continue
    return text  # not a date: the cell check quarantines it


def _value(column: Column, value: object, epoch: dt.datetime) -> str | None:
    if column.kind == "date":
        return _date_value(value, epoch)
    text = _cell_text(value)
    if text is None or column.name not in ANNEX_A_DOMAINS:
        return text
    return code_for(ANNEX_A_DOMAINS[column.name], text) or text


def _read_list(path: Path, sheet, title: str, contract: Contract, epoch: dt.datetime,
               context: ReadContext) -> tuple[pl.DataFrame, pl.DataFrame]:
    from openpyxl.utils import get_column_letter

    sheet.reset_dimensions()  # the stated size may be wrong, or stretched by one stray cell
    child_names = {header_key(v) for v in (contract.columns[0].file_header,
                                           *HEADER_VARIANTS["child_id"])}
    columns: dict[str, int] | None = None
    header: tuple = ()
    numbers: list[int] = []
    rows: list[list[str | None]] = []
    for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
        if columns is None:
            if any(_has_value(v) and header_key(v) in child_names for v in row):
                columns, header = _columns(path, title, number, row, contract), row
            elif number >= HEADER_SCAN_ROWS:
                raise _refuse(path, None, f"{title}!{contract.columns[0].file_header}",
                              f"sheet '{title}': no header row naming the child's id "
                              f"({contract.columns[0].file_header!r}) in its first "
                              f"{HEADER_SCAN_ROWS} rows")
            continue
        cells = {name: (row[i] if i < len(row) else None) for name, i in columns.items()}
        if not any(_has_value(v) for v in cells.values()):
            continue
        numbers.append(number)
        rows.append([_value(c, cells[c.name], epoch) if c.name in cells else None
                     for c in contract.columns])
    if columns is None:
        raise _refuse(path, None, f"{title}!{contract.columns[0].file_header}",
                      f"sheet '{title}': no header row naming the child's id "
                      f"({contract.columns[0].file_header!r})")
    frame = pl.DataFrame(rows, schema={n: pl.String for n in contract.column_names}, orient="row")
    frame = frame.insert_column(0, pl.Series("_row_number", numbers, dtype=pl.Int64))
    where = {name: (get_column_letter(i + 1), _cell_text(header[i])) for name, i in columns.items()}
    problems = _cell_problems(frame, contract, context)
    located = [
        (row, column, value,
         f"sheet '{title}' cell {where[column][0]}{row} ({where[column][1]!r}): {reason}"
         if column in where else
         f"sheet '{title}' row {row}, column {column!r} (not in the header): {reason}")
        for row, column, value, reason in problems.iter_rows()
    ]
    return frame, pl.DataFrame(located, schema=QUARANTINE_SCHEMA, orient="row")


__all__ = ["AnnexATables", "HEADER_VARIANTS", "clear_cache", "code_for", "header_key",
           "list_number", "read_annex_a", "value_key", "value_maps"]
