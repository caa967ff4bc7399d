"""The bad-input corpus: a known-good small landing zone with one thing broken, and what happens.

Each case's `make(landing)` writes the good landing zone (HR and audit; social care and education
when the case is about them), breaks one file, and returns the path the error or quarantine record
must name. A file-level case gives the error type, row, column and reason the run stops with; a
row-level case gives the table and exactly which (row, column, reason) are quarantined. Row numbers
are as a person opening the file counts them: the header is row 1. docs/bad_inputs.md lists the
same cases in words; tests/test_bad_inputs.py runs them.
"""

from __future__ import annotations

import datetime as dt
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from openpyxl import load_workbook

from helpers.csc_landing import child, episode, write_903
from helpers.landing_builder import EXTRACT_DATE, write_landing
from scorecard.ingest.cin_xml import DTD_REFUSED
from scorecard.errors import ContractError, LandingError
from scorecard.ingest.sources import audit, education, hr_sap, social_care

D = dt.date
PERIOD_END = D(2023, 6, 30)

STAFF = [
    dict(council_code="916", pers_no="10000001", employee_name="Ann Example", directorate="CYP",
         fte="1", start_date=D(2015, 1, 5)),
    dict(council_code="916", pers_no="10000002", employee_name="Zoë O’Brien", directorate="CYP",
         fte="0.5", start_date=D(2019, 4, 1)),
    dict(council_code="916", pers_no="10000003", employee_name="Bob Smith", directorate="RES",
         fte="1", start_date=D(2020, 9, 1)),
]
ABSENCES = [
    dict(council_code="916", pers_no="10000001", absence_start=D(2023, 5, 2),
         absence_end=D(2023, 5, 5), reason_code="S01"),
    dict(council_code="916", pers_no="10000002", absence_start=D(2023, 6, 12),
         absence_end=D(2023, 6, 13), reason_code="S04"),
]
APPRAISALS = [dict(council_code="916", pers_no="10000001", due_date=D(2023, 1, 31),
                   completed_date=D(2023, 1, 20), entered_on_sap_date=D(2023, 2, 1))]
RIDDOR = [dict(council_code="916", riddor_ref="R-1", directorate="PLC", incident_date=D(2023, 5, 2),
               reported_date=D(2023, 5, 3), category="SPECIFIED_INJURY")]
RECOMMENDATIONS = [
    dict(council_code="916", rec_ref="A1", audit_title="Payroll", directorate="CYP",
         priority="High", raised_date=D(2022, 5, 1), agreed_target_date=D(2022, 12, 31),
         status="Open"),
    dict(council_code="916", rec_ref="A2", audit_title="Placements", directorate="CYP",
         priority="Medium", raised_date=D(2023, 1, 10), agreed_target_date=D(2023, 9, 30),
         status="Open"),
]

# The same files as text, one line per row (the header is row 1, so STAFF_LINES[0] is row 2).
STAFF_HEADER = ",".join(hr_sap.STAFF_IN_POST.column_names)
STAFF_LINES = ["916,10000001,Ann Example,CYP,1,05.01.2015,,",
               "916,10000002,Zoë O’Brien,CYP,0.5,01.04.2019,,",
               "916,10000003,Bob Smith,RES,1,01.09.2020,,"]
ABSENCE_HEADER = ",".join(hr_sap.ABSENCES.column_names)
ABSENCE_LINES = ["916,10000001,02.05.2023,05.05.2023,,S01",
                 "916,10000002,12.06.2023,13.06.2023,,S04"]
EPISODE_HEADER = ",".join(c.file_header for c in social_care.EPISODES.columns)
EPISODE_LINE = "C1,03/04/2023,S,C2,N1,U4,PR1,,,,AB1 2CD,EF3 4GH,"
SECRET = "top secret: never read"

CENSUS = """<?xml version="1.0" encoding="UTF-8"?>
<Message>
  <Header>
    <Source>
      <LEA>916</LEA>
    </Source>
  </Header>
  <Children>
    <Child>
      <ChildIdentifiers>
        <LAchildID>C1</LAchildID>
        <PersonBirthDate>2015-03-27</PersonBirthDate>
      </ChildIdentifiers>
      <CINdetails>
        <CINreferralDate>2023-01-05</CINreferralDate>
      </CINdetails>
    </Child>
  </Children>
</Message>
"""  # <LEA> on line 5, <LAchildID> on line 11, <CINdetails> on line 14
LAUGHS = """<!DOCTYPE Message [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>"""
FORMULA = '=HYPERLINK("http://example.invalid/x","click")'
DIRECTORATE_CODES = "not one of CYP, ADS, PLC, RES, CEX"


@dataclass(frozen=True)
class Case:
    name: str
    make: Callable[[Path], Path]  # writes the landing zone; returns the file (or folder) to name
    table: str  # "<source>__<table>" the case is about
    error: type[Exception] | None = None  # file-level: the run stops with this error...
    row: int | None = None  # ...naming this row (None: no row applies)
    column: str | None = None  # ...and this column (None: no column applies)
    reason: str | None = None  # ...for this reason (ending "…": the reason starts so)
    quarantined: frozenset = frozenset()  # row-level: exactly these (row, column, reason)
    rows_in: int | None = None  # row-level: rows read from the file
    check: Callable | None = None  # further assertions: check(con, path)

    @property
    def source(self) -> str:
        return self.table.split("__")[0]


# ---------------------------------------------------------------------------------------------
# Writing the good landing zone and breaking one file


def good(landing: Path, **changes) -> Path:
    """The good HR and audit extract (keyword arguments replace a table's rows)."""
    tables = dict(staff=STAFF, absences=ABSENCES, appraisals=APPRAISALS, riddor=RIDDOR,
                  recommendations=RECOMMENDATIONS)
    write_landing(landing, **{**tables, **changes})
    return landing


