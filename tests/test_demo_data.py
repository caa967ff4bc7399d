"""The demo landing zone: reproduces the seed's Good Management figures, deterministically, with
the awkward cases a correct pipeline must handle, in the formats the contracts promise."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from itertools import pairwise
from pathlib import Path

import holidays
import openpyxl
import polars as pl
import pytest
from helpers.independent_gm import compute_gm

from conftest import SEED_CSV as SEED
from conftest import SEED_PERIODS
from scorecard_demo import DEMO_EXTRACT_DATE, write_demo_landing

COUNCIL = "999"
PLACES = {"GM01": 2, "GM02": 2, "GM03": 2, "GM04": 1, "GM05": 1, "GM06": 0, "GM07": 0}
JUN_23 = date(2023, 6, 30)
STRESS = {"S04", "S05"}
SAP_HEADERS = {
    "staff_in_post": (
        "council_code,pers_no,employee_name,directorate,fte,start_date,leaving_date,leaving_reason"
    ),
    "absences": "council_code,pers_no,absence_start,absence_end,working_days_lost,reason_code",
    "appraisals": "council_code,pers_no,due_date,completed_date,entered_on_sap_date",
    "riddor_reports": "council_code,riddor_ref,directorate,incident_date,reported_date,category",
}
AUDIT_HEADERS = (
    "Council code",
    "Rec ref",
    "Audit",
    "Directorate",
    "Priority",
    "Date raised",
    "Agreed target date",
    "Revised target date",
    "Date revised",
    "Status",
    "Date closed",
)
DATE_COLUMNS = {
    "start_date",
    "leaving_date",
    "absence_start",
    "absence_end",
    "due_date",
    "completed_date",
    "entered_on_sap_date",
    "incident_date",
    "reported_date",
}
BANK_HOLIDAYS = holidays.country_holidays("GB", subdiv="ENG", years=range(2019, 2025))


@pytest.fixture(scope="module")
def landing(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("landing")
    write_demo_landing(out, COUNCIL)
    return out


@pytest.fixture(scope="module")
def sap(landing: Path) -> dict[str, list[dict]]:
    """Each SAP table as a list of rows, dates parsed, empty fields as None."""
    folder = landing / "hr_sap" / DEMO_EXTRACT_DATE.isoformat()
    tables = {}
    for table in SAP_HEADERS:
        text = (folder / f"{table}.csv").read_bytes().decode("cp1252")
        tables[table] = [
            {key: _parse(key, value) for key, value in row.items()}
            for row in csv.DictReader(io.StringIO(text, newline=""))
        ]
    return tables


@pytest.fixture(scope="module")
def staff(sap: dict[str, list[dict]]) -> dict[str, dict]:
    return {row["pers_no"]: row for row in sap["staff_in_post"]}


@pytest.fixture(scope="module")
def recommendations(landing: Path) -> list[dict]:
    path = landing / "audit" / DEMO_EXTRACT_DATE.isoformat() / "recommendations.xlsx"
    workbook = openpyxl.load_workbook(path)
    rows = list(workbook["Recommendations"].iter_rows(values_only=True))
    return [
        {h: v.date() if isinstance(v, datetime) else v for h, v in zip(rows[0], row, strict=True)}
        for row in rows[1:]
    ]


def _parse(column: str, value: str) -> object:
    if value == "":
        return None
    if column in DATE_COLUMNS:
        return datetime.strptime(value, "%d.%m.%Y").date()
    return value


def _quarter_first_day(period_end: date) -> date:
    return date(period_end.year, period_end.month - 2, 1)


def _working_days(first: date, last: date) -> int:
    days = (first + timedelta(n) for n in range((last - first).days + 1))
    return sum(d.weekday() < 5 and d not in BANK_HOLIDAYS for d in days)


def _seed_figures() -> list[tuple[str, date, str]]:
    with SEED.open(encoding="utf-8", newline="") as handle:
        rows = [row for row in csv.DictReader(handle) if row["kpi_code"].startswith("GM")]
    return [
        (row["kpi_code"], period_end, row[column])
        for row in rows
        for column, period_end in SEED_PERIODS.items()
        if row[column] != ""
    ]


def _round_half_away(value: float, places: int) -> Decimal:
    return Decimal(repr(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


# --- (1) the seed's figures -----------------------------------------------------------------


def test_seed_lists_the_expected_good_management_figures() -> None:
    checked = {(kpi, period_end) for kpi, period_end, _ in _seed_figures()}
    assert (
        len(checked) == 5 * 5 + 1 + 4
    )  # GM01-03, GM06-07 every quarter; GM04 Jun-23; GM05 from Sep-22
    assert ("GM04", JUN_23) in checked and ("GM05", date(2022, 6, 30)) not in checked


def test_independent_kpis_reproduce_the_seed(landing: Path) -> None:
    figures = compute_gm(landing, list(SEED_PERIODS.values()))
    mismatches = []
    for kpi, period_end, expected in _seed_figures():
        row = figures.filter(
            pl.col("kpi_code") == kpi,
            pl.col("council_code") == COUNCIL,
            pl.col("period_end") == period_end,
        )
        assert row.height == 1, (kpi, period_end)
        got = _round_half_away(row["value"].item(), PLACES[kpi])
        if got != Decimal(expected):
            mismatches.append((kpi, period_end, expected, row["value"].item()))
    assert mismatches == []


# --- (2) determinism ------------------------------------------------------------------------


@pytest.mark.slow  # two whole demo landings (14 s): make test-slow and CI
def test_generation_is_byte_for_byte_deterministic(tmp_path: Path) -> None:
    first = write_demo_landing(tmp_path / "a", COUNCIL)
    second = write_demo_landing(tmp_path / "b", COUNCIL)
    assert [p.relative_to(tmp_path / "a") for p in first] == [
        p.relative_to(tmp_path / "b") for p in second
    ]
    for a, b in zip(first, second, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name


def test_writes_the_contracted_file_layout(landing: Path) -> None:
    extract = DEMO_EXTRACT_DATE.isoformat()
    written = sorted(p.relative_to(landing).as_posix() for p in landing.rglob("*.*"))
    # social care, education and risks have tests of their own
    assert [p for p in written if p.startswith(("hr_sap/", "audit/"))] == [
        f"audit/{extract}/recommendations.xlsx",
        f"hr_sap/{extract}/absences.csv",
        f"hr_sap/{extract}/appraisals.csv",
        f"hr_sap/{extract}/riddor_reports.csv",
        f"hr_sap/{extract}/staff_in_post.csv",
    ]


def test_rejects_a_council_code_that_is_not_three_digits(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        write_demo_landing(tmp_path, "99")


# --- (3) the awkward cases ------------------------------------------------------------------


def _childrens_spells(sap: dict, staff: dict) -> list[dict]:
    return [s for s in sap["absences"] if staff[s["pers_no"]]["directorate"] == "CYP"]


def test_long_spells_cross_each_seed_quarter_end(sap: dict, staff: dict) -> None:
    for period_end in list(SEED_PERIODS.values())[:-1]:
        crossing = [
            s
            for s in _childrens_spells(sap, staff)
            if s["absence_start"] <= period_end < (s["absence_end"] or JUN_23)
        ]
        assert crossing, period_end


@pytest.mark.parametrize(
    "first_holiday, last_holiday",
    [(date(2022, 12, 25), date(2023, 1, 2)), (date(2023, 4, 7), date(2023, 4, 10))],
    ids=["christmas", "easter"],
)
def test_spells_span_bank_holidays(
    sap: dict, staff: dict, first_holiday: date, last_holiday: date
) -> None:
    assert any(
        s["absence_start"] < first_holiday and last_holiday < (s["absence_end"] or JUN_23)
        for s in _childrens_spells(sap, staff)
    )


def test_long_term_stress_spells_exist(sap: dict, staff: dict) -> None:
    long_stress = [
        s
        for s in _childrens_spells(sap, staff)
        if s["reason_code"] in STRESS
        and s["absence_end"]
        and _working_days(s["absence_start"], s["absence_end"]) > 20
    ]
    assert len(long_stress) >= 10


def test_a_spell_is_open_at_the_extract(sap: dict, staff: dict) -> None:
    open_spells = [s for s in sap["absences"] if s["absence_end"] is None]
    assert any(staff[s["pers_no"]]["directorate"] == "CYP" for s in open_spells)
    assert all(s["working_days_lost"] is None for s in open_spells)
    assert all(
        _working_days(s["absence_start"], JUN_23) > 20
        for s in open_spells
        if staff[s["pers_no"]]["directorate"] == "CYP"
    )


def test_exactly_one_spell_runs_past_a_leaving_date(sap: dict, staff: dict) -> None:
    past = [
        s
        for s in sap["absences"]
        if staff[s["pers_no"]]["leaving_date"]
        and (s["absence_end"] or JUN_23) > staff[s["pers_no"]]["leaving_date"]
    ]
    assert len(past) == 1 and staff[past[0]["pers_no"]]["directorate"] == "CYP"
    assert all(s["absence_start"] >= staff[s["pers_no"]]["start_date"] for s in sap["absences"])


def test_spells_of_20_and_21_working_days_straddle_the_long_term_line(
    sap: dict, staff: dict
) -> None:
    lengths = {s["working_days_lost"] for s in _childrens_spells(sap, staff)}
    assert {"20.00", "21.00"} <= lengths


def test_working_days_lost_is_sap_s_count_over_the_whole_spell(sap: dict) -> None:
    for spell in sap["absences"]:
        if spell["absence_end"]:
            expected = _working_days(spell["absence_start"], spell["absence_end"])
            assert Decimal(spell["working_days_lost"]) == expected


def test_other_directorates_have_absence_the_kpis_must_ignore(sap: dict, staff: dict) -> None:
    for period_end in SEED_PERIODS.values():
        first_day = _quarter_first_day(period_end)
        assert any(
            staff[s["pers_no"]]["directorate"] != "CYP"
            and first_day <= s["absence_start"] <= period_end
            for s in sap["absences"]
        )


def test_staff_look_like_a_council(sap: dict, staff: dict) -> None:
    rows = sap["staff_in_post"]
    assert len(staff) == len(rows), "pers_no must be unique"
    assert all(re.fullmatch(r"\d{8}", row["pers_no"]) for row in rows)
    assert 230 <= sum(row["directorate"] != "CYP" for row in rows) <= 280
    assert {"1.00", "0.50", "0.80"} <= {row["fte"] for row in rows}
    for period_end in SEED_PERIODS.values():
        first_day = _quarter_first_day(period_end)
        children = [row for row in rows if row["directorate"] == "CYP"]
        in_post = [
            r
            for r in children
            if r["start_date"] <= period_end
            and (r["leaving_date"] is None or r["leaving_date"] >= period_end)
        ]
        assert 420 <= len(in_post) <= 480
        assert any(first_day <= (r["leaving_date"] or date.max) <= period_end for r in children)
        assert any(first_day <= r["start_date"] <= period_end for r in children)
    assert all((row["leaving_date"] is None) == (row["leaving_reason"] is None) for row in rows)


def test_appraisals_cover_the_ways_to_miss_the_kpi(sap: dict, staff: dict) -> None:
    year = [
        a
        for a in sap["appraisals"]
        if staff[a["pers_no"]]["directorate"] == "CYP"
        and date(2022, 6, 30) < a["due_date"] <= JUN_23
    ]
    leavers = [a for a in year if (staff[a["pers_no"]]["leaving_date"] or date.max) < a["due_date"]]
    assert leavers and all(a["completed_date"] is None for a in leavers)
    assert any(
        a["completed_date"]
        and a["completed_date"] <= JUN_23 < (a["entered_on_sap_date"] or date.min)
        for a in year
    )
    assert any(a["completed_date"] and a["entered_on_sap_date"] is None for a in year)
    assert any(a["completed_date"] is None and a not in leavers for a in year)
    assert min(a["due_date"] for a in sap["appraisals"]) < date(2020, 4, 1)


def test_riddor_filters_matter(sap: dict) -> None:
    reports = sap["riddor_reports"]
    for period_end in SEED_PERIODS.values():
        first_day = _quarter_first_day(period_end)
        assert any(
            r["directorate"] != "CYP" and first_day <= r["reported_date"] <= period_end
            for r in reports
        )
    childrens = [r for r in reports if r["directorate"] == "CYP"]
    assert any(date(2020, 4, 1) <= r["reported_date"] <= date(2022, 3, 31) for r in childrens)
    assert any(r["incident_date"] <= JUN_23 < r["reported_date"] for r in childrens)
    assert all(r["reported_date"] >= r["incident_date"] for r in reports)


def _effective_target(rec: dict, period_end: date) -> date:
    if rec["Date revised"] and rec["Date revised"] <= period_end:
        return rec["Revised target date"]
    return rec["Agreed target date"]


def test_audit_revisions_change_the_effective_target(recommendations: list[dict]) -> None:
    revised = [r for r in recommendations if r["Directorate"] == "CYP" and r["Date revised"]]
    assert any(r["Date revised"] > r["Agreed target date"] for r in revised)
    ends = list(SEED_PERIODS.values())
    assert any(
        _effective_target(r, earlier) != _effective_target(r, later)
        for r in revised
        for earlier, later in pairwise(ends)
    )
    assert all(
        (r["Revised target date"] is None) == (r["Date revised"] is None) for r in recommendations
    )


def test_audit_statuses_and_closure_dates(recommendations: list[dict]) -> None:
    assert {r["Status"] for r in recommendations} == {
        "Open",
        "Implemented",
        "Superseded",
        "Risk accepted",
    }
    assert all((r["Status"] == "Open") == (r["Date closed"] is None) for r in recommendations)
    assert 60 <= len(recommendations) <= 120
    assert len({r["Rec ref"] for r in recommendations}) == len(recommendations)
    closed_on_quarter_end = [
        r for r in recommendations if r["Date closed"] in SEED_PERIODS.values()
    ]
    assert any(r["Directorate"] == "CYP" for r in closed_on_quarter_end)


def test_two_of_jun_23_overdue_recommendations_only_just_elapsed(
    recommendations: list[dict],
) -> None:
    overdue = [
        r
        for r in recommendations
        if r["Directorate"] == "CYP"
        and r["Date raised"] <= JUN_23
        and (r["Date closed"] is None or r["Date closed"] > JUN_23)
        and _effective_target(r, JUN_23) < JUN_23
    ]
    assert len(overdue) == 8
    assert sum(_effective_target(r, JUN_23) >= JUN_23 - timedelta(days=30) for r in overdue) == 2
    assert any(r["Directorate"] != "CYP" and r["Status"] == "Open" for r in recommendations)


def test_nothing_happens_after_the_extract_date(sap: dict, recommendations: list[dict]) -> None:
    for table, rows in sap.items():
        for row in rows:
            assert all(
                row[c] is None or row[c] <= DEMO_EXTRACT_DATE for c in DATE_COLUMNS & row.keys()
            ), (table, row)
    for rec in recommendations:
        for column in ("Date raised", "Date revised", "Date closed"):
            assert rec[column] is None or rec[column] <= DEMO_EXTRACT_DATE, rec


# --- (4) SAP file format ----------------------------------------------------------------------


def test_sap_files_are_windows_1252_with_dd_mm_yyyy_dates(landing: Path) -> None:
    folder = landing / "hr_sap" / DEMO_EXTRACT_DATE.isoformat()
    staff_bytes = (folder / "staff_in_post.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        staff_bytes.decode("utf-8")
    names = [
        row["employee_name"] for row in csv.DictReader(io.StringIO(staff_bytes.decode("cp1252")))
    ]
    assert any("’" in name for name in names) and any(re.search("[éëáâ]", name) for name in names)
    for table, header in SAP_HEADERS.items():
        text = (folder / f"{table}.csv").read_bytes().decode("cp1252")
        assert text.splitlines()[0] == header
        for row in csv.DictReader(io.StringIO(text)):
            for column in DATE_COLUMNS & row.keys():
                assert row[column] == "" or re.fullmatch(r"\d{2}\.\d{2}\.\d{4}", row[column])


def test_audit_workbook_has_human_headers_date_cells_and_widths(landing: Path) -> None:
    path = landing / "audit" / DEMO_EXTRACT_DATE.isoformat() / "recommendations.xlsx"
    sheet = openpyxl.load_workbook(path)["Recommendations"]
    assert tuple(c.value for c in sheet[1]) == AUDIT_HEADERS
    assert isinstance(sheet["F2"].value, datetime) and sheet["F2"].is_date
    assert all(sheet.column_dimensions[letter].width >= 10 for letter in "ABCDEFGHIJK")


# --- (5) the council code -------------------------------------------------------------------


def test_every_record_carries_the_council_code(tmp_path: Path) -> None:
    for path in write_demo_landing(tmp_path, "202"):
        if path.relative_to(tmp_path).parts[0] not in ("hr_sap", "audit"):
            continue  # social care, education and risks: tests/test_demo_social_care.py
        if path.suffix == ".csv":
            rows = list(csv.DictReader(io.StringIO(path.read_bytes().decode("cp1252"))))
            codes = {row["council_code"] for row in rows}
        else:
            sheet = openpyxl.load_workbook(path)["Recommendations"]
            codes = {row[0] for row in sheet.iter_rows(min_row=2, values_only=True)}
        assert codes == {"202"}, path.name
