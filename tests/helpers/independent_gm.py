"""An independent implementation of the Good Management KPIs GM01-GM07, used by the tests.

It reads a landing zone exactly as docs/contracts.md describes the files and computes each KPI
from its written definition, day by day, with polars. It deliberately shares no code with
`scorecard_demo` (which steers its data by its own arithmetic) or with the pipeline's SQL, so
agreement between them is evidence that all follow the definitions.
"""

from __future__ import annotations

import io
from datetime import date, datetime
from functools import cache
from pathlib import Path

import holidays
import openpyxl
import polars as pl

CHILDRENS = "CYP"
STRESS_CATEGORY = "stress"
LONG_TERM_MORE_THAN = 20
REASONS_FILE = Path(__file__).resolve().parents[2] / "reference" / "absence_reasons.csv"
AUDIT_HEADERS = {
    "Council code": "council_code",
    "Rec ref": "rec_ref",
    "Audit": "audit_title",
    "Directorate": "directorate",
    "Priority": "priority",
    "Date raised": "raised_date",
    "Agreed target date": "agreed_target_date",
    "Revised target date": "revised_target_date",
    "Date revised": "date_revised",
    "Status": "status",
    "Date closed": "date_closed",
}
AUDIT_DATES = (
    "raised_date",
    "agreed_target_date",
    "revised_target_date",
    "date_revised",
    "date_closed",
)
RESULT_SCHEMA = {
    "kpi_code": pl.String,
    "council_code": pl.String,
    "period_end": pl.Date,
    "numerator": pl.Float64,
    "denominator": pl.Float64,
    "value": pl.Float64,
}


def compute_gm(landing_dir: Path, period_ends: list[date]) -> pl.DataFrame:
    """numerator, denominator and unrounded value of GM01-GM07 per council and period end."""
    rows = []
    for period_end in period_ends:
        sap_dir = _extract_folder(Path(landing_dir) / "hr_sap", period_end)
        staff = _read_sap(sap_dir / "staff_in_post.csv", ["start_date", "leaving_date"])
        staff = staff.with_columns(pl.col("fte").cast(pl.Float64))
        absences = _read_sap(sap_dir / "absences.csv", ["absence_start", "absence_end"])
        appraisals = _read_sap(
            sap_dir / "appraisals.csv", ["due_date", "completed_date", "entered_on_sap_date"]
        )
        riddor = _read_sap(sap_dir / "riddor_reports.csv", ["incident_date", "reported_date"])
        recommendations = _read_audit(
            _extract_folder(Path(landing_dir) / "audit", period_end) / "recommendations.xlsx"
        )
        councils = sorted(set(staff["council_code"]) | set(recommendations["council_code"]))
        for council in councils:
            children = _of(staff, council).filter(pl.col("directorate") == CHILDRENS)
            results = [
                *_sickness(children, _of(absences, council), period_end),
                _appraisals(children, _of(appraisals, council), period_end),
                _turnover(children, period_end),
                _riddor(_of(riddor, council), period_end),
                _audit(_of(recommendations, council), period_end),
            ]
            rows += [{"council_code": council, "period_end": period_end, **r} for r in results]
    return pl.DataFrame(rows, schema=RESULT_SCHEMA).sort("kpi_code", "council_code", "period_end")


def _of(frame: pl.DataFrame, council: str) -> pl.DataFrame:
    return frame.filter(pl.col("council_code") == council)


# --- reading the landing zone -------------------------------------------------------------


def _extract_folder(source_dir: Path, period_end: date) -> Path:
    """The newest extract folder dated on or after the period end (the contract's rule)."""
    dated = [
        p for p in source_dir.iterdir() if p.is_dir() and date.fromisoformat(p.name) >= period_end
    ]
    if not dated:
        raise FileNotFoundError(f"no extract in {source_dir} dated on or after {period_end}")
    return max(dated, key=lambda p: p.name)


def _read_sap(path: Path, date_columns: list[str]) -> pl.DataFrame:
    """A SAP CSV: Windows-1252, all text, dd.mm.yyyy dates, empty field = missing."""
    text = path.read_bytes().decode("cp1252")
    frame = pl.read_csv(io.StringIO(text), infer_schema=False)
    return frame.with_columns(pl.col(c).str.to_date("%d.%m.%Y") for c in date_columns)