def extract_file(landing: Path, contract, extract_date: str = EXTRACT_DATE) -> Path:
    return landing / contract.source / extract_date / contract.file_name


def sap(contract, header: str, lines: list[str], encoding: str = "cp1252", ending: str = "\r\n",
        prefix: bytes = b"", base: dict | None = None) -> Callable[[Path], Path]:
    """A case whose SAP file is exactly these lines, written over the good landing zone (`base`
    changes other tables of it, as for `good`)."""
    def make(landing: Path) -> Path:
        good(landing, **(base or {}))
        path = extract_file(landing, contract)
        text = "\r\n".join([header, *lines]) + ending
        path.write_bytes(prefix + text.encode(encoding))
        return path
    return make


def staff(*lines: str, **options) -> Callable[[Path], Path]:
    return sap(hr_sap.STAFF_IN_POST, STAFF_HEADER, list(lines), **options)


def absences(*lines: str, **options) -> Callable[[Path], Path]:
    return sap(hr_sap.ABSENCES, ABSENCE_HEADER, list(lines), **options)


def raw_bytes(contract, data: bytes) -> Callable[[Path], Path]:
    def make(landing: Path) -> Path:
        good(landing)
        path = extract_file(landing, contract)
        path.write_bytes(data)
        return path
    return make


def recommendations(*rows: dict, edit: Callable | None = None) -> Callable[[Path], Path]:
    """The workbook with these rows; `edit(sheet)` then changes cells as a person would."""
    def make(landing: Path) -> Path:
        good(landing, recommendations=list(rows))
        path = extract_file(landing, audit.RECOMMENDATIONS)
        if edit:
            workbook = load_workbook(path)
            edit(workbook)
            workbook.save(path)
        return path
    return make


def text_cells(**cells: str) -> Callable:
    """Cells typed as text (a string starting with '=' would otherwise be saved as a formula)."""
    def edit(workbook) -> None:
        sheet = workbook[audit.RECOMMENDATIONS.sheet]
        for cell, value in cells.items():
            sheet[cell].value = value
            sheet[cell].data_type = "s"
    return edit


def huge_title(landing: Path) -> Path:
    """A 5 MB audit title. openpyxl cuts a cell at Excel's 32,767 characters when it writes, so
    the sheet's XML is edited inside the zip, as another tool could have written it."""
    path = recommendations(dict(RECOMMENDATIONS[0], audit_title="x" * 40_000))(landing)
    with zipfile.ZipFile(path) as archive:
        members = {info.filename: archive.read(info) for info in archive.infolist()}
    sheet = "xl/worksheets/sheet1.xml"
    members[sheet] = members[sheet].replace(b"x" * 32_767, b"y" * 5_000_000)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def social_care_folder(landing: Path, council: str = "916") -> Path:
    """The good landing zone plus a small 903 extract (one child, one episode) for `council`."""
    good(landing)
    write_903(landing, header=[child("C1", D(2012, 3, 1))],
              episodes=[episode("C1", D(2023, 4, 3))], council_code=council)
    return landing / social_care.SOURCE / EXTRACT_DATE


def social(contract, header: str, *lines: str, prefix: bytes = b"",
           encoding: str = "utf-8") -> Callable[[Path], Path]:
    """A case whose social care (or education) file is exactly these lines."""
    def make(landing: Path) -> Path:
        social_care_folder(landing)
        path = extract_file(landing, contract)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(prefix + ("\r\n".join([header, *lines]) + "\r\n").encode(encoding))
        return path
    return make


def census(text: str, council: str = "916") -> Callable[[Path], Path]:
    def make(landing: Path) -> Path:
        folder = social_care_folder(landing, council)
        path = folder / "cin_census.xml"
        path.write_bytes(text.encode("utf-8"))
        return path
    return make


def older_folder(landing: Path) -> Path:
    """The HR extract taken the day before the quarter ended, and none since."""
    good(landing)
    folder = landing / "hr_sap" / EXTRACT_DATE
    return folder.rename(folder.with_name("2023-06-29"))


def manifest(council) -> Callable[[Path], Path]:
    def make(landing: Path) -> Path:
        path = social_care_folder(landing) / "extract.json"
        path.write_text(json.dumps({"council_code": council}), encoding="utf-8")
        return path
    return make


def manifest_with_bom(landing: Path) -> Path:
    """extract.json saved by a Windows editor: a UTF-8 byte-order mark before the JSON."""
    folder = social_care_folder(landing)
    (folder / "extract.json").write_bytes(b"\xef\xbb\xbf" + b'{"council_code": "916"}')
    return folder / social_care.HEADER.file_name


def stray_file_named_like_a_date(landing: Path) -> Path:
    """A file (not a folder) in the HR source folder, named like a newer extract date."""
    good(landing)
    path = landing / "hr_sap" / "2099-12-31"
    path.write_text("not an extract\n", encoding="utf-8")
    return path


def hr_manifest(make_staff: Callable[[Path], Path]) -> Callable[[Path], Path]:
    """The HR extract folder also says which council it is for (extract.json)."""
    def make(landing: Path) -> Path:
        path = make_staff(landing)
        (path.parent / "extract.json").write_text('{"council_code": "916"}', encoding="utf-8")
        return path
    return make


def with_secret(landing: Path) -> Path:
    secret = landing.parent / "secret.txt"
    secret.parent.mkdir(parents=True, exist_ok=True)
    secret.write_text(SECRET, encoding="utf-8")
    doctype = f'<!DOCTYPE Message [<!ENTITY xxe SYSTEM "file://{secret}">]>'
    text = CENSUS.replace("<Message>", doctype + "\n<Message>").replace(
        "<LAchildID>C1", "<LAchildID>&xxe;")
    return census(text)(landing)


