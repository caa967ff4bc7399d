"""Children in care and care leavers on DfE's definitions (issue 10, items 3-6), on small hand-made
903 landing zones; every expected figure is worked by hand below from DfE's wording:

* RNE (DfE 903 codes): S started to be looked after; L change of legal status only; P change of
  placement and carer(s) only; T change of placement but same carer(s) only; U change of legal
  status and placement, same carer(s); B change of legal status, placement and carer(s). A new
  placement (new carers) starts on S, P and B (and on a period's first episode); L, T, U continue.
* LAIT 372 (CC04): "Where a child is subsequently placed for adoption with their existing foster
  carers, then this is not counted as a placement change."
* LAIT 393 (CC02): "living in the same placement for at least 2 years, or were placed for adoption
  and their adoptive placement together with their previous placement, last for at least 2
  years". Placed for adoption = place A3-A6.
* LAIT 112 (CL01) / 113 (CL02): former relevant young people whose 19th, 20th or 21st birthday
  falls between 1 April and 31 March; both exclude those who died or returned home (RHOM); 112
  also excludes those "gone abroad or been deported, or their residence is not known" (ACCOM G,
  H, R); both include those not in touch, refusing contact or no longer requiring services.

Runs end Q1 = 30 Jun 2023 (Q4 = 31 Mar 2023). Months: Q1 - 24 months = 30 Jun 2021, Q1 - 30
months = 30 Dec 2020; Q4 - 24 months = 31 Mar 2021, Q4 - 30 months = 30 Sep 2020. The 12 months
to Q1 run from 1 Jul 2022.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from conftest import build_without_prefect, run_without_prefect
from helpers.csc_landing import COUNCIL, care_leaver, child, episode, oc3_row, write_903
from scorecard.build.pseudonymise import pseudonym, resolve_key
from scorecard.publish.publication import published_path_for

D = dt.date
Q4 = D(2023, 3, 31)
Q1 = D(2023, 6, 30)
DEC22 = D(2022, 12, 31)
KID = D(2012, 5, 1)  # well under 16 throughout
X1 = "X1"


def ids(*child_ids):
    key = resolve_key(True)
    return {pseudonym(key, "child", f"{COUNCIL}:{c}"): c for c in child_ids}


def detail(con, names, model, period_end, *extra):
    """{child id: (numerator_value, denominator_value, *extra)} of a drill-through model."""
    columns = ", ".join(("subject_key", "numerator_value", "denominator_value") + extra)
    rows = con.execute(f"SELECT {columns} FROM kpis.{model}_detail "
                       "WHERE council_code = ? AND period_end = ?", [COUNCIL, period_end]).fetchall()
    return {names[r[0]]: tuple(r[1:]) for r in rows}


def totals(con, model, period_end):
    return con.execute(f"SELECT numerator, denominator FROM kpis.{model} "
                       "WHERE council_code = ? AND period_end = ?", [COUNCIL, period_end]).fetchone()


def build(tmp_path_factory, name, **files):
    root = tmp_path_factory.mktemp(name)
    write_903(root / "landing", **files)
    build_without_prefect(root / "landing", root / "wh.duckdb", Q1)
    con = duckdb.connect(str(root / "wh.duckdb"), read_only=True)
    # nothing written here may be quarantined: every record reaches the models
    assert con.execute("SELECT count(*) FROM quarantine.rows").fetchone()[0] == 0
    return con


# --------------------------------------------------------------------------------------------
# CC04: T and U are no move; P and B are. All start 1 Aug 2022, inside the 12 months to Q1.
# --------------------------------------------------------------------------------------------
CC04_CHILDREN = ("MT", "MU", "MP", "MB", "MA1", "MA2", "MA3")


@pytest.fixture(scope="module")
def cc04(tmp_path_factory):
    header = [child(c, KID) for c in CC04_CHILDREN]
    episodes = [
        # T twice: placement changes, same carers (short-term U6 -> long-term U4 -> U5)
        episode("MT", D(2022, 8, 1), place="U6", dec=D(2022, 12, 1), rec=X1),
        episode("MT", D(2022, 12, 1), rne="T", place="U4", dec=D(2023, 3, 1), rec=X1),
        episode("MT", D(2023, 3, 1), rne="T", place="U5"),
        # U twice: legal status and placement change, same carers
        episode("MU", D(2022, 8, 1), ls="C1", place="U6", dec=D(2022, 12, 1), rec=X1),
        episode("MU", D(2022, 12, 1), rne="U", ls="C2", place="U4", dec=D(2023, 3, 1), rec=X1),
        episode("MU", D(2023, 3, 1), rne="U", ls="C1", place="U5"),
        # P twice: new carers each time
        episode("MP", D(2022, 8, 1), place="U6", dec=D(2022, 12, 1), rec=X1),
        episode("MP", D(2022, 12, 1), rne="P", place="U4", dec=D(2023, 3, 1), rec=X1),
        episode("MP", D(2023, 3, 1), rne="P", place="U5"),
        # B twice: legal status, placement and carers
        episode("MB", D(2022, 8, 1), ls="C1", place="U6", dec=D(2022, 12, 1), rec=X1),
        episode("MB", D(2022, 12, 1), rne="B", ls="C2", place="U4", dec=D(2023, 3, 1), rec=X1),
        episode("MB", D(2023, 3, 1), rne="B", ls="C1", place="U5"),
        # new foster carers (P, placement order E1), then placed for adoption with them (T to A5)
        episode("MA1", D(2022, 8, 1), ls="C2", place="U6", dec=D(2022, 10, 1), rec=X1),
        episode("MA1", D(2022, 10, 1), rne="P", ls="E1", place="U4", dec=D(2023, 3, 1), rec=X1),
        episode("MA1", D(2023, 3, 1), rne="T", ls="E1", place="A5"),
        # the same, the placement order and the adoptive placement together (U to A3)
        episode("MA2", D(2022, 8, 1), ls="C2", place="U6", dec=D(2022, 10, 1), rec=X1),
        episode("MA2", D(2022, 10, 1), rne="P", ls="C2", place="U4", dec=D(2023, 3, 1), rec=X1),
        episode("MA2", D(2023, 3, 1), rne="U", ls="E1", place="A3"),
        # placed for adoption with new carers (P to A6): a move
        episode("MA3", D(2022, 8, 1), ls="C2", place="U6", dec=D(2022, 10, 1), rec=X1),
        episode("MA3", D(2022, 10, 1), rne="P", ls="E1", place="U4", dec=D(2023, 3, 1), rec=X1),
        episode("MA3", D(2023, 3, 1), rne="P", ls="E1", place="A6"),
    ]
    return build(tmp_path_factory, "dfe_cc04", header=header, episodes=episodes), ids(*CC04_CHILDREN)


def test_cc04_t_and_u_are_not_moves(cc04):
    con, names = cc04
    assert detail(con, names, "kpi_cc04_three_placements", Q1, "placements_in_year") == {
        "MT": (0, 1, 1),    # S then T, T: the same carers throughout, one placement
        "MU": (0, 1, 1),    # S then U, U: the same carers throughout, one placement
        "MP": (1, 1, 3),    # S, P, P: three sets of carers
        "MB": (1, 1, 3),    # S, B, B: three sets of carers
        "MA1": (0, 1, 2),   # S, P, then T into A5 with the foster carers: no move (LAIT 372)
        "MA2": (0, 1, 2),   # S, P, then U into A3 with the foster carers: no move (LAIT 372)
        "MA3": (1, 1, 3),   # S, P, then P into A6 with new carers: a third placement
    }
    assert totals(con, "kpi_cc04_three_placements", Q1) == (3, 7)   # 42.9%


def test_merged_placement_reports_its_start_and_current_place(cc04):
    con, names = cc04
    rows = con.execute("SELECT child_key, placement_number, placement_start, place, current_place, "
                       "episodes FROM intermediate.int_social_care__placements").fetchall()
    placements = {(names[k], n): (start, place, current, e) for k, n, start, place, current, e in rows}
    # MA1's second placement: with the carers from 1 Oct 2022 (U4), now an adoptive placement (A5)
    assert placements["MA1", 2] == (D(2022, 10, 1), "U4", "A5", 2)
    assert ("MA1", 3) not in placements
    # MT: one placement of three episodes, begun in U6, now U5
    assert placements["MT", 1] == (D(2022, 8, 1), "U6", "U5", 3)


def test_cc01_still_reads_the_current_episode(cc04):
    con, names = cc04
    # foster children at Q1 by their current episode: MT, MU, MP, MB (U5, PR1); MA1 (A5), MA2
    # (A3) and MA3 (A6) are placed for adoption, not fostered, although MA1's and MA2's merged
    # placements began in U4
    assert detail(con, names, "kpi_cc01_in_house_fostering", Q1, "place") == {
        "MT": (1, 1, "U5"), "MU": (1, 1, "U5"), "MP": (1, 1, "U5"), "MB": (1, 1, "U5")}


# --------------------------------------------------------------------------------------------
# CC02: the same-carer clock and LAIT 393's adoption clause. Every child is under 16 and in care
# since 1 Jan 2020 (2.5 years or more at both Q4 and Q1).
# --------------------------------------------------------------------------------------------
CC02_CHILDREN = ("C1", "C2", "C3", "C4", "C5", "C6", "C7", "C8", "C9")


@pytest.fixture(scope="module")
def cc02(tmp_path_factory):
    header = [child(c, KID) for c in CC02_CHILDREN]
    start = D(2020, 1, 1)
    episodes = [
        # T on 1 Jan 2022 (U6 -> U4, same carers): the placement runs from 2020
        episode("C1", start, place="U6", dec=D(2022, 1, 1), rec=X1),
        episode("C1", D(2022, 1, 1), rne="T", place="U4"),
        # U on 1 Jan 2022 (C1 -> C2, U6 -> U4, same carers): the placement runs from 2020
        episode("C2", start, ls="C1", place="U6", dec=D(2022, 1, 1), rec=X1),
        episode("C2", D(2022, 1, 1), rne="U", ls="C2", place="U4"),
        # P on 1 Jan 2022: new carers, placement from 2022
        episode("C3", start, place="U6", dec=D(2022, 1, 1), rec=X1),
        episode("C3", D(2022, 1, 1), rne="P", place="U4"),
        # B on 1 Jan 2022: new legal status and carers, placement from 2022
        episode("C4", start, ls="C1", place="U6", dec=D(2022, 1, 1), rec=X1),
        episode("C4", D(2022, 1, 1), rne="B", ls="C2", place="U4"),
        # foster carers from 1 Jan 2021 (P), placement order (L, E1) 1 Jun 2022, placed for
        # adoption with the same carers (T, A5) 1 Mar 2023: one placement from 1 Jan 2021
        episode("C5", start, ls="C2", place="U4", dec=D(2021, 1, 1), rec=X1),
        episode("C5", D(2021, 1, 1), rne="P", ls="C2", place="U4", dec=D(2022, 6, 1), rec=X1),
        episode("C5", D(2022, 6, 1), rne="L", ls="E1", place="U4", dec=D(2023, 3, 1), rec=X1),
        episode("C5", D(2023, 3, 1), rne="T", ls="E1", place="A5"),
        # foster carers from 1 Jun 2020 (P), placement order 1 Sep 2022 (L), placed for adoption
        # with new carers (P, A6) 1 Feb 2023: the adoptive placement from 1 Feb 2023 together
        # with the previous placement from 1 Jun 2020
        episode("C6", start, ls="C2", place="U4", dec=D(2020, 6, 1), rec=X1),
        episode("C6", D(2020, 6, 1), rne="P", ls="C2", place="U4", dec=D(2022, 9, 1), rec=X1),
        episode("C6", D(2022, 9, 1), rne="L", ls="E1", place="U4", dec=D(2023, 2, 1), rec=X1),
        episode("C6", D(2023, 2, 1), rne="P", ls="E1", place="A6"),
        # the same but the previous placement began 1 Jan 2022
        episode("C7", start, ls="C2", place="U4", dec=D(2022, 1, 1), rec=X1),
        episode("C7", D(2022, 1, 1), rne="B", ls="E1", place="U4", dec=D(2023, 2, 1), rec=X1),
        episode("C7", D(2023, 2, 1), rne="P", ls="E1", place="A6"),
        # the previous placement began 30 Jun 2021, exactly Q1 - 24 months; placed for adoption
        # with new carers (P, A4) 15 Jan 2023
        episode("C8", start, ls="C2", place="U4", dec=D(2021, 6, 30), rec=X1),
        episode("C8", D(2021, 6, 30), rne="P", ls="C2", place="U4", dec=D(2023, 1, 15), rec=X1),
        episode("C8", D(2023, 1, 15), rne="P", ls="C2", place="A4"),
        # a placement order (E1) but not placed for adoption: new foster carers 1 Mar 2022
        episode("C9", start, ls="C2", place="U4", dec=D(2022, 3, 1), rec=X1),
        episode("C9", D(2022, 3, 1), rne="B", ls="E1", place="U4"),
    ]
    return build(tmp_path_factory, "dfe_cc02", header=header, episodes=episodes), ids(*CC02_CHILDREN)


def test_cc02_same_carers_and_adoption_clause_q1(cc02):
    con, names = cc02
    got = detail(con, names, "kpi_cc02_long_term_stability", Q1, "placement_start",
                 "adoption_previous_placement_start")
    assert got == {
        "C1": (1, 1, D(2020, 1, 1), None),            # T kept the carers: since 2020
        "C2": (1, 1, D(2020, 1, 1), None),            # U kept the carers: since 2020
        "C3": (0, 1, D(2022, 1, 1), None),            # P: new carers 1 Jan 2022, < 2 years
        "C4": (0, 1, D(2022, 1, 1), None),            # B: new carers 1 Jan 2022, < 2 years
        "C5": (1, 1, D(2021, 1, 1), D(2021, 1, 1)),   # adopted by its foster carers (T): with
                                                      # them since 1 Jan 2021 <= 30 Jun 2021
        "C6": (1, 1, D(2023, 2, 1), D(2020, 6, 1)),   # A6 from 1 Feb 2023 + previous from
                                                      # 1 Jun 2020: 3 years together (LAIT 393)
        "C7": (0, 1, D(2023, 2, 1), D(2022, 1, 1)),   # A6 + previous from 1 Jan 2022: 1.5 years
        "C8": (1, 1, D(2023, 1, 15), D(2021, 6, 30)),  # A4 + previous from 30 Jun 2021: exactly
                                                      # 2 years at Q1
        "C9": (0, 1, D(2022, 3, 1), None),            # E1 but placed with foster carers, not
                                                      # for adoption: no clause; new carers 2022
    }
    assert totals(con, "kpi_cc02_long_term_stability", Q1) == (5, 9)   # C1 C2 C5 C6 C8: 55.6%


def test_cc02_adoption_clause_q4(cc02):
    con, names = cc02
    # Q4 - 24 months = 31 Mar 2021: C1, C2 (since 2020), C5 (since 1 Jan 2021) and C6 (A6 + the
    # placement from 1 Jun 2020) count; C8's previous placement began 30 Jun 2021, too late
    numerators = {c: v[0] for c, v in detail(con, names, "kpi_cc02_long_term_stability", Q4).items()}
    assert numerators == {"C1": 1, "C2": 1, "C3": 0, "C4": 0, "C5": 1, "C6": 1, "C7": 0, "C8": 0,
                          "C9": 0}
    assert totals(con, "kpi_cc02_long_term_stability", Q4) == (4, 9)   # 44.4%


# --------------------------------------------------------------------------------------------
# CL01/CL02 from the 903 OC3. The 903 episodes began in May 2022 and the extract is dated
# 7 Jul 2023: the OC3 describes the year 1 Apr 2022 - 31 Mar 2023 (first 31 March on or after
# the latest DECOM = 31 Mar 2023; latest 31 March by the extract date = 31 Mar 2023). The
# cohort: aged 19, 20 or 21 on 31 Mar 2023 (that birthday fell in the year).
# --------------------------------------------------------------------------------------------
OC3_ROWS = [
    oc3_row("O1", D(2003, 4, 1), "YES", "F2", "U1"),    # 19th birthday 1 Apr 2022 (first day)
    oc3_row("O2", D(2002, 3, 31), "YES", "G5", "D1"),   # 21st birthday 31 Mar 2023 (last day)
    oc3_row("O3", D(2001, 3, 31), "YES", "F1", "U1"),   # 22nd birthday in the year: out
    oc3_row("O4", D(2004, 4, 1), "YES", "F1", "U1"),    # 19th birthday 1 Apr 2023: 18, out
    oc3_row("O5", D(2003, 6, 15), "NO"),                # 19, not in touch
    oc3_row("O6", D(2002, 9, 1), "REFU"),               # 20, refused contact
    oc3_row("O7", D(2002, 10, 10), "NREQ"),             # 20, no longer requires services
    oc3_row("O8", D(2001, 12, 1), "DIED"),              # 21, died
    oc3_row("O9", D(2001, 5, 5), "RHOM"),               # 21, returned home
    oc3_row("O10", D(2003, 1, 20), "YES", "F4", "G1"),  # 20, gone abroad, in education
    oc3_row("O11", D(2002, 2, 2), "YES", "G6", "H2"),   # 21, deported, not EET
    oc3_row("O12", D(2003, 8, 8), "YES", "P5", "R2"),   # 19, residence not known, EET part time
    oc3_row("O13", D(2002, 7, 7), "YES", "G4", "S2"),   # 20, no fixed abode (not suitable), NEET
    oc3_row("O14", D(2003, 11, 11), "YES", "F5", "Z1"),  # 19, with former foster carers, EET
]
OC3_IDS = tuple(r["child"] for r in OC3_ROWS)
# one child looked after, whose episode began 1 May 2022 (and ended 10 Feb 2023)
LAC = dict(header=[child("K1", KID)],
           episodes=[episode("K1", D(2022, 5, 1), dec=D(2023, 2, 10), rec="E13")])
LOCAL_LIST = [
    care_leaver("L1", D(2002, 1, 1), D(2023, 5, 1), "YES", "F1", "U1"),   # 21 at Q1
    care_leaver("L2", D(2003, 1, 1), D(2023, 6, 1), "YES", "G5", "R1"),   # 20, residence not known
    care_leaver("L3", D(2004, 1, 1), D(2023, 6, 1), "YES", "G4", "B2"),   # 19, with parents, unsuitable
]


def run(tmp_path_factory, name, **files):
    root = tmp_path_factory.mktemp(name)
    write_903(root / "landing", **LAC, **files)
    outcome = run_without_prefect(root / "landing", root / "wh.duckdb", Q1)   # through the gate
    assert outcome["publication_id"], "the run must publish"
    build = duckdb.connect(str(root / "wh.duckdb"), read_only=True)
    assert build.execute("SELECT count(*) FROM quarantine.rows").fetchone()[0] == 0
    published = duckdb.connect(str(published_path_for(root / "wh.duckdb")), read_only=True)
    return build, published


@pytest.fixture(scope="module")
def oc3_only(tmp_path_factory):
    build, published = run(tmp_path_factory, "dfe_oc3_only", oc3=OC3_ROWS)
    yield build, published, ids(*OC3_IDS)
    build.close()
    published.close()


def test_oc3_collection_year(oc3_only):
    build, _, _ = oc3_only
    rows = build.execute("SELECT collection_year_start, collection_year_end, period_end "
                         "FROM intermediate.int_social_care__oc3_collection_years "
                         "WHERE council_code = ? ORDER BY period_end", [COUNCIL]).fetchall()
    # shown from the year's end up to 12 months after, within the quarters the run computes
    # (to Q1): 31 Mar 2023 and 30 Jun 2023
    assert rows == [(D(2022, 4, 1), Q4, Q4), (D(2022, 4, 1), Q4, Q1)]


def test_cl01_from_oc3(oc3_only):
    build, _, names = oc3_only
    assert detail(build, names, "kpi_cl01_care_leavers_suitable_accommodation", Q1, "accommodation") == {
        "O1": (1, 1, "U1"),    # 19, U1 independent living, suitable
        "O2": (1, 1, "D1"),    # 21 on the year's last day, D1 suitable
        "O5": (0, 1, None),    # not in touch: included, not known to be suitable
        "O6": (0, 1, None),    # refused contact: included, not suitable
        "O7": (0, 1, None),    # no longer requires services: included, not suitable
        "O13": (0, 1, "S2"),   # no fixed abode, not suitable
        "O14": (1, 1, "Z1"),   # with former foster carers, suitable
    }
    # out: O3 (22), O4 (18), O8 (died), O9 (RHOM), O10 (G, abroad), O11 (H, deported),
    # O12 (R, residence not known)
    assert totals(build, "kpi_cl01_care_leavers_suitable_accommodation", Q1) == (3, 7)   # 42.9%
    assert totals(build, "kpi_cl01_care_leavers_suitable_accommodation", Q4) == (3, 7)   # same year


def test_cl02_from_oc3(oc3_only):
    build, _, names = oc3_only
    assert detail(build, names, "kpi_cl02_care_leavers_in_education_employment_training", Q1,
                  "activity") == {
        "O1": (1, 1, "F2"),    # full-time training
        "O2": (0, 1, "G5"),    # NEET
        "O5": (0, 1, None),    # not in touch: included, not EET
        "O6": (0, 1, None),    # refused contact: included, not EET
        "O7": (0, 1, None),    # no longer requires services: included, not EET
        "O10": (1, 1, "F4"),   # gone abroad: LAIT 113 keeps them; F4 is EET
        "O11": (0, 1, "G6"),   # deported: kept; NEET
        "O12": (1, 1, "P5"),   # residence not known: kept; P5 is EET
        "O13": (0, 1, "G4"),   # NEET
        "O14": (1, 1, "F5"),   # EET
    }
    # out: O3 (22), O4 (18), O8 (died), O9 (RHOM)
    assert totals(build, "kpi_cl02_care_leavers_in_education_employment_training", Q1) == (4, 10)


def test_oc3_figure_only_after_its_year_ends(oc3_only):
    build, _, _ = oc3_only
    rows = build.execute("SELECT kpi_code, status, actual, figure_basis FROM marts.mart_scorecard "
                         "WHERE council_code = ? AND period_end = ? AND kpi_code IN ('CL01', 'CL02') "
                         "ORDER BY kpi_code", [COUNCIL, DEC22]).fetchall()
    # 31 Dec 2022: the 2022-23 year has not ended, and no earlier OC3 was sent
    assert rows == [("CL01", "no_information", None, None), ("CL02", "no_information", None, None)]


def test_published_row_says_oc3(oc3_only):
    _, published, _ = oc3_only
    rows = published.execute(
        "SELECT kpi_code, actual, numerator, denominator, rolling_12m, figure_basis "
        "FROM published.scorecard WHERE council_code = ? AND period_end = ? "
        "AND kpi_code IN ('CL01', 'CL02') ORDER BY kpi_code", [COUNCIL, Q1]).fetchall()
    assert rows == [
        ("CL01", 42.9, 3, 7, 42.9, "dfe_oc3_annual"),    # 100 x 3 / 7 = 42.857
        ("CL02", 40.0, 4, 10, 40.0, "dfe_oc3_annual"),   # the annual figure is its own rolling year
    ]
    # other KPIs keep the catalogue's basis
    assert published.execute("SELECT DISTINCT figure_basis FROM published.scorecard "
                             "WHERE kpi_code NOT IN ('CL01', 'CL02')").fetchall() == [(None,)]
    assert published.execute("SELECT figure_basis FROM published.scorecard_report WHERE "
                             "kpi_code = 'CL01' AND report_period_end = ?", [Q1]).fetchall() == [
        ("dfe_oc3_annual",)]
    # the drill-through adds up to the published figure
    assert published.execute("SELECT sum(numerator_value), sum(denominator_value) FROM "
                             "published.kpi_detail WHERE kpi_code = 'CL01' AND period_end = ?",
                             [Q1]).fetchone() == (3, 7)


@pytest.fixture(scope="module")
def both_lists(tmp_path_factory):
    build, published = run(tmp_path_factory, "dfe_both_lists", oc3=OC3_ROWS,
                           care_leavers=LOCAL_LIST)
    yield build, published
    build.close()
    published.close()


def test_both_lists_publish_the_local_figure_and_the_oc3_breakdown(both_lists):
    _, published = both_lists
    rows = published.execute(
        "SELECT kpi_code, numerator, denominator, actual, figure_basis FROM published.scorecard "
        "WHERE council_code = ? AND period_end = ? AND kpi_code IN ('CL01', 'CL02') "
        "ORDER BY kpi_code", [COUNCIL, Q1]).fetchall()
    assert rows == [
        # L1 (21, U1 suitable), L3 (19, B2 unsuitable); L2's R1 (residence not known) is out
        ("CL01", 1, 2, 50.0, "local_list"),
        # L1 (F1), L2 (G5, kept: LAIT 113 has no G/H/R exclusion), L3 (G4): 1 / 3
        ("CL02", 1, 3, 33.3, "local_list"),
    ]
    breakdowns = published.execute(
        "SELECT kpi_code, numerator, denominator, value FROM published.kpi_breakdowns "
        "WHERE council_code = ? AND period_end = ? AND breakdown = 'dfe_oc3_annual' "
        "ORDER BY kpi_code", [COUNCIL, Q1]).fetchall()
    # the same OC3 figures as when the OC3 is the only list
    assert breakdowns == [("CL01", 3, 7, 42.9), ("CL02", 4, 10, 40.0)]


# --------------------------------------------------------------------------------------------
# The collection year when the 903 episodes end before the extract date's latest 31 March: the
# 2021-22 return (latest DECOM 1 May 2021) dropped again on 7 Jul 2023 is still 2021-22; a DEC
# after the year end (1 Apr 2022, invalid in a 2021-22 return) does not move it.
# --------------------------------------------------------------------------------------------
def test_an_old_return_keeps_its_year(tmp_path_factory):
    con = build(tmp_path_factory, "dfe_old_oc3", header=[child("K1", KID)],
                episodes=[episode("K1", D(2021, 5, 1), dec=D(2022, 4, 1), rec="E13")],
                oc3=[oc3_row("O1", D(2002, 4, 1), "YES", "F2", "U1")])
    try:
        years = con.execute("SELECT DISTINCT collection_year_end FROM "
                            "intermediate.int_social_care__oc3_collection_years").fetchall()
        assert years == [(D(2022, 3, 31),)]
        # shown at 31 Mar, 30 Jun, 30 Sep and 31 Dec 2022, not in 2023. O1's 19th birthday,
        # 1 Apr 2021, fell in 2021-22 (its 20th, 1 Apr 2022, did not): in, U1 suitable: 1 / 1
        figures = con.execute(
            "SELECT period_end, numerator, denominator, figure_basis FROM "
            "kpis.kpi_cl01_care_leavers_suitable_accommodation ORDER BY period_end").fetchall()
        assert figures == [(D(2022, 3, 31), 1, 1, "dfe_oc3_annual"),
                           (D(2022, 6, 30), 1, 1, "dfe_oc3_annual"),
                           (D(2022, 9, 30), 1, 1, "dfe_oc3_annual"),
                           (D(2022, 12, 31), 1, 1, "dfe_oc3_annual")]
    finally:
        con.close()


def test_a_published_file_from_before_figure_basis_gains_it():
    """A published scorecard written before figure_basis existed gets the column appended; the rows
    published earlier hold null (publish._add_new_columns, called before every publication)."""
    import pyarrow as pa

    from scorecard.publish.publication import _add_new_columns

    con = duckdb.connect()
    con.execute("CREATE SCHEMA published")
    con.execute("CREATE TABLE published.scorecard (council_code VARCHAR, comment VARCHAR, "
                "publication_id VARCHAR, published_at TIMESTAMPTZ)")
    con.execute("INSERT INTO published.scorecard VALUES ('916', NULL, 'old', now())")
    frame = pa.table({"council_code": ["916"], "comment": pa.array([None], pa.string()),
                      "figure_basis": ["dfe_oc3_annual"]})
    con.register("_new_scorecard", frame)
    _add_new_columns(con, "published.scorecard", frame)
    con.execute("INSERT INTO published.scorecard BY NAME SELECT n.*, 'new' AS publication_id, "
                "now() AS published_at FROM _new_scorecard AS n")
    assert [c[0] for c in con.execute("DESCRIBE published.scorecard").fetchall()] == [
        "council_code", "comment", "publication_id", "published_at", "figure_basis"]
    assert con.execute("SELECT publication_id, figure_basis FROM published.scorecard "
                       "ORDER BY publication_id DESC").fetchall() == [
        ("old", None), ("new", "dfe_oc3_annual")]
