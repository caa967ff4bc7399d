"""An independent implementation of the children's social care KPIs (QA01-CL02), used by tests.

It reads a landing zone exactly as docs/social_care_spec.md describes the files (the six SSDA903
CSVs, the CIN census XML, the local lists, the education attendance list) and computes each KPI
from its written definition, record by record, in plain Python. It shares no code with
`scorecard_demo` (which steers its data by its own arithmetic) or with the pipeline's SQL, so
agreement between them is evidence that all follow the definitions.
"""

from __future__ import annotations

import csv
import json
import xml.etree.ElementTree as ET
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cache
from pathlib import Path

import holidays
import polars as pl
from dateutil.relativedelta import relativedelta

RESULT_SCHEMA = {
    "kpi_code": pl.String,
    "council_code": pl.String,
    "period_end": pl.Date,
    "numerator": pl.Float64,
    "denominator": pl.Float64,
    "value": pl.Float64,
}
FACT_SCHEMA = {
    "fact": pl.String,
    "council_code": pl.String,
    "period_end": pl.Date,
    "numerator": pl.Float64,
    "denominator": pl.Float64,
    "value": pl.Float64,
}
KPI_CODES = ("QA01", "QA02", "CA01", "CA02", "CA03", "HP01", "HP02", "HP03", "HP04", "CC01",
             "CC02", "CC03", "CC04", "CC05", "CC06", "CL01", "CL02")
SHORT_BREAKS = {"V3", "V4"}
NEW_PLACEMENT = {"S", "P", "B"}  # DfE: T and U keep the carers, L changes the legal status only
ADOPTION = {"A3", "A4", "A5", "A6"}
FOSTER = {"U1", "U2", "U3", "U4", "U5", "U6"}
GOOD = {"Outstanding", "Good"}
EET = {"F1", "P1", "F2", "P2", "F4", "P4", "F5", "P5"}
EXCLUDED_LEAVERS = {"DIED", "RHOM"}


# --- calendar -----------------------------------------------------------------------------------


@cache
def _working_day_numbers() -> tuple[date, list[int]]:
    """wdn for every day 2010-2026: the cumulative count of E&W working days up to the day."""
    first, last = date(2010, 1, 1), date(2026, 12, 31)
    bank_holidays = holidays.country_holidays("GB", subdiv="ENG", years=range(2010, 2027))
    numbers, count, day = [], 0, first
    while day <= last:
        count += day.weekday() < 5 and day not in bank_holidays
        numbers.append(count)
        day += timedelta(days=1)
    return first, numbers


def wdn(day: date) -> int:
    first, numbers = _working_day_numbers()
    return numbers[(day - first).days]


def within_working_days(earlier: date, later: date, days: int) -> bool:
    return wdn(later) - wdn(earlier) <= days


def months_before(day: date, months: int) -> date:
    """Calendar months back, clamped to the month's end (31 Mar - 6 months = 30 Sep)."""
    return day - relativedelta(months=months)


def quarter_first_day(period_end: date) -> date:
    return period_end.replace(day=1) - relativedelta(months=2)


def in_quarter(day: date | None, period_end: date) -> bool:
    return day is not None and quarter_first_day(period_end) <= day <= period_end


def age_at(dob: date, day: date) -> int:
    return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))


# --- reading ------------------------------------------------------------------------------------


def _extract_folder(source_dir: Path, period_end: date) -> Path | None:
    """The newest extract folder dated on or after the period end (the contract's rule)."""
    if not source_dir.is_dir():
        return None
    dated = [p for p in source_dir.iterdir()
             if p.is_dir() and date.fromisoformat(p.name) >= period_end]
    return max(dated, key=lambda p: p.name) if dated else None


def _rows(path: Path) -> list[dict[str, str]]:
    if not path.is_file():
        return []
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def _dmy(text: str) -> date | None:
    return datetime.strptime(text, "%d/%m/%Y").date() if text else None