# An iTrent-like absences export read through a column map (docs/contracts.md, "Column maps"):
# its own headers, reasons in words, dd/mm/yyyy dates, the council named by extract.json.
ITRENT_HEADER = "Person Number,Absence Start Date,Absence End Date,Days Lost,Absence Reason"
ITRENT_ABSENCES = ["10000001,02/05/2023,05/05/2023,4,Sickness - Stress",
                   "10000002,12/06/2023,13/06/2023,2,Sickness - Other"]
ABSENCE_MAP = """\
[absences.columns]
"Person Number" = "pers_no"
"Absence Start Date" = { column = "absence_start", date_format = "dd/mm/yyyy" }
"Absence End Date" = { column = "absence_end", date_format = "dd/mm/yyyy" }
"Days Lost" = "working_days_lost"

[absences.columns."Absence Reason"]
column = "reason_code"
[absences.columns."Absence Reason".values]
"Sickness - Stress" = "S04"
"Sickness - Other" = "S12"
"""


def itrent_absences(*lines: str, header: str = ITRENT_HEADER,
                    map_text: str = ABSENCE_MAP) -> Callable[[Path], Path]:
    """The good landing zone with its absences exported iTrent-style, and the map beside it."""
    def make(landing: Path) -> Path:
        good(landing)
        path = extract_file(landing, hr_sap.ABSENCES)
        path.write_bytes(("\r\n".join([header, *lines]) + "\r\n").encode("utf-8"))
        (path.parent / "extract.json").write_text('{"council_code": "916"}', encoding="utf-8")
        (landing / "hr_sap" / "columns.toml").write_text(map_text, encoding="utf-8")
        return path
    return make


def wrong_map(old: str, new: str) -> Callable[[Path], Path]:
    """The iTrent landing zone with its column map edited wrongly; the map is what is named."""
    def make(landing: Path) -> Path:
        assert old in ABSENCE_MAP
        itrent_absences(*ITRENT_ABSENCES, map_text=ABSENCE_MAP.replace(old, new))(landing)
        return landing / "hr_sap" / "columns.toml"
    return make


# ---------------------------------------------------------------------------------------------
# Further assertions on what was loaded (con: the case's warehouse, read only)


def raw(con, table: str, columns: str, order: str = "_row_number") -> list[tuple]:
    return con.execute(f"SELECT {columns} FROM raw.{table} ORDER BY {order}").fetchall()


def names_decoded(con, path) -> None:
    assert raw(con, "hr_sap__staff_in_post", "employee_name") == [
        ("Ann Example",), ("Zoë O’Brien",), ("Bob Smith",)]


def extra_column_kept(con, path) -> None:
    assert raw(con, "hr_sap__staff_in_post", "cost_centre") == [("C100",), ("C200",), ("C300",)]


def serial_converted(con, path) -> None:
    assert raw(con, "audit__recommendations", "rec_ref, raised_date") == [
        ("A1", "2023-06-30"), ("A2", "2023-01-10")]


def formula_is_text(con, path) -> None:
    assert raw(con, "audit__recommendations", "rec_ref, audit_title") == [("A1", FORMULA)]
    value = con.execute("SELECT value FROM quarantine.rows WHERE column_name = 'directorate'"
                        ).fetchone()[0]
    assert value == FORMULA  # quarantine keeps it verbatim; the defect report CSV escapes it


def sap_formula_is_text(con, path) -> None:
    assert raw(con, "hr_sap__staff_in_post", "employee_name")[1] == ("=cmd|' /C calc'!A0",)


def huge_value_kept_whole(con, path) -> None:
    value, record = con.execute(
        "SELECT value, record FROM quarantine.rows WHERE row_number = 3").fetchone()
    assert value == "y" * 200 + "… (5000000 characters)"  # shown cut in the report...
    assert json.loads(record)["employee_name"] == "y" * 5_000_000  # ...kept whole in the record
    assert raw(con, "hr_sap__staff_in_post", "length(employee_name)") == [(32_767,), (9,)]


def long_accented_name_kept(con, path) -> None:
    # 32,767 characters is 65,534 bytes in UTF-8: within the limit, which counts characters
    assert raw(con, "hr_sap__staff_in_post", "length(employee_name), strlen(employee_name)") == [
        (32_767, 65_534), (9, 9)]


def huge_title_kept_whole(con, path) -> None:
    record = con.execute("SELECT record FROM quarantine.rows").fetchone()[0]
    assert json.loads(record)["audit_title"] == "y" * 5_000_000


def extra_fields_kept(con, path) -> None:
    assert con.execute("SELECT value FROM quarantine.rows").fetchone()[0] == "EXTRA,more"


def blank_lines_keep_row_numbers(con, path) -> None:
    assert raw(con, "hr_sap__staff_in_post", "_row_number, pers_no") == [
        (2, "10000001"), (5, "10000002"), (6, "10000003")]


def values_trimmed(con, path) -> None:
    columns = "council_code, pers_no, directorate, fte, start_date"
    assert raw(con, "hr_sap__staff_in_post", columns)[1] == ("916", "10000002", "CYP", "0.5",
                                                            "01.04.2019")


def scheduled_dates_kept(con, path) -> None:
    # a leaving date agreed ahead is not an event: the leaver still loads
    leaver = raw(con, "hr_sap__staff_in_post", "pers_no, leaving_date")[1]
    assert leaver == ("10000002", "31.08.2023")


def bom_dropped(con, path) -> None:
    assert raw(con, "social_care__header", "council_code, child, sex") == [("916", "C1", "1")]


