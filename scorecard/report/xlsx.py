"""The quarter's scorecard as an XLSX workbook, from the published database alone.

One sheet per scorecard (the report's scorecard and service: "Children's Social Care", "Good
Management"), laid out like the seed report: a heading, then each section with its column
headers (good performance, reporting basis, the four previous quarters, actual, target, symbol,
status, direction of travel, comments, comparator). Figures are numbers at the KPI's decimals
(percentages as Excel percentages); the status is in words, and conditional formatting colours
it by those words. Every text cell goes through `scorecard.spreadsheet_safe.escape_formula`, so a comment
such as `=HYPERLINK(...)` is text, never a formula.
"""

from __future__ import annotations

import datetime as dt
import re
import textwrap
from pathlib import Path

from openpyxl import Workbook
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from scorecard.spreadsheet_safe import escape_formula
from scorecard.report.committee import (
    CommitteeData,
    KpiRow,
    Scorecard,
    direction,
    load_committee_data,
)

STATUS_COLOURS = {  # status: (fill, font) — the HTML report's colours
    "better_than_target": ("D3ECD9", "0F4D22"),
    "worse_than_target": ("FFF0C2", "5C4200"),
    "significantly_worse_than_target": ("F9D6D9", "7A1020"),
    "no_information": ("ECEEF0", "333333"),
    "missing_target": ("ECEEF0", "333333"),
    "no_value": ("ECEEF0", "333333"),
}
HEAD_FILL = PatternFill("solid", start_color="E8EDF3", end_color="E8EDF3")
SECTION_FILL = PatternFill("solid", start_color="1D3A5F", end_color="1D3A5F")
THIN = Side(style="thin", color="B8B8B8")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="top")
SYMBOL_COLUMN, STATUS_COLUMN = 10, 11  # J, K
WIDTHS = (48, 13, 13, 9, 9, 9, 9, 10, 10, 7, 26, 18, 18, 60, 11, 12)  # P: "Comparator" whole
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def number_format(unit: str, decimals: int) -> str:
    decimals = max(int(decimals or 0), 0)
    base = "0" + ("." + "0" * decimals if decimals else "")
    return base + "%" if unit == "percent" else base


def cell_number(value: float | None, unit: str) -> float | None:
    """A published figure as the cell holds it: percentages as fractions (48.0 → 0.48)."""
    if value is None:
        return None
    return value / 100 if unit == "percent" else value


def sheet_title(card: Scorecard, taken: set[str]) -> str:
    name = _BAD_SHEET_CHARS.sub(" ", card.service or card.scorecard).strip().strip("'")
    name = (name or "Scorecard")[:31]
    candidate, n = name, 2
    while candidate.lower() in taken or candidate.lower() == "history":
        suffix = f" ({n})"
        candidate, n = name[:31 - len(suffix)] + suffix, n + 1
    taken.add(candidate.lower())
    return candidate


def _text(ws, row: int, column: int, value: object, **style):
    """Every text cell is escaped against formula injection."""
    cell = ws.cell(row=row, column=column,
                   value=None if value is None else escape_formula(value))
    for name, setting in style.items():
        setattr(cell, name, setting)
    return cell


def _number(ws, row: int, column: int, value: float | None, kpi: KpiRow):
    cell = ws.cell(row=row, column=column, value=cell_number(value, kpi.unit))
    cell.number_format = number_format(kpi.unit, kpi.decimals)
    cell.alignment = Alignment(horizontal="right", vertical="top")
    cell.border = BORDER
    return cell


def _headers(data: CommitteeData) -> list[str]:
    return ["Measure", "Good Performance High/Low", "Reporting Basis", *data.previous_labels,
            f"Actual {data.period_label}", f"Target {data.period_label}", "Symbol", "Status",
            "Direction vs last quarter", "Direction vs last year", "Comments", "Comparator Group",
            "Comparator year"]


def _travel(value: str | None) -> str:
    arrow, words, css = direction(value)
    return "No figure to compare" if css == "dir-none" else f"{arrow} {words}"


