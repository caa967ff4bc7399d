"""A second council beside the demo council, sending only its DfE-valid SSDA903 return.

Its return uses what DfE's validation accepts and our demo never wrote: OC3 ACTIV/ACCOM `0`
(required when IN_TOUCH is DIED or RHOM, D2I rules 132, 133 and 344), UPN unknown codes
`UN1`-`UN10`, episodes starting with RNE `T` (change of placement, same carers) and `U` (change
of legal status and placement, same carers), and a placement for adoption. It sends no local
care-leaver list, so CL01/CL02 come from its OC3 on DfE's annual basis.

The landing zone goes through the real Prefect flow and must publish; the council's published
CC01, CC02, CC04, CL01 and CL02 at Q1 2023/24 (P = 30 Jun 2023) are worked by hand below from
DfE's wording, one line per child. Placement codes: U1-U6 foster care, A3-A6 placed for
adoption; provider PR1 the council's own. RNE (903 guidance): S started, L legal status only,
P placement and carers, T placement with the same carers, U legal status and placement with the
same carers, B legal status, placement and carers.

Dates used:
- P - 30 months = 30 Dec 2020 (CC02: looked after 2.5 years or more);
- P - 24 months = 30 Jun 2021 (CC02: same carers 2 years or more);
- the 12 months to P start 1 Jul 2022 (CC04);
- the OC3 describes the collection year 1 Apr 2022 - 31 Mar 2023 (the 903 return's year: its
  latest episode dates fall after 31 March 2023, and the extract is dated 7 Jul 2023): the cohort
  is those whose 19th, 20th or 21st birthday falls in it, i.e. born 1 Apr 2001 - 31 Mar 2004
  (LAIT 112/113/333). Jun-23 is the first quarter end after that year, so it shows that figure.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil

import duckdb
import pytest

from helpers.csc_landing import _write, child, dfe_date, episode
from scorecard_demo import landing_cache
from scorecard_demo.model import DEMO_EXTRACT_DATE
from scorecard.ingest.sources import social_care

pytestmark = [pytest.mark.flow]

D = dt.date
P = D(2023, 6, 30)
SECOND = "886"

# --- The children looked after (903 header and episodes) -------------------------------------
HEADER = [
    {**child("A1", D(2015, 3, 1)), "upn": "UN1"},
    {**child("A2", D(2012, 9, 9)), "upn": "UN5"},
    {**child("A3", D(2014, 1, 1)), "upn": "UN10"},
    child("A4", D(2016, 2, 2)),
    {**child("A5", D(2011, 4, 4)), "upn": "UN2"},
    child("A6", D(2007, 6, 30)),
    child("A7", D(2010, 5, 5)),
    {**child("A8", D(2013, 8, 8)), "upn": "UN3"},
    child("A9", D(2012, 12, 12)),
]
EPISODES = [
    # A1: fostered by the council since 2019; placed for adoption with the same foster carers
    # (T, U4 -> A4) on 1 Sep 2022. DfE: not a move (LAIT 372) and the same carers all along.
    episode("A1", D(2019, 1, 10), "S", "C2", "U4", "PR1", dec=D(2022, 9, 1), rec="E48"),
    episode("A1", D(2022, 9, 1), "T", "E1", "A4", "PR1"),
    # A2: in care since Jun 2020; U (same carers) in Jan 2021; new carers by P (Aug 2022),
    # P (Jan 2023) and B (Apr 2023).
    episode("A2", D(2020, 6, 1), "S", "C2", "U4", "PR1", dec=D(2021, 1, 15), rec="E45"),
    episode("A2", D(2021, 1, 15), "U", "C1", "U5", "PR1", dec=D(2022, 8, 1), rec="E45"),
    episode("A2", D(2022, 8, 1), "P", "C1", "U6", "PR4", dec=D(2023, 1, 10), rec="E45"),
    episode("A2", D(2023, 1, 10), "P", "C1", "U4", "PR1", dec=D(2023, 4, 3), rec="E45"),
    episode("A2", D(2023, 4, 3), "B", "C2", "U5", "PR1"),
    # A3: in care since Feb 2021 with relatives; T and U changes, same carers throughout.
    episode("A3", D(2021, 2, 1), "S", "C2", "U1", "PR1", dec=D(2022, 10, 1), rec="E45"),
    episode("A3", D(2022, 10, 1), "T", "C2", "U2", "PR1", dec=D(2023, 2, 1), rec="E45"),
    episode("A3", D(2023, 2, 1), "U", "C1", "U3", "PR1"),
    # A4: with foster carers from May 2019, then placed for adoption with new carers (P) on
    # 1 Mar 2023: the adoptive placement together with the previous one lasts over 2 years.
    episode("A4", D(2019, 5, 1), "S", "C2", "U4", "PR1", dec=D(2023, 3, 1), rec="E48"),
    episode("A4", D(2023, 3, 1), "P", "E1", "A4", "PR1"),
    # A5: in care since 2018; new carers (P) in Jan 2022, an agency foster placement.
    episode("A5", D(2018, 1, 1), "S", "C2", "U4", "PR4", dec=D(2022, 1, 15), rec="E45"),
    episode("A5", D(2022, 1, 15), "P", "C2", "U6", "PR4"),
    # A6: 16 on P itself (born 30 Jun 2007), fostered by the council since 2019.
    episode("A6", D(2019, 1, 1), "S", "C2", "U4", "PR1"),
    # A7: left care on 1 May 2023.
    episode("A7", D(2022, 1, 1), "S", "C2", "U4", "PR1", dec=D(2023, 5, 1), rec="E13"),
    # A8: three sets of carers since Sep 2022 (S, P, P).
    episode("A8", D(2022, 9, 1), "S", "C2", "U4", "PR1", dec=D(2022, 12, 1), rec="E45"),
    episode("A8", D(2022, 12, 1), "P", "C2", "U5", "PR4", dec=D(2023, 3, 1), rec="E45"),
    episode("A8", D(2023, 3, 1), "P", "C2", "U4", "PR1"),
    # A9: started Aug 2022, then two T changes and an L: the same carers throughout.
    episode("A9", D(2022, 8, 1), "S", "C2", "U4", "PR4", dec=D(2022, 10, 1), rec="E45"),
    episode("A9", D(2022, 10, 1), "T", "C2", "U5", "PR4", dec=D(2023, 1, 1), rec="E45"),
    episode("A9", D(2023, 1, 1), "T", "C2", "U6", "PR4", dec=D(2023, 3, 1), rec="E45"),
    episode("A9", D(2023, 3, 1), "L", "C1", "U6", "PR4"),
]

# CC01 (foster placements at P, share with the council's own carers; LAIT-style snapshot):
#   A1 A4 placed for adoption (A4), not foster care: out. A7 left before P: out.
#   A2 U5 PR1 in; A3 U3 PR1 in; A5 U6 PR4 denominator only; A6 U4 PR1 in;
#   A8 U4 PR1 in; A9 U6 PR4 denominator only.                      -> 4 / 6 = 66.7
CC01 = (4, 6, 66.7)
# CC02 (LAIT 393: under 16, looked after 2.5 years or more, same carers 2 years or more, or placed
# for adoption with the adoptive and previous placement together 2 years or more):
#   A1 in care since Jan 2019, same carers since then (T is not a change of carer): n and d.
#   A2 in care since Jun 2020 (<= 30 Dec 2020), carers since Apr 2023: d only.
#   A3 in care since Feb 2021 (after 30 Dec 2020): out.
#   A4 in care since May 2019; placed for adoption Mar 2023 after a placement from May 2019:
#      together 4 years: n and d.
#   A5 in care since 2018, carers since Jan 2022: d only.
#   A6 16 at P: out. A7 left: out. A8, A9 in care since 2022: out.       -> 2 / 4 = 50.0
CC02 = (2, 4, 50.0)
# CC04 (LAIT 372: children looked after at P with 3 or more placements in the 12 months to P;
# a move to adoption with the same foster carers is not a placement change):
#   A1 1 (T); A2 4 (the Jun 2020 placement ran to Aug 2022, then P, P, B): n;
#   A3 1 (T, U); A4 2 (S, P); A5 1; A6 1; A8 3 (S, P, P): n; A9 1 (T, T, L).
#   Looked after at P: A1-A6, A8, A9 = 8.                                  -> 2 / 8 = 25.0
CC04 = (2, 8, 25.0)

# --- The care leavers (903 OC3, DfE's annual basis) ------------------------------------------
OC3 = [
    # child, dob, in_touch, activ, accom
    ("L1", D(2003, 5, 10), "YES", "F2", "E1"),    # 19 on 10 May 2022: suitable, EET
    ("L2", D(2002, 1, 20), "YES", "P2", "B2"),    # 21 on 20 Jan 2023: not suitable, EET
    ("L3", D(2001, 8, 1), "DIED", "0", "0"),      # 21 on 1 Aug 2022: died, excluded
    ("L4", D(2003, 11, 11), "RHOM", "0", "0"),    # 19 on 11 Nov 2022: returned home, excluded
    ("L5", D(2002, 12, 25), "NO", "0", "0"),      # 20 on 25 Dec 2022: not in touch: d only
    ("L6", D(2003, 2, 14), "YES", "P4", "G2"),    # 20 on 14 Feb 2023: gone abroad (CL01 out)
    ("L7", D(2002, 7, 7), "REFU", "0", "0"),      # 20 on 7 Jul 2022: refused contact, in d only
    ("L8", D(2004, 6, 1), "YES", "F1", "C1"),     # 18 on 1 Jun 2022: not 19-21, out
    ("L9", D(2001, 9, 9), "YES", "F4", "Z1"),     # 21 on 9 Sep 2022: suitable, EET
    ("L10", D(2003, 4, 1), "YES", "G4", "R2"),    # 19 on 1 Apr 2022: residence unknown (CL01 out)
    ("L11", D(2001, 3, 31), "YES", "F1", "U1"),   # 21 on 31 Mar 2022, before the year: out
    ("L12", D(2003, 7, 3), "NREQ", "G5", "H1"),   # 19 on 3 Jul 2022: deported (CL01 out)
]
# CL01 (LAIT 112): DIED and RHOM are out, and so are those gone abroad, deported or whose residence
# is not known (ACCOM G, H, R), "as the suitability will not usually be known".
# Cohort L1, L2, L5, L7, L9 = 5; suitable (ACCOM ending 1): L1 (E1), L9 (Z1).
CL01 = (2, 5, 40.0)
# CL02 (LAIT 113): only DIED and RHOM are out; not in touch, refused and no longer requiring
# services stay in (as not EET). Cohort L1, L2, L5, L6, L7, L9, L10, L12 = 8;
# EET (F1 P1 F2 P2 F4 P4 F5 P5): L1 (F2), L2 (P2), L6 (P4), L9 (F4).
CL02 = (4, 8, 50.0)


def _second_council(folder):
    folder.mkdir(parents=True)
    (folder / "extract.json").write_text(json.dumps({"council_code": SECOND}), encoding="utf-8")
    _write(folder / "header.csv", social_care.HEADER, HEADER, dfe_date)
    _write(folder / "episodes.csv", social_care.EPISODES, EPISODES, dfe_date)
    oc3 = [dict(zip(("child", "dob", "in_touch", "activ", "accom"), row)) for row in OC3]
    _write(folder / "oc3.csv", social_care.OC3, oc3, dfe_date)


@pytest.fixture(scope="module")
def published(prefect_harness, tmp_path_factory):
    from flows.quarterly_scorecard import quarterly_scorecard

    root = tmp_path_factory.mktemp("second_council")
    landing = root / "landing"
    landing_cache.demo_landing(landing, "916")
    # the demo council's social care moves into its own folder beside the second council's
    extract = landing / "social_care" / DEMO_EXTRACT_DATE.isoformat()
    demo_folder = extract / "916"
    demo_folder.mkdir()
    for path in list(extract.iterdir()):
        if path != demo_folder:
            shutil.move(str(path), demo_folder / path.name)
    _second_council(extract / SECOND)
    warehouse = root / "wh" / "scorecard.duckdb"
    warehouse.parent.mkdir()
    quarterly_scorecard(period_end=P, landing=str(landing), warehouse=str(warehouse),
                        demo_key=True)
    con = duckdb.connect(str(warehouse.parent / "scorecard_published.duckdb"), read_only=True)
    try:
        yield {"con": con, "warehouse": warehouse}
    finally:
        con.close()


def _row(published, code):
    return published["con"].execute(
        "SELECT numerator, denominator, actual, figure_basis FROM published.scorecard "
        "WHERE council_code = ? AND kpi_code = ? AND period_end = ?", [SECOND, code, P]).fetchone()


@pytest.mark.parametrize("code, expected", [("CC01", CC01), ("CC02", CC02), ("CC04", CC04)])
def test_children_in_care_figures_are_dfes(published, code, expected):
    numerator, denominator, actual, _ = _row(published, code)
    assert (numerator, denominator, actual) == expected


@pytest.mark.parametrize("code, expected", [("CL01", CL01), ("CL02", CL02)])
def test_care_leavers_come_from_oc3_on_dfes_annual_basis(published, code, expected):
    numerator, denominator, actual, basis = _row(published, code)
    assert (numerator, denominator, actual) == expected
    assert basis == "dfe_oc3_annual"


def test_nothing_dfe_valid_was_quarantined(published):
    con = duckdb.connect(str(published["warehouse"]), read_only=True)
    try:
        rows = con.execute(
            "SELECT source_file, row_number, column_name, reason FROM quarantine.rows "
            "WHERE source_file LIKE ?", [f"%/{SECOND}/%"]).fetchall()
    finally:
        con.close()
    assert rows == []


def test_the_demo_council_still_publishes_the_seed(published, seed_rows):
    actual = dict(published["con"].execute(
        "SELECT kpi_code, actual FROM published.scorecard WHERE council_code = '916' "
        "AND period_end = ?", [P]).fetchall())
    for row in seed_rows:
        expected = float(row["actual_jun_23"]) if row["actual_jun_23"] else None
        assert actual[row["kpi_code"]] == expected, row["kpi_code"]