def mapped_to_the_contract(con, path) -> None:
    # our columns, codes and dd.mm.yyyy dates in raw; the council code from extract.json
    assert raw(con, "hr_sap__absences", "_row_number, council_code, pers_no, absence_start, "
                                        "absence_end, working_days_lost, reason_code") == [
        (2, "916", "10000001", "02.05.2023", "05.05.2023", "4", "S04"),
        (3, "916", "10000002", "12.06.2023", "13.06.2023", "2", "S12")]


def cell(reference: str, value: str) -> Callable:
    """One cell of the recommendations sheet typed by someone (e.g. a stray value far away)."""
    def edit(workbook) -> None:
        workbook[audit.RECOMMENDATIONS.sheet][reference] = value
    return edit


def only_the_contract_columns(con, path) -> None:
    columns = {r[0] for r in con.execute(
        "SELECT column_name FROM duckdb_columns() WHERE schema_name = 'raw' "
        "AND table_name = 'audit__recommendations'").fetchall()}
    assert columns == {*audit.RECOMMENDATIONS.column_names, "_row_number", "_load_id",
                       "_source_file"}  # not 16,384 columns padded out to XFD
    assert raw(con, "audit__recommendations", "rec_ref") == [("A1",)]


def children_by_position(con, path) -> None:
    assert raw(con, "social_care__cin_children", "_row_number, la_child_id") == [
        (1, "C1"), (2, "C2")]


def separators_are_blank(con, path) -> None:
    assert raw(con, "hr_sap__staff_in_post", "pers_no, leaving_date, leaving_reason")[1] == (
        "10000002", None, None)


# CENSUS with its one <CINdetails> wrapped in an element the schema does not have: the
# referral moves to line 15 (issue 11, item 1).
NESTED_REFERRAL = CENSUS.replace(
    "      <CINdetails>\n        <CINreferralDate>2023-01-05</CINreferralDate>\n      </CINdetails>\n",
    "      <Referrals>\n      <CINdetails>\n        <CINreferralDate>2023-01-05</CINreferralDate>\n"
    "      </CINdetails>\n      </Referrals>\n")
OUT_OF_PLACE = "element out of place (the CIN census schema has it at {}): not read"


# ---------------------------------------------------------------------------------------------
# The corpus

STAFF_TABLE, ABSENCE_TABLE = "hr_sap__staff_in_post", "hr_sap__absences"
RECS_TABLE = "audit__recommendations"
FIELDS = "row has {} fields, the header has 8"
SAP_DATE = "not a valid date (dd.mm.yyyy)"
WHOLE = "not a whole number (at most 9 digits)"


def one(row: int, column: str, reason: str) -> frozenset:
    return frozenset({(row, column, reason)})