def _read_audit(path: Path) -> pl.DataFrame:
    """The tracker's `Recommendations` sheet; dates as Excel dates or dd/mm/yyyy text."""
    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    rows = list(workbook["Recommendations"].iter_rows(values_only=True))
    workbook.close()
    names = [AUDIT_HEADERS[header] for header in rows[0]]
    records = [
        dict(zip(names, row, strict=True)) for row in rows[1:] if any(v is not None for v in row)
    ]
    for record in records:
        for column in AUDIT_DATES:
            record[column] = _as_date(record[column])
        record["council_code"] = str(record["council_code"])
    schema = {name: pl.Date if name in AUDIT_DATES else pl.String for name in names}
    return pl.DataFrame(records, schema=schema)


def _as_date(value: object) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return datetime.strptime(str(value), "%d/%m/%Y").date()


# --- calendar ---------------------------------------------------------------------------------


def _months_back(day: date, months: int) -> date:
    """The same day `months` calendar months earlier (only used on month ends that exist)."""
    index = day.year * 12 + day.month - 1 - months
    return date(index // 12, index % 12 + 1, day.day)


def _quarter_first_day(period_end: date) -> date:
    """First day of the three calendar months ending at period_end."""
    return _months_back(period_end.replace(day=1), 2)


def _working_days(first: date, last: date) -> pl.DataFrame:
    """One row per England & Wales working day (Mon-Fri, not a bank holiday) in [first, last]."""
    bank_holidays = holidays.country_holidays(
        "GB", subdiv="ENG", years=range(first.year, last.year + 1)
    )
    days = pl.date_range(first, last, eager=True).alias("day")
    return days.to_frame().filter(
        pl.col("day").dt.weekday() <= 5, ~pl.col("day").is_in(list(bank_holidays))
    )


# --- the KPIs ---------------------------------------------------------------------------------


@cache
def _reason_groups() -> dict[str, str]:
    """reason_code -> its category in reference/absence_reasons.csv (the spell's reason group)."""
    reasons = pl.read_csv(REASONS_FILE, infer_schema=False)
    return dict(zip(reasons["reason_code"], reasons["category"], strict=True))


def _sickness(children: pl.DataFrame, absences: pl.DataFrame, period_end: date) -> list[dict]:
    """GM01-GM03: FTE-days lost in the quarter per average FTE of children's staff."""
    first_day = _quarter_first_day(period_end)
    days_in_quarter = (period_end - first_day).days + 1
    fte_days = (
        children.with_columns(
            lo=pl.max_horizontal(pl.col("start_date"), pl.lit(first_day)),
            hi=pl.min_horizontal(pl.col("leaving_date").fill_null(period_end), pl.lit(period_end)),
        )
        .filter(pl.col("lo") <= pl.col("hi"))
        .with_columns(day=pl.date_ranges("lo", "hi"))
        .explode("day")["fte"]
        .sum()
    )
    average_fte = fte_days / days_in_quarter

    spells = (
        _joined_spells(absences.filter(pl.col("absence_start") <= period_end), period_end)
        .join(children, on=["council_code", "pers_no"], how="inner")
        .with_row_index("spell")
    )
    if spells.is_empty():
        return [_row(code, 0, average_fte) for code in ("GM01", "GM02", "GM03")]
    working = _working_days(spells["absence_start"].min(), spells["spell_last"].max())
    spell_days = (
        spells.with_columns(day=pl.date_ranges("absence_start", "spell_last"))
        .explode("day")
        .join(working, on="day", how="inner")
        .with_columns(
            counts=(
                (pl.col("day") >= first_day)
                & (pl.col("day") <= period_end)
                & (pl.col("day") >= pl.col("start_date"))
                & (pl.col("leaving_date").is_null() | (pl.col("day") <= pl.col("leaving_date")))
            )
        )
        .group_by("spell")
        .agg(
            whole_spell=pl.len(),
            lost=pl.col("counts").sum() * pl.col("fte").first(),
            reason_group=pl.col("reason_group").first(),
        )
    )
    lost_all = spell_days["lost"].sum()
    lost_long = spell_days.filter(pl.col("whole_spell") > LONG_TERM_MORE_THAN)["lost"].sum()
    lost_stress = spell_days.filter(pl.col("reason_group") == STRESS_CATEGORY)["lost"].sum()
    return [
        _row(code, lost, average_fte)
        for code, lost in (("GM01", lost_all), ("GM02", lost_long), ("GM03", lost_stress))
    ]


def _joined_spells(absences: pl.DataFrame, period_end: date) -> pl.DataFrame:
    """docs/contracts.md's joining rule, walked row by row: rows of one employee and one reason
    group (the reason's category) are one spell while no working day falls between the end of
    the spell so far and the next row's start. Open rows run to the period end."""
    groups = _reason_groups()
    rows = sorted(
        (r["council_code"], r["pers_no"], groups.get(r["reason_code"], "other"),
         r["absence_start"], r["absence_end"] or period_end)
        for r in absences.iter_rows(named=True)
    )
    spells: list[list] = []
    for council, pers_no, group, first, last in rows:
        current = spells[-1] if spells else None
        if (current and current[:3] == [council, pers_no, group]
                and not _any_working_day_between(current[4], first)):
            current[4] = max(current[4], last)
        else:
            spells.append([council, pers_no, group, first, last])
    schema = {"council_code": pl.String, "pers_no": pl.String, "reason_group": pl.String,
              "absence_start": pl.Date, "spell_last": pl.Date}
    return pl.DataFrame(spells, schema=schema, orient="row")


def _any_working_day_between(earlier_end: date, later_start: date) -> bool:
    """Is there a working day strictly after `earlier_end` and strictly before `later_start`?"""
    day, last = date.fromordinal(earlier_end.toordinal() + 1), later_start
    while day < last:
        if day.weekday() < 5 and day not in _bank_holidays(day.year):
            return True
        day = date.fromordinal(day.toordinal() + 1)
    return False


@cache
def _bank_holidays(year: int):
    return holidays.country_holidays("GB", subdiv="ENG", years=year)


def _appraisals(children: pl.DataFrame, appraisals: pl.DataFrame, period_end: date) -> dict:
    """GM04: % of the rolling year's appraisals completed and entered on SAP by the period end."""
    year_ago = _months_back(period_end, 12)
    due = appraisals.join(children, on=["council_code", "pers_no"], how="inner").filter(
        pl.col("due_date") > year_ago,
        pl.col("due_date") <= period_end,
        pl.col("start_date") <= pl.col("due_date"),
        pl.col("leaving_date").is_null() | (pl.col("due_date") <= pl.col("leaving_date")),
    )
    done = due.filter(
        pl.col("completed_date") <= period_end, pl.col("entered_on_sap_date") <= period_end
    )
    return _row("GM04", done.height, due.height, percent=True)


def _turnover(children: pl.DataFrame, period_end: date) -> dict:
    """GM05: leavers in the rolling year as a % of the mean of headcount at its start and end."""
    year_ago = _months_back(period_end, 12)
    year_start = date.fromordinal(year_ago.toordinal() + 1)

    def headcount(day: date) -> int:
        return children.filter(
            pl.col("start_date") <= day,
            pl.col("leaving_date").is_null() | (pl.col("leaving_date") >= day),
        ).height

    leavers = children.filter(
        pl.col("leaving_date") > year_ago, pl.col("leaving_date") <= period_end
    ).height
    return _row("GM05", leavers, (headcount(year_start) + headcount(period_end)) / 2, percent=True)


def _riddor(riddor: pl.DataFrame, period_end: date) -> dict:
    """GM06: RIDDOR reports for Children's made to the HSE in the quarter."""
    reports = riddor.filter(
        pl.col("directorate") == CHILDRENS,
        pl.col("reported_date") >= _quarter_first_day(period_end),
        pl.col("reported_date") <= period_end,
    )
    return _count("GM06", reports.height)


def _audit(recommendations: pl.DataFrame, period_end: date) -> dict:
    """GM07: Children's recommendations open at the period end and past their effective target."""
    revision_applies = pl.col("date_revised").is_not_null() & (pl.col("date_revised") <= period_end)
    effective_target = (
        pl.when(revision_applies)
        .then(pl.col("revised_target_date"))
        .otherwise(pl.col("agreed_target_date"))
    )
    overdue = recommendations.filter(
        pl.col("directorate") == CHILDRENS,
        pl.col("raised_date") <= period_end,
        pl.col("date_closed").is_null() | (pl.col("date_closed") > period_end),
        effective_target < period_end,
    )
    return _count("GM07", overdue.height)


def _row(kpi_code: str, numerator: float, denominator: float, percent: bool = False) -> dict:
    value = None if not denominator else numerator / denominator * (100 if percent else 1)
    return {
        "kpi_code": kpi_code,
        "numerator": float(numerator),
        "denominator": float(denominator),
        "value": value,
    }


def _count(kpi_code: str, count: int) -> dict:
    return {
        "kpi_code": kpi_code,
        "numerator": float(count),
        "denominator": None,
        "value": float(count),
    }