def _iso(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


@dataclass
class Episode:
    child: str
    decom: date
    dec: date | None
    rne: str
    ls: str
    place: str
    provider: str
    rec: str


@dataclass
class Period:
    start: date
    end: date | None
    episodes: list[Episode]

    def looked_after(self, day: date) -> bool:
        return self.start <= day and (self.end is None or self.end > day)


@dataclass
class Placement:
    start: date
    end: date | None


@dataclass
class Child903:
    dob: date | None = None
    episodes: list[Episode] = field(default_factory=list)
    periods: list[Period] = field(default_factory=list)
    placements: list[Placement] = field(default_factory=list)


@dataclass
class Landing:
    council: str
    children: dict[str, Child903]
    reviews: list[tuple[str, date]]
    referrals: list[dict]
    assessments: list[dict]
    plans: list[dict]
    contacts: list[dict]
    visits: list[dict]
    discussions: list[dict]
    allocations: list[dict]
    audits: list[dict]
    leavers: list[dict]
    attendance: list[dict]


@cache
def _load(social_care: Path, education: Path | None, include_short_breaks: bool) -> Landing:
    council = json.loads((social_care / "extract.json").read_text(encoding="utf-8"))[
        "council_code"]
    children: dict[str, Child903] = defaultdict(Child903)
    for row in _rows(social_care / "header.csv"):
        children[row["CHILD"]].dob = _dmy(row["DOB"])
    for row in _rows(social_care / "episodes.csv"):
        if row["LS"] in SHORT_BREAKS and not include_short_breaks:
            continue  # short breaks are dropped before anything else
        children[row["CHILD"]].episodes.append(Episode(
            row["CHILD"], _dmy(row["DECOM"]), _dmy(row["DEC"]), row["RNE"], row["LS"],
            row["PLACE"], row["PLACE_PROVIDER"], row["REC"]))
    for child in children.values():
        _periods_and_placements(child)
    reviews = [(row["CHILD"], _dmy(row["REVIEW"])) for row in _rows(social_care / "reviews.csv")]
    referrals, assessments, plans = _read_cin(social_care / "cin_census.xml", council)
    local = {name: [r for r in _rows(social_care / f"{name}.csv") if r["council_code"] == council]
             for name in ("contacts", "initial_visits", "strategy_discussions", "allocations",
                          "qa_audits", "care_leavers")}
    attendance = []
    if education is not None:
        attendance = [r for r in _rows(education / "attendance.csv")
                      if r["council_code"] == council]
    return Landing(council, dict(children), reviews, referrals, assessments, plans,
                   local["contacts"], local["initial_visits"], local["strategy_discussions"],
                   local["allocations"], local["qa_audits"], local["care_leavers"], attendance)


def _periods_and_placements(child: Child903) -> None:
    """Periods of care: an episode continues the previous period if it starts on the previous
    episode's dec or the previous episode ended X1. Placements: a new one at rne S/P/B."""
    child.episodes.sort(key=lambda e: e.decom)
    previous = None
    for episode in child.episodes:
        continues = previous is not None and (
            (previous.dec is not None and episode.decom == previous.dec) or previous.rec == "X1")
        if continues:
            period = child.periods[-1]
            period.episodes.append(episode)
            period.end = episode.dec
            if episode.rne in NEW_PLACEMENT:
                child.placements.append(Placement(episode.decom, episode.dec))
            else:
                child.placements[-1].end = episode.dec
        else:
            child.periods.append(Period(episode.decom, episode.dec, [episode]))
            child.placements.append(Placement(episode.decom, episode.dec))
        previous = episode


def _text(element: ET.Element, tag: str) -> str | None:
    found = element.find(tag)
    if found is None or found.text is None or not found.text.strip():
        return None
    return found.text.strip()


def _read_cin(path: Path, council: str) -> tuple[list[dict], list[dict], list[dict]]:
    referrals, assessments, plans = [], [], []
    lea = None
    for _, element in ET.iterparse(path, events=("end",)):
        if element.tag == "LEA":
            lea = element.text.strip()
        if element.tag != "Child":
            continue
        child_id = _text(element.find("ChildIdentifiers"), "LAchildID")
        for number, details in enumerate(element.findall("CINdetails"), start=1):
            referrals.append({"child": child_id, "number": number,
                              "date": _iso(_text(details, "CINreferralDate"))})
            for item in details.findall("Assessments"):
                assessments.append({
                    "child": child_id, "number": number,
                    "start": _iso(_text(item, "AssessmentActualStartDate")),
                    "authorised": _iso(_text(item, "AssessmentAuthorisationDate")),
                })
            for item in details.findall("ChildProtectionPlans"):
                previous = _text(item, "NumberOfPreviousCPP")
                plans.append({
                    "child": child_id, "number": number,
                    "start": _iso(_text(item, "CPPstartDate")),
                    "end": _iso(_text(item, "CPPendDate")),
                    "previous": int(previous) if previous else 0,
                })
        element.clear()
    if lea != council:
        raise ValueError(f"CIN census is for {lea}, extract.json says {council}")
    return referrals, assessments, plans


# --- the KPIs -----------------------------------------------------------------------------------


def qa01(data: Landing, p: date) -> tuple[int, int]:
    graded = [a for a in data.audits if in_quarter(_iso(a["audit_date"]), p)
              and a["grade"] != "Not graded"]
    return sum(a["grade"] in GOOD for a in graded), len(graded)


def qa02(data: Landing, p: date) -> tuple[int, int]:
    window = months_before(p, 6)
    by_child: dict[str, list[dict]] = defaultdict(list)
    for allocation in data.allocations:
        by_child[allocation["child_id"]].append(allocation)
    d = n = 0
    for allocations in by_child.values():
        spans = [(_iso(a["start_date"]), _iso(a["end_date"]), a["worker_id"]) for a in allocations]
        if not any(s <= p and (e is None or e >= p) for s, e, _ in spans):
            continue
        d += 1
        workers = {w for s, e, w in spans if s <= p and (e is None or e > window)}
        n += len(workers) <= 2
    return n, d


def ca01(data: Landing, p: date) -> tuple[int, int]:
    by_child: dict[str, list[date]] = defaultdict(list)
    for referral in data.referrals:
        by_child[referral["child"]].append(referral["date"])
    d = n = 0
    for referral in data.referrals:
        day = referral["date"]
        if not in_quarter(day, p):
            continue
        d += 1
        lower = months_before(day, 12)
        n += any(lower <= other < day for other in by_child[referral["child"]])
    return n, d


def ca02(data: Landing, p: date) -> tuple[int, int]:
    rows = [v for v in data.visits if in_quarter(_iso(v["referral_date"]), p)]
    n = sum(bool(v["visit_date"]) and within_working_days(
        _iso(v["referral_date"]), _iso(v["visit_date"]), 3) for v in rows)
    return n, len(rows)


def ca03(data: Landing, p: date) -> tuple[int, int]:
    rows = [c for c in data.contacts if in_quarter(_iso(c["contact_date"]), p)]
    n = sum(bool(c["decision_date"]) and within_working_days(
        _iso(c["contact_date"]), _iso(c["decision_date"]), 1) for c in rows)
    return n, len(rows)


def hp01(data: Landing, p: date) -> tuple[int, int]:
    rows = [a for a in data.assessments if in_quarter(a["authorised"], p)]
    return sum(within_working_days(a["start"], a["authorised"], 45) for a in rows), len(rows)


def hp02(data: Landing, p: date) -> tuple[int, int]:
    starts: dict[str, list[date]] = defaultdict(list)
    for plan in data.plans:
        starts[plan["child"]].append(plan["start"])
    rows = [plan for plan in data.plans if in_quarter(plan["start"], p)]
    n = sum(plan["previous"] >= 1 or any(s < plan["start"] for s in starts[plan["child"]])
            for plan in rows)
    return n, len(rows)


def hp03(data: Landing, p: date) -> tuple[int, int]:
    open_plans = [plan for plan in data.plans
                  if plan["start"] <= p and (plan["end"] is None or plan["end"] > p)]
    return sum((p - plan["start"]).days > 729 for plan in open_plans), len(open_plans)


def hp04(data: Landing, p: date) -> tuple[int, int]:
    rows = [s for s in data.discussions if in_quarter(_iso(s["discussion_date"]), p)]
    n = sum(within_working_days(_iso(s["concern_date"]), _iso(s["discussion_date"]), 5)
            for s in rows)
    return n, len(rows)


def _current(child: Child903, p: date) -> tuple[Period, Episode] | None:
    for period in child.periods:
        if period.looked_after(p):
            for episode in period.episodes:
                if episode.decom <= p and (episode.dec is None or episode.dec > p):
                    return period, episode
    return None


def cc01(data: Landing, p: date) -> tuple[int, int]:
    d = n = 0
    for child in data.children.values():
        current = _current(child, p)
        if current and current[1].place in FOSTER:
            d += 1
            n += current[1].provider == "PR1"
    return n, d


def cc02(data: Landing, p: date) -> tuple[int, int]:
    d = n = 0
    for child in data.children.values():
        current = _current(child, p)
        if current is None or age_at(child.dob, p) >= 16:
            continue
        period, _ = current
        if period.start > months_before(p, 30):
            continue
        d += 1
        placement = max((pl_ for pl_ in child.placements if pl_.start <= p),
                        key=lambda pl_: pl_.start)
        stable = placement.start <= months_before(p, 24)
        episode = current[1]
        if not stable and episode.place in ADOPTION:
            # LAIT 393: placed for adoption, and the adoptive placement (the run of A3-A6
            # episodes up to now) together with the placement before it lasts 2 years
            before = [e for e in period.episodes if e.decom < episode.decom and e.place not in ADOPTION]
            if before:
                last = max(before, key=lambda e: e.decom)
                previous = max((pl_ for pl_ in child.placements if pl_.start <= last.decom),
                               key=lambda pl_: pl_.start)
                stable = previous.start <= months_before(p, 24)
        n += stable
    return n, d


def cc03(data: Landing, p: date) -> tuple[int, int]:
    by_child: dict[str, list[date]] = defaultdict(list)
    for child_id, review in data.reviews:
        by_child[child_id].append(review)
    d = n = 0
    for child_id, reviews in by_child.items():
        child = data.children.get(child_id)
        periods = child.periods if child else []
        for review in reviews:
            if not in_quarter(review, p):
                continue
            d += 1
            period = next((x for x in periods if x.start <= review
                           and (x.end is None or review <= x.end)), None)
            if period is None:
                continue
            earlier = sorted(r for r in reviews if period.start <= r < review)
            if not earlier:
                n += within_working_days(period.start, review, 20)
            elif len(earlier) == 1:
                n += review <= earlier[0] + relativedelta(months=3)
            else:
                n += review <= earlier[-1] + relativedelta(months=6)
    return n, d


def cc04(data: Landing, p: date) -> tuple[int, int]:
    year_start = months_before(p, 12) + timedelta(days=1)
    d = n = 0
    for child in data.children.values():
        if _current(child, p) is None:
            continue
        d += 1
        overlapping = [x for x in child.placements
                       if x.start <= p and (x.end is None or x.end >= year_start)]
        n += len(overlapping) >= 3
    return n, d


def cc05(data: Landing, p: date) -> tuple[int, int]:
    months = {(quarter_first_day(p) + relativedelta(months=i)).strftime("%Y-%m") for i in range(3)}
    sessions: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for row in data.attendance:
        if row["month"] in months:
            sessions[row["child_id"]][0] += int(row["sessions_possible"])
            sessions[row["child_id"]][1] += int(row["sessions_missed"])
    d = n = 0
    for child_id, (possible, missed) in sessions.items():
        child = data.children.get(child_id)
        if child is None or possible <= 0 or _current(child, p) is None:
            continue
        d += 1
        n += missed * 10 >= possible
    return n, d


def cc06(data: Landing, p: date) -> tuple[int, int]:
    d = n = 0
    for child in data.children.values():
        for i, period in enumerate(child.periods):
            if not in_quarter(period.start, p):
                continue
            d += 1
            if i > 0:
                previous = child.periods[i - 1]
                n += previous.end is not None and previous.end >= months_before(period.start, 12)
    return n, d


def _care_leaver_cohort(data: Landing, p: date, youngest: int, oldest: int) -> list[dict]:
    latest: dict[str, dict] = {}
    for row in data.leavers:
        day = _iso(row["contact_date"])
        if day <= p and (row["child_id"] not in latest
                         or day > _iso(latest[row["child_id"]]["contact_date"])):
            latest[row["child_id"]] = row
    return [row for row in latest.values()
            if youngest <= age_at(_iso(row["dob"]), p) <= oldest
            and row["in_touch"] not in EXCLUDED_LEAVERS]


def cl01(data: Landing, p: date, youngest: int = 19, oldest: int = 21) -> tuple[int, int]:
    # LAIT 112 also leaves out those gone abroad (G), deported (H) or whose residence is not
    # known (R): their suitability is not known
    cohort = [row for row in _care_leaver_cohort(data, p, youngest, oldest)
              if row["accommodation"][:1] not in ("G", "H", "R")]
    return sum(row["accommodation"].endswith("1") for row in cohort), len(cohort)


def cl02(data: Landing, p: date, youngest: int = 19, oldest: int = 21) -> tuple[int, int]:
    cohort = _care_leaver_cohort(data, p, youngest, oldest)
    return sum(row["activity"] in EET for row in cohort), len(cohort)


KPIS = {"QA01": qa01, "QA02": qa02, "CA01": ca01, "CA02": ca02, "CA03": ca03, "HP01": hp01,
        "HP02": hp02, "HP03": hp03, "HP04": hp04, "CC01": cc01, "CC02": cc02, "CC03": cc03,
        "CC04": cc04, "CC05": cc05, "CC06": cc06, "CL01": cl01, "CL02": cl02}


# --- entry points -------------------------------------------------------------------------------


def landing_data(landing_dir: Path, period_end: date, include_short_breaks: bool = False
                 ) -> Landing | None:
    social_care = _extract_folder(Path(landing_dir) / "social_care", period_end)
    if social_care is None:
        return None
    education = _extract_folder(Path(landing_dir) / "education", period_end)
    return _load(social_care, education, include_short_breaks)


def _row(code: str, council: str, period_end: date, n: int, d: int) -> dict:
    return {"council_code": council, "period_end": period_end, "numerator": float(n),
            "denominator": float(d), "value": 100 * n / d if d else None, **code}


def compute_csc(landing_dir: Path, period_ends: list[date],
                include_short_breaks: bool = False) -> pl.DataFrame:
    """numerator, denominator and unrounded value (x100) of the 17 CSC KPIs per period end.
    `include_short_breaks` keeps V3/V4 episodes (wrongly), for tests that show they matter."""
    rows = []
    for period_end in period_ends:
        data = landing_data(landing_dir, period_end, include_short_breaks)
        if data is None:
            continue
        for code, kpi in KPIS.items():
            n, d = kpi(data, period_end)
            rows.append(_row({"kpi_code": code}, data.council, period_end, n, d))
    return pl.DataFrame(rows, schema=RESULT_SCHEMA).sort("kpi_code", "council_code", "period_end")


def compute_csc_facts(landing_dir: Path, period_ends: list[date]) -> pl.DataFrame:
    """The commentary's figures: HP02 over the rolling 12 months (the four quarters' numerators
    over their denominators), HP03's count, and CL01/CL02 for all ages 17-21 and the youngest
    group 17-18."""
    rows = []
    for period_end in period_ends:
        data = landing_data(landing_dir, period_end)
        if data is None:
            continue
        quarters = [period_end - relativedelta(months=3 * i) for i in range(4)]
        quarters = [q + relativedelta(day=31) for q in quarters]
        parts = [hp02(landing_data(landing_dir, q) or data, q) for q in quarters]
        facts = {
            "HP02 rolling 12 months": (sum(n for n, _ in parts), sum(d for _, d in parts)),
            "HP03 two years or more": hp03(data, period_end),
            "CL01 all ages 17-21": cl01(data, period_end, 17, 21),
            "CL01 youngest 17-18": cl01(data, period_end, 17, 18),
            "CL02 all ages 17-21": cl02(data, period_end, 17, 21),
            "CL02 youngest 17-18": cl02(data, period_end, 17, 18),
        }
        for fact, (n, d) in facts.items():
            rows.append(_row({"fact": fact}, data.council, period_end, n, d))
    return pl.DataFrame(rows, schema=FACT_SCHEMA).sort("fact", "council_code", "period_end")


def quarter_ends_before(period_end: date, count: int) -> list[date]:
    """The `count` quarter ends up to and including `period_end`, oldest first."""
    return [(period_end - relativedelta(months=3 * i)) + relativedelta(day=31)
            for i in reversed(range(count))]

