"""Drafted comments (marts.mart_drafted_comments) agree with the scorecard they are drafted from.

Two kinds of test:
- a council built from a few hand-made HR and audit records over five quarters, with the
  comments of GM01, GM04-GM07 worked by hand, and every comment of every KPI and quarter read
  back by an independent parser and checked against the table (every number is one of the row's
  figures at its decimals; better/worse/the same follow the direction columns; the target clause
  follows the status);
- the model run on a few hand-written scorecard rows, for the cases the small council does not
  reach (plan_is_best, "but", a value with no target, no previous figures).

Calendar facts used: no England and Wales bank holiday falls on 10-11 May 2022, 1-3 Aug 2022,
7 Nov 2022, 1-2 Feb 2023 or 5-7 Jun 2023 (all weekdays).
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import shutil
from pathlib import Path

import duckdb
import pytest

from conftest import run_without_prefect
from helpers.landing_builder import write_landing
from scorecard import config
from scorecard.build import models

D = dt.date
Q1 = D(2023, 6, 30)
PREFIX = "Drafted from the figures: "
NO_FIGURE = PREFIX + "no figure for this quarter."
WORDS = {"improved": "better than", "worsened": "worse than", "no_change": "the same as",
         None: "compared with"}


# --- a small council, five quarters ------------------------------------------------------------

def absence(start, end):
    return dict(council_code="916", pers_no="10000001", absence_start=start, absence_end=end,
                reason_code="S01")


def riddor(ref, reported):
    return dict(council_code="916", riddor_ref=ref, directorate="CYP", incident_date=reported,
                reported_date=reported, category="OVER_7_DAY_INJURY")


STAFF = [dict(council_code="916", pers_no="10000001", employee_name="Person 1", directorate="CYP",
              fte="1", start_date=D(2015, 1, 5))]        # one full-time employee: GM01 = days lost
ABSENCES = [
    absence(D(2022, 5, 10), D(2022, 5, 11)),   # Jun-22: 2 days
    absence(D(2022, 8, 1), D(2022, 8, 3)),     # Sep-22: 3 days
    absence(D(2022, 11, 7), D(2022, 11, 7)),   # Dec-22: 1 day
    absence(D(2023, 2, 1), D(2023, 2, 2)),     # Mar-23: 2 days
    absence(D(2023, 6, 5), D(2023, 6, 7)),     # Jun-23: 3 days
]
RIDDOR = [riddor("R-1", D(2022, 5, 10)),                                       # Jun-22: 1
          riddor("R-2", D(2022, 11, 1)), riddor("R-3", D(2022, 12, 1)),       # Dec-22: 2
          riddor("R-4", D(2023, 1, 10)), riddor("R-5", D(2023, 2, 10)),       # Mar-23: 2
          riddor("R-6", D(2023, 5, 10))]                                       # Jun-23: 1
APPRAISALS = [dict(council_code="916", pers_no="10000001", due_date=D(2023, 3, 31),
                   completed_date=D(2023, 3, 20), entered_on_sap_date=D(2023, 3, 21))]
RECOMMENDATIONS = [dict(council_code="916", rec_ref="A1", audit_title="Payroll", directorate="CYP",
                        priority="High", raised_date=D(2022, 10, 1),
                        agreed_target_date=D(2023, 12, 31), status="Open")]
# comparators added for this test (reference/comparators.csv has none for Good Management)
COMPARATORS = [("GM01", "2021-22", "2.5"), ("GM06", "2021-22", "3")]


def reference_with_comparators(root: Path) -> Path:
    reference = root / "reference"
    shutil.copytree(config.REFERENCE_DIR, reference)
    path = reference / "comparators.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    rows += [dict(council_code="916", kpi_code=kpi, comparator_year=year, comparator=value,
                  source="test") for kpi, year, value in COMPARATORS]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return reference


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("drafted")
    landing = write_landing(root / "landing", STAFF, ABSENCES, APPRAISALS, RIDDOR, RECOMMENDATIONS)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(config, "REFERENCE_DIR", reference_with_comparators(root))
        outcome = run_without_prefect(landing, root / "wh.duckdb", Q1)   # through the gate too
    con = duckdb.connect(str(root / "wh.duckdb"), read_only=True)
    scorecard = con.sql("SELECT * FROM marts.mart_scorecard").to_arrow_table().to_pylist()
    drafted = con.execute("SELECT council_code, kpi_code, period_end, period_label, drafted_comment "
                          "FROM marts.mart_drafted_comments").fetchall()
    con.close()
    return {"scorecard": scorecard, "drafted": drafted, "outcome": outcome}


def comment(built, kpi, period_end=Q1):
    (text,) = [d for c, k, p, _, d in built["drafted"] if (k, p) == (kpi, period_end)]
    return text


def test_gm01_days_per_fte(built):
    # Jun-23 3 days; Mar-23 2 and Jun-22 2: worse both ways (smaller is better). Target 2.10,
    # 5% tolerance: 3.00 is beyond it. 12 months to Jun-23: 3 + 1 + 2 + 3 = 9 days over 1 FTE;
    # a year earlier 0 + 0 + 0 + 2 = 2.
    assert comment(built, "GM01") == (
        "Drafted from the figures: 3.00 days per FTE, worse than last quarter (2.00 days per FTE) "
        "and than a year ago (2.00 days per FTE); significantly worse than target "
        "(2.10 days per FTE), beyond tolerance; 12 months to Jun-23: 9.00 days per FTE "
        "(2.00 days per FTE a year earlier); statistical neighbours 2.50 days per FTE (2021-22).")
    # Mar-23: 2 days after Dec-22's 1 (worse); Mar-22 had none (worse); 2022/23's target is
    # 2023/24's carried forward (reference/targets.csv), 2.10: 2.00 is better (smaller is better)
    assert comment(built, "GM01", D(2023, 3, 31)) == (
        "Drafted from the figures: 2.00 days per FTE, worse than last quarter (1.00 days per FTE) "
        "and than a year ago (0.00 days per FTE); better than target (2.10 days per FTE); "
        "12 months to Mar-23: "
        "8.00 days per FTE (0.00 days per FTE a year earlier); statistical neighbours "
        "2.50 days per FTE (2021-22).")


def test_gm06_count_on_target_better_and_the_same(built):
    # 1 report in Jun-23 after 2 in Mar-23 (better), 1 in Jun-22 (the same); target 1 met exactly
    assert comment(built, "GM06") == (
        "Drafted from the figures: 1, better than last quarter (2) and the same as a year ago (1); "
        "on target (1); 12 months to Jun-23: 5 (1 a year earlier); statistical neighbours 3 "
        "(2021-22).")
    # Dec-22: 2 after 0 in Sep-22, worse; Dec-21 0, worse; 2022/23's target 1 (carried forward):
    # 1 over it, beyond the 5% tolerance (0.05)
    assert comment(built, "GM06", D(2022, 12, 31)).startswith(
        "Drafted from the figures: 2, worse than last quarter (0) and than a year ago (0); "
        "significantly worse than target (1), beyond tolerance; 12 months to Dec-22: 3 "
        "(0 a year earlier)")


def test_gm04_and_gm05_rolling_year_figures(built):
    # GM04 is first reported at Jun-23: no earlier figure to compare; no target
    assert comment(built, "GM04") == (
        "Drafted from the figures: 100.0% in the 12 months to Jun-23; no target set.")
    # GM05, first reported at Sep-22: no leaver, 0.0%; Jun-22 was not reported
    assert comment(built, "GM05") == (
        "Drafted from the figures: 0.0% in the 12 months to Jun-23, the same as last quarter "
        "(0.0%); no target set.")


def test_gm07_snapshot_unchanged_on_a_zero_target(built):
    assert comment(built, "GM07") == (
        "Drafted from the figures: 0, the same as last quarter (0) and as a year ago (0); "
        "on target (0); average of the four quarters to Jun-23: 0 (0 a year earlier).")


def test_kpis_with_no_figure_say_so(built):
    # no children's social care sent: no information for those KPIs
    assert comment(built, "QA01") == NO_FIGURE
    assert comment(built, "GM04", D(2023, 3, 31)) == NO_FIGURE   # before its first period end


def test_every_kpi_of_the_catalogue_gets_one_comment_a_quarter(built):
    with (config.REFERENCE_DIR / "kpis.csv").open(encoding="utf-8") as handle:
        catalogue = {row["kpi_code"] for row in csv.DictReader(handle)}
    keys = [(c, k, p) for c, k, p, _, _ in built["drafted"]]
    assert len(keys) == len(set(keys)) == len(built["scorecard"])
    assert set(keys) == {(r["council_code"], r["kpi_code"], r["period_end"]) for r in built["scorecard"]}
    assert {k for _, k, p, _, _ in built["drafted"] if p == Q1} == catalogue
    assert all(d.startswith(PREFIX) and d.endswith(".") for *_, d in built["drafted"])


def test_the_drafted_comments_passed_the_gate(built):
    assert built["outcome"]["publication_id"]


# --- an independent reader of the comments -----------------------------------------------------

def fmt(value, row) -> str:
    suffix = {"percent": "%", "days_per_fte": " days per FTE"}.get(row["unit"], "")
    return f"{round(value, row['decimals']):.{row['decimals']}f}{suffix}"


def quarter_before(period_end: dt.date, quarters: int) -> dt.date:
    month = period_end.year * 12 + period_end.month - 1 - 3 * quarters
    first_of_next = D(month // 12, month % 12 + 1, 1) + dt.timedelta(days=32)
    return first_of_next.replace(day=1) - dt.timedelta(days=1)


WORD = r"better than|worse than|the same as|compared with"
CHANGE = re.compile(
    rf"^(?P<qword>{WORD}) last quarter \((?P<q>[^)]*)\)"
    rf"(?: (?:and than|and as|and with|(?:and|but) (?P<yword>{WORD})) a year ago \((?P<y>[^)]*)\))?$"
    rf"|^(?P<yword_only>{WORD}) a year ago \((?P<y_only>[^)]*)\)$")
TARGET = {
    "better_than_target": re.compile(r"^better than target \((?P<t>[^)]*)\)$"),
    "on_target": re.compile(r"^on target \((?P<t>[^)]*)\)$"),
    "worse_than_target": re.compile(r"^worse than target \((?P<t>[^)]*)\) but within tolerance$"),
    "significantly_worse_than_target": re.compile(
        r"^significantly worse than target \((?P<t>[^)]*)\), beyond tolerance$"),
    "missing_target": re.compile(r"^no target set$"),
}
ROLLING = re.compile(r"^(?:12 months|average of the four quarters) to (?P<label>\w{3}-\d{2}): "
                     r"(?P<r>[^(]*?)(?: \((?P<rp>[^)]*) a year earlier\))?$")
NEIGHBOURS = re.compile(r"^statistical neighbours (?P<c>[^(]*?) \((?P<year>\d{4}-\d{2})\)$")


def check_against_table(text: str, row: dict, table: dict) -> None:
    """Read a drafted comment back into figures and compare each with the scorecard row."""
    if row["actual"] is None:
        assert text == NO_FIGURE
        return
    assert text.startswith(PREFIX) and text.endswith(".")
    first, *rest = text[len(PREFIX):-1].split("; ")
    head, _, change = first.partition(", ")
    value = fmt(row["actual"], row)
    if row["reporting_basis"] == "rolling_year":
        value += f" in the 12 months to {row['period_label']}"
    assert head == value
    previous_q = table.get((row["council_code"], row["kpi_code"], quarter_before(row["period_end"], 1)))
    previous_y = table.get((row["council_code"], row["kpi_code"], quarter_before(row["period_end"], 4)))
    q_actual = previous_q["actual"] if previous_q else None
    y_actual = previous_y["actual"] if previous_y else None
    if q_actual is None and y_actual is None:
        assert change == ""
    else:
        match = CHANGE.match(change)
        assert match, change
        if q_actual is not None:
            assert match["qword"] == WORDS[row["direction_vs_prev_quarter"]]
            assert match["q"] == fmt(q_actual, row)
        if y_actual is not None:
            y_word = match["yword"] or match["yword_only"] or match["qword"]
            assert y_word == WORDS[row["direction_vs_prev_year"]]
            assert (match["y"] or match["y_only"]) == fmt(y_actual, row)
        else:
            assert match["y"] is None and match["y_only"] is None
    status = row["status"]
    if status == "better_than_target" and fmt(row["actual"], row) == fmt(row["target"], row):
        status = "on_target"
    target_match = TARGET[status].match(rest.pop(0))
    assert target_match
    if row["target"] is not None:
        assert target_match["t"] == fmt(row["target"], row)
    if row["rolling_12m"] is not None and row["reporting_basis"] != "rolling_year":
        text_12m = rest.pop(0)
        rolling = ROLLING.match(text_12m)
        assert rolling and rolling["label"] == row["period_label"]
        assert text_12m.startswith("average" if row["reporting_basis"] == "snapshot" else "12 months")
        assert rolling["r"] == fmt(row["rolling_12m"], row)
        assert rolling["rp"] == (fmt(row["rolling_12m_prev_year"], row)
                                 if row["rolling_12m_prev_year"] is not None else None)
    if row["comparator"] is not None:
        neighbours = NEIGHBOURS.match(rest.pop(0))
        assert neighbours and neighbours["c"] == fmt(row["comparator"], row)
        assert neighbours["year"] == row["comparator_year"]
    assert rest == []
    # and no number in the text that is not one of the row's figures
    figures = {fmt(v, row).split(" ")[0].rstrip("%") for v in (
        row["actual"], q_actual, y_actual, row["target"], row["rolling_12m"],
        row["rolling_12m_prev_year"], row["comparator"]) if v is not None}
    words = re.sub(r"12 months to \w{3}-\d{2}|quarters to \w{3}-\d{2}|\(\d{4}-\d{2}\)", "", text)
    assert set(re.findall(r"\d+(?:\.\d+)?", words)) <= figures, text


def test_every_comment_agrees_with_its_row_of_the_table(built):
    table = {(r["council_code"], r["kpi_code"], r["period_end"]): r for r in built["scorecard"]}
    drafted = {(c, k, p): d for c, k, p, _, d in built["drafted"]}
    for key, row in table.items():
        check_against_table(drafted[key], row, table)
    # the small council reaches every direction word and every status with a value
    rows = list(table.values())
    assert {r["direction_vs_prev_quarter"] for r in rows} >= {"improved", "worsened", "no_change"}
    assert {r["status"] for r in rows} >= {"better_than_target", "significantly_worse_than_target",
                                          "missing_target", "no_information"}


# --- the model on hand-written scorecard rows ---------------------------------------------------

PERIODS = [D(2022, 6, 30), D(2022, 9, 30), D(2022, 12, 31), D(2023, 3, 31), D(2023, 6, 30)]
COLUMNS = ("council_code", "kpi_code", "period_end", "period_label", "polarity", "reporting_basis",
           "unit", "decimals", "actual", "target", "status", "comparator", "comparator_year",
           "rolling_12m", "rolling_12m_prev_year", "direction_vs_prev_quarter",
           "direction_vs_prev_year")


def draft(rows: list[dict]) -> dict[tuple[str, dt.date], str]:
    """Run the model on a marts.mart_scorecard holding only `rows` (missing columns null)."""
    con = duckdb.connect()
    models.create_macros(con, config.SQL_DIR)
    con.execute("CREATE SCHEMA marts")
    con.execute("""CREATE TABLE marts.mart_scorecard (council_code VARCHAR, kpi_code VARCHAR,
        period_end DATE, period_label VARCHAR, polarity VARCHAR, reporting_basis VARCHAR,
        unit VARCHAR, decimals INTEGER, actual DOUBLE, target DOUBLE, status VARCHAR,
        comparator DOUBLE, comparator_year VARCHAR, rolling_12m DOUBLE,
        rolling_12m_prev_year DOUBLE, direction_vs_prev_quarter VARCHAR,
        direction_vs_prev_year VARCHAR)""")
    con.executemany(f"INSERT INTO marts.mart_scorecard VALUES ({', '.join('?' * len(COLUMNS))})",
                    [[row.get(c) for c in COLUMNS] for row in rows])
    (model,) = [m for m in models.discover(config.SQL_DIR) if m.name == "mart_drafted_comments"]
    out = con.execute(f"SELECT kpi_code, period_end, drafted_comment FROM ({model.sql})").fetchall()
    con.close()
    return {(k, p): d for k, p, d in out}


def series(kpi, actuals, **latest):
    """Five quarters of a KPI; `latest` overrides columns of the last (Jun-23) row."""
    base = dict(council_code="916", kpi_code=kpi, polarity="bigger_is_better",
                reporting_basis="latest_quarter", unit="percent", decimals=1)
    rows = [dict(base, period_end=p, period_label=p.strftime("%b-%y"), actual=a)
            for p, a in zip(PERIODS, actuals, strict=True)]
    rows[-1].update(latest)
    return rows


def test_better_than_last_quarter_but_worse_than_a_year_ago_within_tolerance():
    rows = series("HP01", [80.4, 70.0, 72.0, 75.4, 78.15], actual=78.2, target=80.0,
                  status="worse_than_target", direction_vs_prev_quarter="improved",
                  direction_vs_prev_year="worsened", comparator=82.36, comparator_year="2021-22")
    assert draft(rows)[("HP01", Q1)] == (
        "Drafted from the figures: 78.2%, better than last quarter (75.4%) but worse than a year "
        "ago (80.4%); worse than target (80.0%) but within tolerance; statistical neighbours "
        "82.4% (2021-22).")


def test_plan_is_best_without_a_target_quotes_the_previous_figures_without_judging():
    rows = series("PB01", [10, 11, 12, 13, 14], actual=14, unit="count", decimals=0,
                  polarity="plan_is_best", status="missing_target")
    assert draft(rows)[("PB01", Q1)] == (
        "Drafted from the figures: 14, compared with last quarter (13) and with a year ago (10); "
        "no target set.")


def test_the_same_as_last_quarter_and_better_than_a_year_ago():
    rows = series("GM01", [3.5, 2.0, 2.0, 2.25, 2.25], unit="days_per_fte", decimals=2,
                  polarity="smaller_is_better", target=2.5, status="better_than_target",
                  direction_vs_prev_quarter="no_change", direction_vs_prev_year="improved",
                  rolling_12m=8.5)
    assert draft(rows)[("GM01", Q1)] == (
        "Drafted from the figures: 2.25 days per FTE, the same as last quarter (2.25 days per FTE) "
        "and better than a year ago (3.50 days per FTE); better than target (2.50 days per FTE); "
        "12 months to Jun-23: 8.50 days per FTE.")


def test_only_a_year_ago_and_no_previous_figures():
    rows = series("CC01", [60.0, None, None, None, 65.0], target=70.0,
                  status="significantly_worse_than_target", direction_vs_prev_year="improved")
    drafted = draft(rows)
    assert drafted[("CC01", Q1)] == (
        "Drafted from the figures: 65.0%, better than a year ago (60.0%); significantly worse "
        "than target (70.0%), beyond tolerance.")
    assert drafted[("CC01", PERIODS[0])] == "Drafted from the figures: 60.0%."   # nothing else known
    assert drafted[("CC01", PERIODS[1])] == NO_FIGURE
