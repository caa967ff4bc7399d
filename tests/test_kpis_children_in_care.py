"""CC01-CC06 on a few 903 and attendance records written out here, expected figures worked by hand.

Each KPI gets its own small landing zone (903 header/episodes/reviews in DfE's CSV layout, and
education attendance for CC05), built once through the plain pipeline for the run ending
Q1 = 30 Jun 2023 (Q1 2023/24 = 1 Apr-30 Jun 2023; Q4 2022/23 = 1 Jan-31 Mar 2023; the 12 months to
Q1 run from 1 Jul 2022). Child ids say which KPI they belong to; the drill-through rows are mapped
back from child_key to the id with the same keyed pseudonym the build uses.

Calendar facts used (England and Wales): Good Friday 7 Apr 2023, Easter Monday 10 Apr 2023, Early
May bank holiday 1 May 2023, Coronation 8 May 2023, Spring bank holiday 29 May 2023.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from conftest import build_without_prefect
from helpers.csc_landing import COUNCIL, child, episode, review, write_903, write_attendance
from scorecard.build.pseudonymise import pseudonym, resolve_key

D = dt.date
Q4 = D(2023, 3, 31)
Q1 = D(2023, 6, 30)
KID = D(2012, 5, 1)  # a date of birth that leaves the child well under 16 throughout


def build(tmp_path_factory, name, header, episodes, reviews=(), attendance=None):
    root = tmp_path_factory.mktemp(name)
    landing = root / "landing"
    write_903(landing, header, episodes, reviews)
    if attendance is not None:
        write_attendance(landing, attendance)
    warehouse = root / "wh.duckdb"
    build_without_prefect(landing, warehouse, Q1)
    con = duckdb.connect(str(warehouse), read_only=True)
    # nothing written here may be quarantined: every record reaches the models
    assert con.execute("SELECT count(*) FROM quarantine.rows").fetchone()[0] == 0
    return con


class Built:
    """A built warehouse and the child ids written to it."""

    def __init__(self, con, child_ids):
        self.con = con
        key = resolve_key(True)
        self.ids = {pseudonym(key, "child", f"{COUNCIL}:{c}"): c for c in child_ids}

    def detail(self, model, period_end, *extra):
        """{child id: (numerator_value, denominator_value, *extra)} of a drill-through model."""
        columns = ", ".join(("subject_key", "numerator_value", "denominator_value") + extra)
        rows = self.con.execute(
            f"SELECT {columns} FROM kpis.{model}_detail WHERE council_code = ? AND period_end = ?",
            [COUNCIL, period_end]).fetchall()
        return {self.ids[r[0]]: tuple(r[1:]) for r in rows}

    def rows(self, model, period_end, *columns):
        """Several rows per child (CC03: one per review): sorted (child id, *columns)."""
        rows = self.con.execute(
            f"SELECT subject_key, {', '.join(columns)} FROM kpis.{model}_detail "
            "WHERE council_code = ? AND period_end = ?", [COUNCIL, period_end]).fetchall()
        return sorted((self.ids[r[0]],) + tuple(r[1:]) for r in rows)

    def totals(self, model, period_end):
        """(numerator, denominator) of the KPI model itself."""
        row = self.con.execute(
            f"SELECT numerator, denominator FROM kpis.{model} WHERE council_code = ? AND period_end = ?",
            [COUNCIL, period_end]).fetchone()
        if row is None:
            pytest.fail(f"kpis.{model} has no row for council {COUNCIL} at {period_end}: kpi_totals "
                        "takes its councils from intermediate.int_councils, which must list the "
                        "councils of the 903 and attendance extracts")
        return row


def ids_of(header, episodes):
    return {h["child"] for h in header} | {e["child"] for e in episodes}


# --------------------------------------------------------------------------------------------
# CC01 % of foster placements with the council's own carers (snapshot)
# --------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def cc01(tmp_path_factory):
    header = [child(c, KID) for c in ("F1", "F2", "F3", "F4", "F5", "F6", "F7")]
    episodes = [
        # in-house foster care (U4, PR1) since 1 Jan 2023
        episode("F1", D(2023, 1, 1), place="U4", provider="PR1"),
        # private fostering agency (PR4): foster care, not in-house
        episode("F2", D(2023, 1, 1), place="U6", provider="PR4"),
        # in-house residential home (R1): not foster care at all
        episode("F3", D(2023, 1, 1), place="R1", provider="PR1"),
        # left care on the period end itself: not looked after at Q1 (but is at Q4)
        episode("F4", D(2023, 1, 1), place="U4", provider="PR1", dec=Q1),
        # started on the period end itself: looked after at Q1
        episode("F5", Q1, place="U1", provider="PR1"),
        # short breaks only (V3 then V4): never counted, although the place is in-house fostering
        episode("F6", D(2023, 1, 1), ls="V3", place="U4", provider="PR1", dec=D(2023, 1, 31), rec="E8"),
        episode("F6", D(2023, 3, 1), ls="V4", place="U4", provider="PR1"),
        # agency carer until a move on 1 May 2023 (X1, same day) to in-house carers: the current
        # episode decides, so not in-house at Q4 and in-house at Q1
        episode("F7", D(2023, 1, 1), place="U4", provider="PR4", dec=D(2023, 5, 1), rec="X1"),
        episode("F7", D(2023, 5, 1), rne="P", place="U4", provider="PR1"),
    ]
    return Built(build(tmp_path_factory, "cc01", header, episodes), ids_of(header, episodes))


def test_cc01_foster_children_in_house(cc01):
    # Q1: foster children F1 (PR1), F2 (PR4), F5 (PR1, started on P), F7 (PR1 since May);
    # F3 is residential, F4 left on P, F6 is on short breaks
    assert cc01.detail("kpi_cc01_in_house_fostering", Q1, "place_provider") == {
        "F1": (1, 1, "PR1"), "F2": (0, 1, "PR4"), "F5": (1, 1, "PR1"), "F7": (1, 1, "PR1")}
    # Q4: F1, F2, F4 (still looked after on 31 Mar), F7 (still with the agency carer)
    assert cc01.detail("kpi_cc01_in_house_fostering", Q4) == {
        "F1": (1, 1), "F2": (0, 1), "F4": (1, 1), "F7": (0, 1)}


def test_cc01_kpi_model(cc01):
    assert cc01.totals("kpi_cc01_in_house_fostering", Q1) == (3, 4)    # 75.0%
    assert cc01.totals("kpi_cc01_in_house_fostering", Q4) == (2, 4)    # 50.0%


def test_short_breaks_are_not_care(cc01):
    # V3/V4 episodes are dropped before anything else: F6 has no episode, period or placement
    f6 = pseudonym(resolve_key(True), "child", f"{COUNCIL}:F6")
    for relation in ("int_social_care__episodes_in_care", "int_social_care__periods_of_care",
                     "int_social_care__placements", "int_social_care__looked_after_at_period_end"):
        assert cc01.con.execute(f"SELECT count(*) FROM intermediate.{relation} WHERE child_key = ?",
                                [f6]).fetchone()[0] == 0


# --------------------------------------------------------------------------------------------
# CC02 long-term placement stability (snapshot). At Q1: P - 30 months = 30 Dec 2020 (30 June back
# 30 months keeps the day), P - 24 months = 30 Jun 2021.
# --------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def cc02(tmp_path_factory):
    header = [child(c, KID) for c in ("S1", "S2", "S5", "S6", "S7", "S8")] + [
        child("S3", D(2007, 6, 30)),     # 16th birthday on Q1: 16, not under 16
        child("S4", D(2007, 7, 1)),      # 16th birthday the day after Q1: 15 at Q1
    ]                                    # S9 has no header row, so no date of birth
    episodes = [
        # in care exactly 2.5 years at Q1 (from 30 Dec 2020), one placement throughout
        episode("S1", D(2020, 12, 30)),
        # one day short of 2.5 years
        episode("S2", D(2020, 12, 31)),
        # 16 on Q1: out, despite years in the same placement
        episode("S3", D(2019, 1, 1)),
        # 15 at Q1; moved (rne P) exactly 24 months before Q1: the placement counts as 2 years
        episode("S4", D(2019, 1, 1), dec=D(2021, 6, 30), rec="X1"),
        episode("S4", D(2021, 6, 30), rne="P"),
        # a legal status change (L, C1 -> C2) and a placement change with the same carers (U,
        # short-term U6 -> long-term U4): neither starts a new placement, which runs from 2019
        episode("S5", D(2019, 1, 1), ls="C1", place="U6", dec=D(2022, 3, 1), rec="X1"),
        episode("S5", D(2022, 3, 1), rne="L", ls="C2", place="U6", dec=D(2023, 1, 1), rec="X1"),
        episode("S5", D(2023, 1, 1), rne="U", ls="C2", place="U4"),
        # the first episode ceased X1 on 15 Mar 2021 and the next began the day after: X1 keeps
        # it one period of care (from 1 Jun 2020); the new placement began 16 Mar 2021
        episode("S6", D(2020, 6, 1), dec=D(2021, 3, 15), rec="X1"),
        episode("S6", D(2021, 3, 16), rne="P"),
        # the same dates, but the child left care (E13) and came back the next day: a new period
        # of care from 16 Mar 2021, under 2.5 years
        episode("S7", D(2020, 6, 1), dec=D(2021, 3, 15), rec="E13"),
        episode("S7", D(2021, 3, 16), rne="S"),
        # moved one day less than 24 months before Q1: not 2 years in the placement
        episode("S8", D(2019, 1, 1), dec=D(2021, 7, 1), rec="X1"),
        episode("S8", D(2021, 7, 1), rne="P"),
        # no date of birth, so no age: left out
        episode("S9", D(2019, 1, 1)),
    ]
    return Built(build(tmp_path_factory, "cc02", header, episodes), ids_of(header, episodes))


def test_cc02_long_term_stability(cc02):
    detail = cc02.detail("kpi_cc02_long_term_stability", Q1, "period_of_care_start", "placement_start")
    assert detail == {
        "S1": (1, 1, D(2020, 12, 30), D(2020, 12, 30)),   # 2.5 years exactly, same placement
        "S4": (1, 1, D(2019, 1, 1), D(2021, 6, 30)),      # 15; placement exactly 24 months
        "S5": (1, 1, D(2019, 1, 1), D(2019, 1, 1)),       # L and U continue the placement
        "S6": (1, 1, D(2020, 6, 1), D(2021, 3, 16)),      # X1 joins the period
        "S8": (0, 1, D(2019, 1, 1), D(2021, 7, 1)),       # placement one day short of 2 years
    }
    # out of the denominator: S2 (2.5 years less a day), S3 (16 on Q1), S7 (period restarted
    # 16 Mar 2021), S9 (no date of birth)


def test_cc02_kpi_model(cc02):
    assert cc02.totals("kpi_cc02_long_term_stability", Q1) == (4, 5)   # 80.0%


def test_cc02_age_on_the_period_end(cc02):
    ages = dict(cc02.con.execute(
        "SELECT child_key, age_at_period_end FROM intermediate.int_social_care__looked_after_at_period_end "
        "WHERE period_end = ?", [Q1]).fetchall())
    assert ages[next(k for k, c in cc02.ids.items() if c == "S3")] == 16
    assert ages[next(k for k, c in cc02.ids.items() if c == "S4")] == 15


# --------------------------------------------------------------------------------------------
# CC03 reviews in time (latest quarter)
# --------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def cc03(tmp_path_factory):
    header = [child(c, KID) for c in ("R1", "R2", "R3", "R4", "R5", "R6", "R7", "R8")]
    episodes = [
        episode("R1", D(2023, 4, 3)),                     # Monday 3 Apr 2023 = working day 0
        episode("R2", D(2023, 4, 3)),
        episode("R3", D(2023, 1, 3)),
        episode("R4", D(2023, 1, 3)),
        episode("R5", D(2022, 9, 1)),
        episode("R6", D(2022, 9, 1)),
        episode("R7", D(2023, 1, 3), ls="V3", dec=D(2023, 4, 28), rec="E8"),   # short breaks
        # two periods of care: Jan 2022-1 Mar 2023, then again from Tuesday 2 May 2023
        episode("R8", D(2022, 1, 10), dec=D(2023, 3, 1), rec="E13"),
        episode("R8", D(2023, 5, 2)),
    ]
    r = lambda c, d: review(c, d, KID)  # noqa: E731
    reviews = [
        # From Mon 3 Apr 2023: 4-6 Apr = 1-3, (7 and 10 Apr bank holidays), 11-14 Apr = 4-7,
        # 17-21 Apr = 8-12, 24-28 Apr = 13-17, (1 May bank holiday), 2-4 May = 18-20, 5 May = 21.
        r("R1", D(2023, 5, 4)),         # 1st review on working day 20: in time
        r("R2", D(2023, 5, 5)),         # 1st review on working day 21: late
        # From Tue 3 Jan 2023: 1st review Fri 20 Jan = working day 13 (in Q4, in time);
        # the 2nd is due 3 months later, 20 Apr 2023
        r("R3", D(2023, 1, 20)), r("R3", D(2023, 4, 20)),   # on the due date: in time
        r("R4", D(2023, 1, 20)), r("R4", D(2023, 4, 21)),   # a day after: late
        # 1st 15 Sep 2022, 2nd 15 Dec 2022 (due 15 Dec), 3rd due 6 months after the 2nd, 15 Jun 2023
        r("R5", D(2022, 9, 15)), r("R5", D(2022, 12, 15)), r("R5", D(2023, 6, 15)),   # in time
        r("R6", D(2022, 9, 15)), r("R6", D(2022, 12, 15)), r("R6", D(2023, 6, 16)),   # late
        # a short-break review: no period of care, left out
        r("R7", D(2023, 4, 20)),
        # the new period's 1st review, 20 working days from Tue 2 May (8 and 29 May bank
        # holidays): Wed 31 May is working day 19, in time. Counted from the previous review
        # (1 Feb 2022) it would have been due by 1 Aug 2022.
        r("R8", D(2022, 2, 1)), r("R8", D(2023, 5, 31)),
    ]
    return Built(build(tmp_path_factory, "cc03", header, episodes, reviews), ids_of(header, episodes))


def test_cc03_reviews_in_time_q1(cc03):
    assert cc03.rows("kpi_cc03_reviews_in_time", Q1, "review_date", "review_number", "due_date",
                     "numerator_value", "denominator_value") == [
        ("R1", D(2023, 5, 4), 1, D(2023, 5, 4), 1, 1),
        ("R2", D(2023, 5, 5), 1, D(2023, 5, 4), 0, 1),
        ("R3", D(2023, 4, 20), 2, D(2023, 4, 20), 1, 1),
        ("R4", D(2023, 4, 21), 2, D(2023, 4, 20), 0, 1),
        ("R5", D(2023, 6, 15), 3, D(2023, 6, 15), 1, 1),
        ("R6", D(2023, 6, 16), 3, D(2023, 6, 15), 0, 1),
        ("R8", D(2023, 5, 31), 1, D(2023, 6, 1), 1, 1),
    ]


def test_cc03_kpi_model(cc03):
    assert cc03.totals("kpi_cc03_reviews_in_time", Q1) == (4, 7)    # 57.1%
    assert cc03.totals("kpi_cc03_reviews_in_time", Q4) == (2, 2)    # 100.0%


def test_cc03_working_days_from_start(cc03):
    days = {c: w for c, w in cc03.rows("kpi_cc03_reviews_in_time", Q1, "working_days_from_start")}
    assert (days["R1"], days["R2"], days["R8"]) == (20, 21, 19)


def test_cc03_reviews_q4(cc03):
    # Q4: the 1st reviews of R3 and R4 (20 Jan 2023, working day 13), both in time
    assert cc03.rows("kpi_cc03_reviews_in_time", Q4, "review_date", "numerator_value") == [
        ("R3", D(2023, 1, 20), 1), ("R4", D(2023, 1, 20), 1)]


# --------------------------------------------------------------------------------------------
# CC04 three or more placements in the 12 months to the period end (snapshot). 12 months to Q1:
# 1 Jul 2022-30 Jun 2023.
# --------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def cc04(tmp_path_factory):
    header = [child(c, KID) for c in ("P1", "P2", "P3", "P4", "P5", "P6", "P7")]
    x1 = "X1"
    episodes = [
        # three placements, the first ending 1 Sep 2022, inside the 12 months
        episode("P1", D(2022, 1, 1), dec=D(2022, 9, 1), rec=x1),
        episode("P1", D(2022, 9, 1), rne="P", place="U6", dec=D(2023, 2, 1), rec=x1),
        episode("P1", D(2023, 2, 1), rne="P"),
        # the first placement ended 30 Jun 2022, the day before the 12 months: two placements
        episode("P2", D(2022, 1, 1), dec=D(2022, 6, 30), rec=x1),
        episode("P2", D(2022, 6, 30), rne="P", place="U6", dec=D(2023, 2, 1), rec=x1),
        episode("P2", D(2023, 2, 1), rne="P"),
        # the first placement ended on 1 Jul 2022, the 12 months' first day: three placements
        episode("P3", D(2022, 1, 1), dec=D(2022, 7, 1), rec=x1),
        episode("P3", D(2022, 7, 1), rne="P", place="U6", dec=D(2023, 2, 1), rec=x1),
        episode("P3", D(2023, 2, 1), rne="P"),
        # four episodes but two placements: L (legal status only) and U (same carers) continue
        episode("P4", D(2023, 1, 1), ls="C1", place="U6", dec=D(2023, 3, 1), rec=x1),
        episode("P4", D(2023, 3, 1), rne="L", ls="C2", place="U6", dec=D(2023, 4, 1), rec=x1),
        episode("P4", D(2023, 4, 1), rne="U", place="U4", dec=D(2023, 5, 1), rec=x1),
        episode("P4", D(2023, 5, 1), rne="P", place="U4"),
        # placements in two periods of care count together: one in Aug-Oct 2022, two since Dec
        episode("P5", D(2022, 8, 1), place="R1", dec=D(2022, 10, 1), rec="E13"),
        episode("P5", D(2022, 12, 1), dec=D(2023, 3, 1), rec=x1),
        episode("P5", D(2023, 3, 1), rne="P"),
        # three placements but left care on the period end: not looked after at Q1
        episode("P6", D(2022, 8, 1), dec=D(2022, 10, 1), rec=x1),
        episode("P6", D(2022, 10, 1), rne="P", dec=D(2023, 1, 1), rec=x1),
        episode("P6", D(2023, 1, 1), rne="P", dec=Q1),
        # two short breaks (V3) then one placement in care: one placement
        episode("P7", D(2022, 8, 1), ls="V3", dec=D(2022, 8, 3), rec="E8"),
        episode("P7", D(2022, 10, 1), ls="V3", dec=D(2022, 10, 3), rec="E8"),
        episode("P7", D(2023, 1, 1)),
    ]
    return Built(build(tmp_path_factory, "cc04", header, episodes), ids_of(header, episodes))


def test_cc04_three_placements(cc04):
    assert cc04.detail("kpi_cc04_three_placements", Q1, "placements_in_year") == {
        "P1": (1, 1, 3), "P2": (0, 1, 2), "P3": (1, 1, 3), "P4": (0, 1, 2), "P5": (1, 1, 3),
        "P7": (0, 1, 1)}


def test_cc04_kpi_model(cc04):
    assert cc04.totals("kpi_cc04_three_placements", Q1) == (3, 6)   # 50.0%
    assert cc04.totals("kpi_cc04_three_placements", Q4) == (5, 7)   # 71.4%


def test_cc04_period_end_a_quarter_earlier(cc04):
    # 12 months to Q4: 1 Apr 2022-31 Mar 2023. P4 is now on its 2nd episode (L): one placement.
    # P6 is looked after (3 placements); P5 has three (Aug-Oct, Dec-Mar, from 1 Mar).
    assert cc04.detail("kpi_cc04_three_placements", Q4, "placements_in_year") == {
        "P1": (1, 1, 3), "P2": (1, 1, 3), "P3": (1, 1, 3), "P4": (0, 1, 1), "P5": (1, 1, 3),
        "P6": (1, 1, 3), "P7": (0, 1, 1)}


# --------------------------------------------------------------------------------------------
# CC05 persistent absence (snapshot; the school months of the quarter)
# --------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def cc05(tmp_path_factory):
    header = [child(c, D(2010, 9, 1)) for c in ("A1", "A2", "A3", "A4")]
    episodes = [
        episode("A1", D(2022, 1, 1)),
        episode("A2", D(2022, 1, 1)),
        episode("A3", D(2022, 1, 1)),
        episode("A4", D(2022, 1, 1), dec=Q1),    # left care on the period end
    ]

    def month(c, m, possible, missed):
        return dict(child_id=c, month=m, sessions_possible=possible, sessions_missed=missed)

    attendance = [
        # 40 + 36 + 44 = 120 sessions, 2 + 4 + 6 = 12 missed: exactly 10%, persistently absent
        month("A1", "2023-04", 40, 2), month("A1", "2023-05", 36, 4), month("A1", "2023-06", 44, 6),
        # 120 sessions, 11 missed: 9.2%
        month("A2", "2023-04", 40, 2), month("A2", "2023-05", 36, 4), month("A2", "2023-06", 44, 5),
        # A3 missed all of March (Q4) and had no sessions in April or later: in Q4 only
        month("A3", "2023-03", 40, 40), month("A3", "2023-04", 0, 0),
        # A4 is not looked after at Q1
        month("A4", "2023-04", 40, 30),
        # a July month is outside Q1
        month("A2", "2023-07", 30, 30),
    ]
    return Built(build(tmp_path_factory, "cc05", header, episodes, attendance=attendance),
                 ids_of(header, episodes))


def test_cc05_persistent_absence(cc05):
    assert cc05.detail("kpi_cc05_persistent_absence", Q1, "sessions_possible", "sessions_missed") == {
        "A1": (1, 1, 120, 12), "A2": (0, 1, 120, 11)}
    # Q4 (Jan-Mar 2023): only A3 has sessions, 40 of 40 missed
    assert cc05.detail("kpi_cc05_persistent_absence", Q4) == {"A3": (1, 1)}


def test_cc05_kpi_model(cc05):
    assert cc05.totals("kpi_cc05_persistent_absence", Q1) == (1, 2)   # 50.0%
    assert cc05.totals("kpi_cc05_persistent_absence", Q4) == (1, 1)   # 100.0%


# --------------------------------------------------------------------------------------------
# CC06 returns to care within 12 months (latest quarter)
# --------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def cc06(tmp_path_factory):
    header = [child(c, KID) for c in ("E1", "E2", "E3", "E4", "E6", "E7", "E8")]
    episodes = [
        # left 30 Jun 2022, back 30 Jun 2023: exactly 12 months, a return within 12 months
        episode("E1", D(2021, 1, 1), dec=D(2022, 6, 30)),
        episode("E1", D(2023, 6, 30)),
        # left 29 Jun 2022: 12 months and a day
        episode("E2", D(2021, 1, 1), dec=D(2022, 6, 29)),
        episode("E2", D(2023, 6, 30)),
        # first time in care
        episode("E3", D(2023, 5, 1)),
        # same-day change of placement (X1) in Q1: no new period of care
        episode("E4", D(2023, 1, 1), dec=D(2023, 5, 15), rec="X1"),
        episode("E4", D(2023, 5, 15), rne="P"),
        # short breaks in February, full-time care from May: the short breaks are no period of
        # care, so this is a first period, not a return
        episode("E6", D(2023, 2, 1), ls="V3", dec=D(2023, 2, 3), rec="E8"),
        episode("E6", D(2023, 5, 1)),
        # a V4 short-break arrangement starting in Q1: no period of care at all
        episode("E7", D(2023, 4, 12), ls="V4"),
        # left on 15 Apr 2023 and back on 20 May 2023
        episode("E8", D(2022, 10, 1), dec=D(2023, 4, 15)),
        episode("E8", D(2023, 5, 20)),
    ]
    return Built(build(tmp_path_factory, "cc06", header, episodes), ids_of(header, episodes))


def test_cc06_returned_to_care(cc06):
    assert cc06.detail("kpi_cc06_returned_to_care", Q1, "previous_period_of_care_end") == {
        "E1": (1, 1, D(2022, 6, 30)), "E2": (0, 1, D(2022, 6, 29)), "E3": (0, 1, None),
        "E6": (0, 1, None), "E8": (1, 1, D(2023, 4, 15))}
    # Q4: E4's period starting 1 Jan 2023, a first period
    assert cc06.detail("kpi_cc06_returned_to_care", Q4) == {"E4": (0, 1)}


def test_cc06_kpi_model(cc06):
    assert cc06.totals("kpi_cc06_returned_to_care", Q1) == (2, 5)   # 40.0%
    assert cc06.totals("kpi_cc06_returned_to_care", Q4) == (0, 1)   # 0.0%
    # a quarter with no period of care starting is a zero, not a missing row
    assert cc06.totals("kpi_cc06_returned_to_care", D(2022, 9, 30)) == (0, 0)


def test_x1_same_day_change_is_one_period(cc06):
    e4 = pseudonym(resolve_key(True), "child", f"{COUNCIL}:E4")
    assert cc06.con.execute(
        "SELECT period_of_care_start, period_of_care_end, episodes "
        "FROM intermediate.int_social_care__periods_of_care WHERE child_key = ?", [e4]).fetchall() == [
        (D(2023, 1, 1), None, 2)]