def _write_sheet(ws, data: CommitteeData, card: Scorecard, period_end_text: str) -> None:
    headers = _headers(data)
    _text(ws, 1, 1, card.title, font=Font(bold=True, size=14, color="1D3A5F"))
    _text(ws, 2, 1, f"{data.quarter_title} · quarter ending {period_end_text} · "
                    f"{data.council}", font=Font(bold=True))
    _text(ws, 3, 1, "From the published scorecard database; the four previous quarters as "
                    "published for those quarters.", font=Font(italic=True, color="4A4A4A"))
    row = 5
    first_status_row = None
    for section in card.sections:
        _text(ws, row, 1, section.title, font=Font(bold=True, color="FFFFFF"), fill=SECTION_FILL)
        for column in range(2, len(headers) + 1):
            ws.cell(row=row, column=column).fill = SECTION_FILL
        row += 1
        for column, header in enumerate(headers, start=1):
            _text(ws, row, column, header, font=Font(bold=True), fill=HEAD_FILL, border=BORDER,
                  alignment=Alignment(wrap_text=True, vertical="bottom"))
        _fit_row_height(ws, row)  # "Good Performance High/Low" is three lines
        row += 1
        for kpi in section.rows:
            first_status_row = first_status_row or row
            _text(ws, row, 1, kpi.title, alignment=WRAP, border=BORDER, font=Font(bold=True))
            _text(ws, row, 2, kpi.good_performance, alignment=WRAP, border=BORDER)
            _text(ws, row, 3, kpi.reporting_basis, alignment=WRAP, border=BORDER)
            for offset, (_, value) in enumerate(kpi.previous):
                _number(ws, row, 4 + offset, value, kpi)
            _number(ws, row, 8, kpi.actual, kpi).font = Font(bold=True)
            _number(ws, row, 9, kpi.target, kpi)
            _text(ws, row, SYMBOL_COLUMN, kpi.symbol, border=BORDER,
                  alignment=Alignment(horizontal="center", vertical="top"))
            _text(ws, row, STATUS_COLUMN, kpi.status_label, alignment=WRAP, border=BORDER,
                  font=Font(bold=True))
            _text(ws, row, 12, _travel(kpi.direction_vs_prev_quarter), alignment=WRAP,
                  border=BORDER)
            _text(ws, row, 13, _travel(kpi.direction_vs_prev_year), alignment=WRAP,
                  border=BORDER)
            comment = kpi.comment
            if comment and kpi.comment_drafted:
                comment = f"Drafted from the figures: {comment}"
            _text(ws, row, 14, comment, alignment=WRAP, border=BORDER)
            # the comparator column holds numbers only (a blank where there is none), so that
            # a spreadsheet can sum, sort and chart it; the year column says why it is blank
            _number(ws, row, 15, kpi.comparator, kpi)
            _text(ws, row, 16, kpi.comparator_year if kpi.comparator is not None
                  else "no comparator", border=BORDER, alignment=WRAP)
            _fit_row_height(ws, row)
            row += 1
        row += 1
    # the key, whose status words the same rules colour
    _text(ws, row, 1, "Key to Symbols", font=Font(bold=True))
    for entry in data.status_key:
        row += 1
        _text(ws, row, SYMBOL_COLUMN, entry["symbol"], border=BORDER,
              alignment=Alignment(horizontal="center"))
        _text(ws, row, STATUS_COLUMN, entry["label"], border=BORDER, alignment=WRAP)
    last_row = row
    if first_status_row is not None:
        _status_rules(ws, data, first_status_row, last_row)
    for column, width in enumerate(WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(column)].width = width
    ws.freeze_panes = "B5"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "1:2"


LINE_POINTS = 15  # one line of 11-point Calibri, as Excel and LibreOffice lay it out


def _fit_row_height(ws, row: int) -> None:
    """Set the row's height for its longest wrapped cell. Excel grows a row to fit wrapped text
    when it opens a file, LibreOffice's print layout does not, and rows printed from it overlap
    (or a header's first words are cut off). Wrapped at word boundaries, as both wrap."""
    lines = 1
    for column, width in enumerate(WIDTHS, start=1):
        cell = ws.cell(row=row, column=column)
        if isinstance(cell.value, str) and cell.value:
            # characters of a column width, roughly; bold letters are wider
            per_line = max(int(width * (1.0 if cell.font.b else 1.1)) - 1, 1)
            wrapped = sum(len(textwrap.wrap(part, per_line)) or 1
                          for part in cell.value.split("\n"))
            lines = max(lines, wrapped)
    ws.row_dimensions[row].height = LINE_POINTS * lines + 3


def _status_rules(ws, data: CommitteeData, first: int, last: int) -> None:
    """Colour the symbol and status cells by the status in words (one rule per status)."""
    symbol = get_column_letter(SYMBOL_COLUMN)
    status = get_column_letter(STATUS_COLUMN)
    cells = f"{symbol}{first}:{status}{last}"
    for entry in data.status_key:
        fill, ink = STATUS_COLOURS.get(entry["status"], STATUS_COLOURS["no_value"])
        label = str(escape_formula(entry["label"])).replace('"', '""')
        ws.conditional_formatting.add(cells, FormulaRule(
            formula=[f'${status}{first}="{label}"'],
            fill=PatternFill("solid", start_color=fill, end_color=fill),
            font=Font(color=ink, bold=True), stopIfTrue=True))


def write_scorecard_xlsx(published: Path, council_code: str, period_end: dt.date,
                         out: Path) -> Path:
    """Write the quarter's scorecard workbook to `out` (one sheet per scorecard); returns it."""
    data = load_committee_data(published, council_code, period_end)
    return write_xlsx(data, out)


def write_xlsx(data: CommitteeData, out: Path) -> Path:
    workbook = Workbook()
    workbook.remove(workbook.active)
    taken: set[str] = set()
    period_end_text = f"{data.period_end.day} {data.period_end:%B %Y}"
    for card in data.scorecards:
        _write_sheet(workbook.create_sheet(sheet_title(card, taken)), data, card,
                     period_end_text)
    workbook.properties.title = escape_formula(
        f"Performance scorecard {data.quarter_title}, {data.council}")
    workbook.properties.creator = "scorecard"
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.tmp")
    try:
        workbook.save(tmp)
        tmp.replace(out)
    finally:
        tmp.unlink(missing_ok=True)
    return out