CASES: list[Case] = [
    # --- file-level: the run stops, naming file, row and column -------------------------------
    Case("truncated_in_a_quoted_field",
         staff(STAFF_LINES[0], '916,10000002,"Zoë O’Brien,CYP,0.5,01.04.2019,,', ending=""),
         STAFF_TABLE, ContractError, 3, "employee_name",
         "a quoted field is never closed: the file looks cut short"),
    Case("truncated_mid_row",
         staff(STAFF_LINES[0], STAFF_LINES[1], "916,10000003,Bob Sm", ending=""),
         STAFF_TABLE, ContractError, 4, "directorate",
         "the file ends in the middle of this row (3 of 8 fields): it looks cut short"),
    Case("empty_file", raw_bytes(hr_sap.ABSENCES, b""), ABSENCE_TABLE, ContractError, None, None,
         "file is empty"),
    Case("blank_file", raw_bytes(hr_sap.ABSENCES, b"\r\n   \r\n"), ABSENCE_TABLE, ContractError,
         None, None, "file is empty"),
    Case("byte_order_mark_only", raw_bytes(hr_sap.ABSENCES, b"\xef\xbb\xbf"), ABSENCE_TABLE,
         ContractError, None, None, "file is empty"),
    Case("byte_not_in_cp1252",
         staff(STAFF_LINES[0], "916,10000002,Bad \x81 byte,CYP,0.5,01.04.2019,,",
               encoding="latin-1"),
         STAFF_TABLE, ContractError, 3, None,
         "byte 0x81 is not valid cp1252, in column 'employee_name'"),
    Case("utf16_with_bom", staff(*STAFF_LINES, encoding="utf-16"), STAFF_TABLE, ContractError, 1,
         None, "file is UTF-16 (it starts with a UTF-16 byte order mark): export it as cp1252"),
    Case("utf16_without_bom", staff(*STAFF_LINES, encoding="utf-16-le"), STAFF_TABLE,
         ContractError, 1, None,
         "a NUL byte: not a text file (UTF-16 without a byte order mark?), in field 1"),
    Case("windows_1252_in_a_utf8_file",
         social(social_care.ALLOCATIONS, "council_code,allocation_id,child_id,worker_id,start_date,"
                "end_date", "916,AL1,C1,Renée Dupont,2023-04-03,", encoding="cp1252"),
         "social_care__allocations", ContractError, 2, None,
         "byte 0xe9 is not valid utf-8, in column 'worker_id'"),
    Case("missing_column",
         sap(hr_sap.ABSENCES, ABSENCE_HEADER.removesuffix(",reason_code"),
             [line.rsplit(",", 1)[0] for line in ABSENCE_LINES]),
         ABSENCE_TABLE, ContractError, 1, "reason_code", "required column missing from the header"),
    Case("duplicated_header",
         sap(hr_sap.STAFF_IN_POST, STAFF_HEADER + ",fte", [line + ",1" for line in STAFF_LINES]),
         STAFF_TABLE, ContractError, 1, "fte", "column appears twice in the header"),
    Case("903_missing_column",
         social(social_care.EPISODES, EPISODE_HEADER.replace(",LS,", ","),
                EPISODE_LINE.replace(",C2,", ",")),
         "social_care__episodes", ContractError, 1, "LS",
         "required column missing from the header"),
    Case("workbook_cut_short",
         lambda landing: _cut(recommendations(*RECOMMENDATIONS)(landing)),
         RECS_TABLE, ContractError, None, None, "not readable as XLSX: File is not a zip file"),
    Case("workbook_sheet_renamed",
         recommendations(*RECOMMENDATIONS, edit=lambda wb: setattr(wb.active, "title", "Sheet1")),
         RECS_TABLE, ContractError, None, None, "sheet 'Recommendations' not found"),
    Case("malformed_xml", census(CENSUS.replace("C1</LAchildID>", "C1</LAchildId>")),
         "social_care__cin_children", ContractError, 11, None, "not well-formed XML: …"),
    Case("xml_external_entity", with_secret, "social_care__cin_children", ContractError, 2, None,
         DTD_REFUSED),
    Case("xml_billion_laughs", census(CENSUS.replace("<Message>", LAUGHS + "\n<Message>")),
         "social_care__cin_children", ContractError, 2, None, DTD_REFUSED),
    Case("xml_external_dtd_after_a_comment",
         census(CENSUS.replace("<Message>", "<!-- exported by the CMS -->\n<!DOCTYPE Message "
                               'SYSTEM "http://example.invalid/cin.dtd">\n<Message>')),
         "social_care__cin_children", ContractError, 3, None, DTD_REFUSED),
    Case("xml_for_another_council", census(CENSUS.replace("<LEA>916", "<LEA>999")),
         "social_care__cin_children", ContractError, 5, "LEA",
         "file is for council 999, extract.json says 916"),
    Case("xml_empty", census(""), "social_care__cin_children", ContractError, None, None,
         "file is empty"),
    Case("extract_before_the_period_end", older_folder, STAFF_TABLE, LandingError, None, None,
         "extract dated 2023-06-29, before the period end 2023-06-30; a run needs an extract "
         "taken on or after the period end"),
    Case("file_named_like_an_extract_date", stray_file_named_like_a_date, STAFF_TABLE,
         LandingError, None, None, "a file named like an extract date; an extract is a folder "
         "of files (move the file into one, or remove it)"),
    Case("manifest_council_not_a_code", manifest("96"), "social_care__header", ContractError, None,
         "council_code", "'96' is not a three-digit LA code"),

    # --- row-level: the row is quarantined with its reason, the run goes on --------------------
    Case("header_only", absences(), ABSENCE_TABLE, rows_in=0),
    Case("utf8_in_a_windows_1252_file", staff(*STAFF_LINES, encoding="utf-8"), STAFF_TABLE,
         rows_in=3, check=names_decoded),
    Case("utf8_bom_on_a_sap_file", staff(*STAFF_LINES, encoding="utf-8", prefix=b"\xef\xbb\xbf"),
         STAFF_TABLE, rows_in=3, check=names_decoded),
    Case("903_file_with_bom",
         social(social_care.HEADER, "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB",
                "C1,1,01/03/2012,WBRI,,,", prefix=b"\xef\xbb\xbf"),
         "social_care__header", rows_in=1, check=bom_dropped),
    Case("manifest_with_a_byte_order_mark", manifest_with_bom, "social_care__header", rows_in=1),
    Case("extra_column",
         sap(hr_sap.STAFF_IN_POST, STAFF_HEADER + ",cost_centre",
             [f"{line},C{n}00" for n, line in enumerate(STAFF_LINES, start=1)]),
         STAFF_TABLE, rows_in=3, check=extra_column_kept),
    Case("duplicate_key", staff(*STAFF_LINES, "916,10000001,Ann Again,CYP,1,05.01.2015,,"),
         STAFF_TABLE, rows_in=4, quarantined=frozenset(
             (row, "council_code, pers_no", "duplicate key: 2 rows share it (first at row 2)")
             for row in (2, 5))),
    Case("duplicate_key_in_disguise",
         social(social_care.EPISODES, EPISODE_HEADER, EPISODE_LINE,
                EPISODE_LINE.replace("03/04/2023", "3/4/2023").replace(",U4,", ",U5,")),
         "social_care__episodes", rows_in=2, quarantined=frozenset(
             (row, "council_code, child, decom", "duplicate key: 2 rows share it (first at row 2)")
             for row in (2, 3))),
    Case("date_not_a_date", absences(ABSENCE_LINES[0], "916,10000002,yesterday,,,S04"),
         ABSENCE_TABLE, rows_in=2, quarantined=one(3, "absence_start", SAP_DATE)),
    Case("impossible_date", absences(ABSENCE_LINES[0], "916,10000002,31.02.2023,,,S04"),
         ABSENCE_TABLE, rows_in=2, quarantined=one(3, "absence_start", SAP_DATE)),
    Case("two_digit_year", absences(ABSENCE_LINES[0], "916,10000002,12.06.23,,,S04"),
         ABSENCE_TABLE, rows_in=2, quarantined=one(3, "absence_start", SAP_DATE)),
    Case("date_in_another_format", absences(ABSENCE_LINES[0], "916,10000002,2023-06-12,,,S04"),
         ABSENCE_TABLE, rows_in=2, quarantined=one(3, "absence_start", SAP_DATE)),
    Case("excel_serial_date",
         recommendations(dict(RECOMMENDATIONS[0], raised_date=45107), RECOMMENDATIONS[1]),
         RECS_TABLE, rows_in=2, check=serial_converted),
    Case("excel_serial_out_of_range",
         recommendations(dict(RECOMMENDATIONS[0], raised_date=10 ** 9), RECOMMENDATIONS[1]),
         RECS_TABLE, rows_in=2,
         quarantined=one(2, "raised_date", "not a valid date (yyyy-mm-dd or dd/mm/yyyy)")),
    Case("negative_fte", staff(STAFF_LINES[0], "916,10000002,Zoë O’Brien,CYP,-0.5,01.04.2019,,"),
         STAFF_TABLE, rows_in=2, quarantined=one(3, "fte", "must be greater than 0")),
    Case("fte_over_one", staff(STAFF_LINES[0], "916,10000002,Zoë O’Brien,CYP,1.5,01.04.2019,,"),
         STAFF_TABLE, rows_in=2, quarantined=one(3, "fte", "must be at most 1")),
    Case("fte_with_a_decimal_comma",
         staff(STAFF_LINES[0], '916,10000002,Zoë O’Brien,CYP,"0,5",01.04.2019,,'),
         STAFF_TABLE, rows_in=2, quarantined=one(3, "fte", "not a number")),
    Case("unknown_directorate",
         staff(STAFF_LINES[0], "916,10000002,Zoë O’Brien,XYZ,0.5,01.04.2019,,"),
         STAFF_TABLE, rows_in=2, quarantined=one(3, "directorate", DIRECTORATE_CODES)),
    Case("required_value_missing", absences(ABSENCE_LINES[0], "916,10000002,12.06.2023,,,"),
         ABSENCE_TABLE, rows_in=2, quarantined=one(3, "reason_code", "required value missing")),
    Case("unknown_903_legal_status",
         social(social_care.EPISODES, EPISODE_HEADER, EPISODE_LINE.replace(",C2,", ",Z9,")),
         "social_care__episodes", rows_in=1, quarantined=one(
             2, "ls", "not one of C1, C2, D1, E1, J1, J2, J3, L1, L2, L3, V2, V3, V4")),
    Case("903_date_in_iso_format",
         social(social_care.EPISODES, EPISODE_HEADER,
                EPISODE_LINE.replace("03/04/2023", "2023-04-03")),
         "social_care__episodes", rows_in=1,
         quarantined=one(2, "decom", "not a valid date (dd/mm/yyyy)")),
    Case("cin_element_not_a_date", census(CENSUS.replace("2023-01-05", "2023-02-30")),
         "social_care__cin_referrals", rows_in=1,
         quarantined=one(14, "cin_referral_date", "not a valid date (yyyy-mm-dd)")),
    Case("attendance_out_of_range",
         social(education.ATTENDANCE, ",".join(education.ATTENDANCE.column_names),
                "916,C1,2023-05,40,-2", "916,C1,2023-13,40,2"),
         "education__attendance", rows_in=2, quarantined=frozenset({
             (2, "sessions_missed", "must be at least 0"),
             (3, "month", "does not match ^(19|20)[0-9]{2}-(0[1-9]|1[0-2])$")})),
    Case("attendance_numbers_a_float_parser_takes",
         social(education.ATTENDANCE, ",".join(education.ATTENDANCE.column_names),
                "916,C1,2023-05,Infinity,2", "916,C1,2023-06,NaN,0", "916,C1,2023-07,1e3,0",
                "916,C1,2023-08,40,99999999999999999999", "916,C1,2023-09,38.5,0",
                "916,C1,2023-10,+40,007", "916,C1,2023-11,40,-0"),
         "education__attendance", rows_in=7, quarantined=frozenset({
             (2, "sessions_possible", WHOLE), (3, "sessions_possible", WHOLE),
             (4, "sessions_possible", WHOLE), (5, "sessions_missed", WHOLE),
             (6, "sessions_possible", WHOLE)})),
    Case("full_width_digits_in_codes",
         staff(STAFF_LINES[0], "９１６,10000002,Zoë O’Brien,CYP,0.5,01.04.2019,,",
               "916,１0000003,Bob Smith,RES,1,01.09.2020,,", encoding="utf-8"),
         STAFF_TABLE, rows_in=3, quarantined=frozenset({
             (3, "council_code", "does not match ^[0-9]{3}$"),
             (4, "pers_no", "does not match ^[0-9]{8}$")})),
    Case("sap_dates_with_single_digit_day_and_month",
         absences(ABSENCE_LINES[0], "916,10000002,1.6.2023,2.6.2023,,S04"),
         ABSENCE_TABLE, rows_in=2),
    Case("formula_text_in_the_workbook",
         recommendations(*RECOMMENDATIONS, edit=text_cells(C2=FORMULA, D3=FORMULA)),
         RECS_TABLE, rows_in=2, quarantined=one(3, "directorate", DIRECTORATE_CODES),
         check=formula_is_text),
    Case("formula_text_in_a_sap_file",
         staff(STAFF_LINES[0], "916,10000002,=cmd|' /C calc'!A0,CYP,0.5,01.04.2019,,"),
         STAFF_TABLE, rows_in=2, check=sap_formula_is_text),
    Case("another_councils_rows",
         hr_manifest(staff(*STAFF_LINES[:1], "999,10000002,Zoë O’Brien,CYP,0.5,01.04.2019,,")),
         STAFF_TABLE, rows_in=2,
         quarantined=one(3, "council_code", "council code 999, but the extract is for 916")),
    Case("event_after_the_extract_date",
         absences(ABSENCE_LINES[0], "916,10000002,10.07.2023,,,S04", base=dict(staff=[
             STAFF[0], dict(STAFF[1], leaving_date=D(2023, 8, 31), leaving_reason="RES")])),
         ABSENCE_TABLE, rows_in=2,
         quarantined=one(3, "absence_start", "after the extract date 2023-07-07"),
         check=scheduled_dates_kept),
    Case("huge_field_in_a_csv",
         staff("916,10000001," + "x" * 32_767 + ",CYP,1,05.01.2015,,",
               "916,10000002," + "y" * 5_000_000 + ",CYP,0.5,01.04.2019,,", STAFF_LINES[2]),
         STAFF_TABLE, rows_in=3, quarantined=one(
             3, "employee_name", "5000000 characters, more than the 32767 a field may hold"),
         check=huge_value_kept_whole),
    Case("huge_field_counted_in_characters_not_bytes",
         staff("916,10000001," + "é" * 32_767 + ",CYP,1,05.01.2015,,",
               "916,10000002," + "ö" * 32_768 + ",CYP,0.5,01.04.2019,,", STAFF_LINES[2]),
         STAFF_TABLE, rows_in=3, quarantined=one(
             3, "employee_name", "32768 characters, more than the 32767 a field may hold"),
         check=long_accented_name_kept),
    Case("huge_field_in_the_workbook", huge_title, RECS_TABLE, rows_in=1, quarantined=one(
        2, "audit_title", "5000000 characters, more than the 32767 a field may hold"),
         check=huge_title_kept_whole),
    Case("row_with_too_many_fields",
         staff(STAFF_LINES[0], "916,10000002,Zoë O’Brien,CYP,0.5,01.04.2019,,,EXTRA,more",
               STAFF_LINES[2]),
         STAFF_TABLE, rows_in=3, quarantined=one(3, "field 9", FIELDS.format(10)),
         check=extra_fields_kept),
    Case("row_with_too_few_fields",
         staff(STAFF_LINES[0], "916,10000002,Zoë O’Brien,CYP,0.5", STAFF_LINES[2]),
         STAFF_TABLE, rows_in=3, quarantined=one(3, "start_date", FIELDS.format(5))),
    Case("blank_lines_in_the_middle", staff(STAFF_LINES[0], "", ",,,,,,,", *STAFF_LINES[1:]),
         STAFF_TABLE, rows_in=3, check=blank_lines_keep_row_numbers),
    Case("whitespace_around_codes",
         staff(STAFF_LINES[0], " 916 , 10000002 ,Zoë O’Brien, CYP ,0.5 , 01.04.2019 ,,",
               STAFF_LINES[2]),
         STAFF_TABLE, rows_in=3, check=values_trimmed),

    # --- issue 11: readers (items 1, 5, 13 and what fuzzing found) -----------------------------
    # a <CINdetails> wrapped one level deeper: counted (rows in 1) and quarantined, never lost
    Case("cin_referral_nested_one_level_deeper", census(NESTED_REFERRAL),
         "social_care__cin_referrals", rows_in=1, quarantined=one(
             15, "CINdetails", OUT_OF_PLACE.format("Message/Children/Child/CINdetails"))),
    # an element directly inside <Message> holding elements: a quarantined row of cin_children
    # (line 8), beside the one child C1 (line 10), which loads
    Case("cin_unknown_element_holding_elements_under_message",
         census(CENSUS.replace("  <Children>", "  <Archive><Kid><Id>C9</Id></Kid></Archive>\n"
                               "  <Children>")),
         "social_care__cin_children", rows_in=2, quarantined=one(
             8, "Archive", "<Message> holds <Archive>, which the CIN census schema does not put "
                           "there: what it holds is not read")),
    # two children on line 1: lines cannot tell them apart, so rows are numbered by position
    # (C1 is the 1st <Child>, row 1; C2 the 2nd, row 2); both load
    Case("cin_census_on_one_line",
         census(CENSUS.replace("  </Children>", "<Child><ChildIdentifiers><LAchildID>C2"
                               "</LAchildID></ChildIdentifiers></Child></Children>")
                .replace("\n", "")),
         "social_care__cin_children", rows_in=2, check=children_by_position),
    Case("cin_nested_deeper_than_the_parser_allows",
         census(CENSUS.replace("  <Header>\n", "  <Header>\n" + "<Deep>" * 300 + "</Deep>" * 300
                               + "\n")),
         "social_care__cin_children", ContractError, 4, None,
         "not well-formed XML: Excessive depth in document: 256…"),
    # one stray value at XFD1048576 (the sheet's last cell): refused in a second, naming the cell
    Case("workbook_stray_cell_at_XFD1048576",
         recommendations(*RECOMMENDATIONS, edit=cell("XFD1048576", "x")), RECS_TABLE,
         ContractError, 1_048_576, "XFD",
         "a value below row 1,000,001: a sheet is read up to 1,000,000 rows under its header; "
         "clear the cell if it is stray, or split the file"),
    Case("workbook_header_cell_at_XFD1",
         recommendations(*RECOMMENDATIONS, edit=cell("XFD1", "Notes")), RECS_TABLE,
         ContractError, 1, "XFD",
         "a header cell in column XFD: a sheet is read up to column 1000 (ALL); clear the cell "
         "if it is stray"),
    # a stray value right of the header on row 3: that row is quarantined (as a CSV row with
    # too many fields), row 2 loads, and no row is padded out to 16,384 columns
    Case("workbook_stray_cell_right_of_the_header",
         recommendations(*RECOMMENDATIONS, edit=cell("XFD3", "stray")), RECS_TABLE, rows_in=2,
         quarantined=one(3, "column XFD",
                         "a value in column XFD, right of the header's last column (11 columns)"),
         check=only_the_contract_columns),
    # found by fuzzing: ASCII separators (0x1f, 0x1c) are whitespace to the row-by-row reader
    # but were kept by polars' fast path, so this plain file's leaving date was "not a date"
    # found by fuzzing: a header name holding a line break, sent twice, broke the one-line
    # message; the name is shown escaped
    Case("header_name_with_a_line_break_twice",
         sap(hr_sap.STAFF_IN_POST, STAFF_HEADER + ',"a\nb","a\nb"',
             [line + ",1,2" for line in STAFF_LINES]),
         STAFF_TABLE, ContractError, 1, "a\\nb", "column appears twice in the header"),
    # --- issue 13, item 1: a council's own layout through a column map ------------------------
    Case("itrent_absences_through_a_column_map", itrent_absences(*ITRENT_ABSENCES),
         ABSENCE_TABLE, rows_in=2, check=mapped_to_the_contract),
    Case("itrent_header_typo",
         itrent_absences(*ITRENT_ABSENCES, "10000003,03/07/2023,04/07/2023,2,Sickness - Other",
                         header=ITRENT_HEADER.replace("Start", "Strt")),
         ABSENCE_TABLE, ContractError, 1, "Absence Start Date",
         "required column missing from the header (columns.toml maps it to absence_start; "
         "the header has 'Absence Strt Date')"),
    Case("itrent_value_not_in_the_map",
         itrent_absences(ITRENT_ABSENCES[0], "10000002,12/06/2023,13/06/2023,2,Sickness - Flu",
                         ITRENT_ABSENCES[1].replace("12/06", "19/06").replace("13/06", "20/06")),
         ABSENCE_TABLE, rows_in=3, quarantined=one(
             3, "reason_code", "not in the value map of columns.toml, in the file's column "
                               "'Absence Reason'")),
    Case("itrent_date_not_in_the_maps_format",
         itrent_absences(ITRENT_ABSENCES[0], "10000002,2023-06-12,13/06/2023,2,Sickness - Other"),
         ABSENCE_TABLE, rows_in=2, quarantined=one(
             3, "absence_start", "not a valid date (dd/mm/yyyy), in the file's column "
                                 "'Absence Start Date'")),
    Case("itrent_contract_check_after_mapping",
         itrent_absences(ITRENT_ABSENCES[0], "10000002,12/06/2023,13/06/2023,-2,Sickness - Other"),
         ABSENCE_TABLE, rows_in=2, quarantined=one(
             3, "working_days_lost", "must be at least 0, in the file's column 'Days Lost'")),
    Case("itrent_row_with_too_few_fields",
         itrent_absences(ITRENT_ABSENCES[0], "10000002,12/06/2023"),
         ABSENCE_TABLE, rows_in=2, quarantined=one(
             3, "absence_end", "row has 2 fields, the header has 5, in the file's column "
                               "'Absence End Date'")),
    Case("itrent_duplicate_key_in_another_date_style",
         itrent_absences(*ITRENT_ABSENCES, "10000002,12/6/2023,14/06/2023,3,Sickness - Other"),
         ABSENCE_TABLE, rows_in=3, quarantined=frozenset(
             (row, "council_code, pers_no, absence_start",
              "duplicate key: 2 rows share it (first at row 3), in the file's columns "
              "'Person Number', 'Absence Start Date'") for row in (3, 4))),
    Case("itrent_header_also_under_our_name",
         itrent_absences(*[line + ",x" for line in ITRENT_ABSENCES],
                         header=ITRENT_HEADER + ",pers_no"),
         ABSENCE_TABLE, ContractError, 1, "pers_no",
         "column pers_no is in the header, and columns.toml maps 'Person Number' onto it too"),
    Case("column_map_not_toml", wrong_map('"Days Lost" = "working_days_lost"',
                                          '"Days Lost" = working_days_lost'),
         ABSENCE_TABLE, ContractError, None, None, "not valid TOML: …"),
    Case("column_map_unknown_table", wrong_map("[absences.columns]", "[absence.columns]"),
         ABSENCE_TABLE, ContractError, None, "absence",
         "unknown table: hr_sap has staff_in_post, absences, appraisals, riddor_reports"),
    Case("column_map_unknown_target_column",
         wrong_map('column = "absence_start"', 'column = "absense_start"'),
         ABSENCE_TABLE, ContractError, None, "absences.Absence Start Date",
         "maps to 'absense_start', not a column of absences (council_code, pers_no, "
         "absence_start, absence_end, working_days_lost, reason_code)"),
    Case("column_map_two_headers_onto_one_column",
         wrong_map('"Days Lost" = "working_days_lost"',
                   '"Days Lost" = "working_days_lost"\n"Lost Days" = "working_days_lost"'),
         ABSENCE_TABLE, ContractError, None, "absences.Lost Days",
         "'Days Lost' and 'Lost Days' both map to working_days_lost"),
    Case("column_map_value_onto_a_code_the_contract_lacks",
         wrong_map('"Sickness - Stress" = "S04"', '"Sickness - Stress" = "S4"'),
         ABSENCE_TABLE, ContractError, None, "absences.Absence Reason",
         "values maps onto 'S4', not one of S01, S02, S03, S04, S05, S06, S07, S08, S09, S10, "
         "S11, S12"),
    Case("column_map_date_format_not_a_date_format",
         wrong_map('"Absence End Date" = { column = "absence_end", date_format = "dd/mm/yyyy" }',
                   '"Absence End Date" = { column = "absence_end", date_format = "dd/mm/yy" }'),
         ABSENCE_TABLE, ContractError, None, "absences.Absence End Date",
         "date_format 'dd/mm/yy' is not a date format such as dd/mm/yyyy, d.m.yyyy or "
         "yyyy-mm-dd"),
    Case("column_map_date_format_on_a_code_column",
         wrong_map('column = "reason_code"', 'column = "reason_code"\ndate_format = "dd/mm/yyyy"'),
         ABSENCE_TABLE, ContractError, None, "absences.Absence Reason",
         "date_format given, but reason_code is not a date column"),
    Case("ascii_separator_characters_as_blank_values",
         staff(STAFF_LINES[0], "916,10000002,Zoë O’Brien,CYP,0.5,01.04.2019,\x1f,\x1c",
               STAFF_LINES[2]),
         STAFF_TABLE, rows_in=3, check=separators_are_blank),
]


def _cut(path: Path) -> Path:
    """The workbook cut off half-way, as an interrupted copy leaves it."""
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path
