"""The published file explains itself (issue 12, item 2): `published.kpi_catalogue`,
`published.comparator_detail`, and a `COMMENT ON` every published table, view and column that
says what docs/views.md says.

Expected values are read from DfE's own files (the LAIT data dictionary, the statistical
neighbour groupings and the LA-level CSVs in ../shared/external/dfe) or worked by hand below,
not from the warehouse's SQL.
"""

from __future__ import annotations

import csv
import re
import subprocess
import sys
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import duckdb
import pytest

from conftest import run_without_prefect
from scorecard import config
from scorecard.publish.publication import published_path_for
from scorecard.publish.views_doc import read_views_doc
from test_publication import Q1, small_landing

DFE = config.PROJECT_ROOT.parent / "shared" / "external" / "dfe"
DOC = config.PROJECT_ROOT / "docs" / "views.md"


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("catalogue")
    warehouse = root / "scorecard.duckdb"
    run_without_prefect(small_landing(root), warehouse, Q1)
    return published_path_for(warehouse)


def rows(published: Path, sql: str, params=None) -> list[dict]:
    con = duckdb.connect(str(published), read_only=True)
    try:
        cursor = con.execute(sql, params or [])
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, r)) for r in cursor.fetchall()]
    finally:
        con.close()


# --- COMMENT ON: the file and docs/views.md say the same ---------------------------------------

def test_every_published_relation_and_column_is_described_and_commented_as_the_doc_says(published):
    doc = read_views_doc(DOC)
    relations = rows(published, "SELECT table_name, comment FROM duckdb_tables() "
                                "WHERE schema_name = 'published' UNION ALL "
                                "SELECT view_name, comment FROM duckdb_views() "
                                "WHERE schema_name = 'published'")
    columns = rows(published, "SELECT table_name, column_name, comment FROM duckdb_columns() "
                              "WHERE schema_name = 'published'")
    assert {r["table_name"] for r in relations} == set(doc)  # no relation undocumented or stale
    for relation in relations:
        name = relation["table_name"]
        assert doc[name].description, name
        assert relation["comment"] == doc[name].description, name
    in_file = {(c["table_name"], c["column_name"]) for c in columns}
    in_doc = {(name, column) for name, d in doc.items() for column in d.columns}
    assert in_file == in_doc  # every column documented, no documented column missing
    for column in columns:
        assert column["comment"] == doc[column["table_name"]].columns[column["column_name"]], column


def test_comments_are_the_doc_text_read_by_hand(published):
    """A few comments checked against the document's own lines (markdown dropped), so that the
    parser cannot agree with itself on something the document does not say."""
    text = DOC.read_text(encoding="utf-8")
    assert "## `published.scorecard`: one row per council, KPI and published period end\n" in text
    assert "| council_code | VARCHAR | DfE three-digit LA code |\n" in text
    assert "| period_end, period_label | DATE, VARCHAR | the quarter end (`Jun-23`) |\n" in text
    tables = {r["table_name"]: r["comment"] for r in rows(
        published, "SELECT table_name, comment FROM duckdb_tables() WHERE schema_name = 'published'")}
    assert tables["scorecard"] == "one row per council, KPI and published period end"
    columns = {(r["table_name"], r["column_name"]): r["comment"] for r in rows(
        published, "SELECT table_name, column_name, comment FROM duckdb_columns() "
                   "WHERE schema_name = 'published'")}
    assert columns[("scorecard", "council_code")] == "DfE three-digit LA code"
    # one table row naming two columns describes both
    assert columns[("risk_register", "period_end")] == "the quarter end (Jun-23)"
    assert columns[("risk_register", "period_label")] == "the quarter end (Jun-23)"
    view = rows(published, "SELECT comment FROM duckdb_views() WHERE schema_name = 'published' "
                           "AND view_name = 'scorecard_report'")
    assert view == [{"comment": "the report's layout, one row per council, report period end and KPI"}]
    assert columns[("scorecard_report", "q_minus_1")].startswith("the four previous quarters' values")


# --- published.kpi_catalogue -------------------------------------------------------------------

def lait() -> dict[str, dict]:
    with (DFE / "lait_data_dictionary.csv").open(encoding="utf-8", errors="replace") as handle:
        return {r["Measure_code"]: r for r in csv.DictReader(handle)}


def test_kpi_catalogue_has_every_kpi_in_report_order_with_its_words(published):
    with (config.REFERENCE_DIR / "kpis.csv").open(encoding="utf-8") as handle:
        reference = sorted(csv.DictReader(handle), key=lambda r: int(r["display_order"]))
    catalogue = rows(published, "SELECT * FROM published.kpi_catalogue")
    assert [r["kpi_code"] for r in catalogue] == [r["kpi_code"] for r in reference]
    assert len(catalogue) == 24
    for row in catalogue:
        for column in ("title", "definition", "numerator_words", "denominator_words",
                       "polarity", "reporting_basis", "unit", "dfe_measure", "source_tables"):
            assert row[column], (row["kpi_code"], column)
        assert isinstance(row["decimals"], int)
    by_code = {r["kpi_code"]: r for r in catalogue}
    # counts have no denominator; the GM days-lost KPIs are per average FTE
    assert by_code["GM06"]["unit"] == "count" and by_code["GM06"]["denominator_words"] == "none (a count)"
    assert by_code["GM07"]["denominator_words"] == "none (a count)"
    assert by_code["GM01"]["decimals"] == 2 and "average FTE" in by_code["GM01"]["denominator_words"]
    assert by_code["CA03"]["first_period_end"].isoformat() == "2023-06-30"  # introduced Q1 2023/24


# KPI: (LAIT measure code, words of DfE's measure name, DfE's polarity -> ours) from the LAIT
# dictionary; the local measures have no LAIT number (docs/social_care_spec.md's table).
LAIT_MEASURES = {
    "CA01": ("271", "re-referrals", "smaller_is_better"),   # Polarity Low
    "HP01": ("304", "45 working days", "bigger_is_better"),  # Polarity High
    "HP02": ("15", "second or subsequent", "smaller_is_better"),  # Low
    "HP03": ("264", "2 years or more", "smaller_is_better"),  # Low
    "CC02": ("393", "Long Term Placement Stability", None),  # '-' in the dictionary (a count)
    "CC04": ("372", "three or more placements", None),
    "CC05": ("270", "persistent absentees", "smaller_is_better"),  # Low
    "CL01": ("112", "suitable accommodation", None),
    "CL02": ("113", "education, employment or training", None),
}
LOCAL = ["QA01", "QA02", "CA02", "CA03", "HP04", "CC06", "GM01", "GM02", "GM03", "GM04", "GM05",
         "GM06", "GM07"]


def test_kpi_catalogue_dfe_measures_are_the_lait_dictionarys(published):
    dictionary = lait()
    by_code = {r["kpi_code"]: r for r in rows(published, "SELECT * FROM published.kpi_catalogue")}
    for code, (measure, words, polarity) in LAIT_MEASURES.items():
        cited = re.findall(r"LAIT (\d+)", by_code[code]["dfe_measure"])
        assert cited == [measure], (code, by_code[code]["dfe_measure"])
        assert words.lower() in dictionary[measure]["Measure"].lower(), code
        if polarity:
            assert by_code[code]["polarity"] == polarity, code
    for code in LOCAL:  # no DfE measure: says so, cites no LAIT number
        assert by_code[code]["dfe_measure"].startswith("none"), code
        assert "LAIT" not in by_code[code]["dfe_measure"], code
    # CC01: DfE publishes placement providers but no measure of in-house fostering
    assert by_code["CC01"]["dfe_measure"].startswith("none")


# --- published.comparator_detail ---------------------------------------------------------------

def dfe_cell(file: str, la: str, column: str, **filters: str) -> str | None:
    """A cell of a DfE LA-level file for time_period 2022 (2021-22), read directly."""
    with (DFE / file).open(encoding="utf-8-sig") as handle:
        found = [r[column] for r in csv.DictReader(handle)
                 if r["geographic_level"] == "Local authority" and r["time_period"] == "2022"
                 and r["old_la_code"] == la and all(r[k] == v for k, v in filters.items())]
    assert len(found) <= 1
    return found[0] if found else None


def sn_of_916() -> list[str]:
    with (DFE / "New_Statistical_Neighbour_Groupings_April_2021.csv").open(
            encoding="utf-8-sig") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        row = next(r for r in reader if r[header.index("LA num")] == "916")
    return [row[header.index(f"SN{i}")] for i in range(1, 11)]


def test_comparator_detail_holds_each_neighbours_dfe_figure(published):
    neighbours = sn_of_916()
    detail = rows(published, "SELECT * FROM published.comparator_detail WHERE council_code = '916' "
                             "AND comparator_year = '2021-22' ORDER BY kpi_code, neighbour_rank")
    by_kpi: dict[str, list[dict]] = {}
    for row in detail:
        by_kpi.setdefault(row["kpi_code"], []).append(row)
    # the seven KPIs with a DfE file here; HP01 and CC06 have none (docs/comparators.md)
    assert sorted(by_kpi) == ["CA01", "CC02", "CC04", "CL01", "CL02", "HP02", "HP03"]
    for kpi, ten in by_kpi.items():
        assert [r["neighbour_code"] for r in ten] == neighbours, kpi  # SN1..SN10, in order
        assert [r["neighbour_rank"] for r in ten] == list(range(1, 11))
        assert {r["time_period"] for r in ten} == {"2022"}
    # CA01: each neighbour's rereferral_percent read straight from DfE's c1 file
    for row in by_kpi["CA01"]:
        cell = dfe_cell("c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv",
                        row["neighbour_code"], "rereferral_percent",
                        category="Referrals and Re-referrals")
        assert row["value_as_published"] == cell
        assert row["value"] == float(cell) and row["used_in_mean"] is True
        assert row["source_file"] == "c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv"
    # HP03: three neighbours' cells are suppressed ('c') in DfE's d5 file: left out of the mean
    hp03 = by_kpi["HP03"]
    for row in hp03:
        cell = dfe_cell("d5_cpps_at31march_by_duration_2013_to_2025.csv", row["neighbour_code"],
                        "2_years_or_more_percent",
                        category="Child Protection Plans by length of time")
        assert row["value_as_published"] == cell
    suppressed = [r["neighbour_code"] for r in hp03 if not r["used_in_mean"]]
    assert suppressed == ["800", "873", "803"]  # SN2, SN4, SN9 are 'c' in the file
    assert all(r["value"] is None and r["value_as_published"] == "c"
               for r in hp03 if not r["used_in_mean"])
    # by hand: 2.2 + 1.6 + 2.2 + 0 + 3.4 + 1.6 + 0 = 11.0 over 7 neighbours = 1.571... -> 1.6,
    # the seed report's HP03 comparator
    used = [Decimal(r["value_as_published"]) for r in hp03 if r["used_in_mean"]]
    assert sum(used) == Decimal("11.0") and len(used) == 7
    assert (sum(used) / 7).quantize(Decimal("0.1"), ROUND_HALF_UP) == Decimal("1.6")


def test_comparator_detail_means_are_the_comparators_scorecard_computes(published):
    """The mean of each KPI's used values is `scorecard comparators`' figure; the published
    comparator is reference/comparators.csv's (the seed's: CC02 71.1 and CC04 9.7 by hand,
    where DfE's current files give 70.8 and 9.9)."""
    means = {r["kpi_code"]: r["mean"] for r in rows(
        published, "SELECT kpi_code, round(CAST(sum(CAST(value_as_published AS DECIMAL(9, 1))) "
                   "AS DECIMAL(18, 4)) / count(*), 1) AS mean FROM published.comparator_detail "
                   "WHERE used_in_mean GROUP BY kpi_code")}
    assert {k: float(v) for k, v in means.items()} == {
        "CA01": 20.1, "HP02": 25.3, "HP03": 1.6, "CC02": 70.8, "CC04": 9.9, "CL01": 86.1,
        "CL02": 52.9}
    scorecard = {r["kpi_code"]: r["comparator"] for r in rows(
        published, "SELECT kpi_code, comparator FROM published.scorecard WHERE comparator IS NOT NULL")}
    assert scorecard["CC02"] == 71.1 and scorecard["CC04"] == 9.7  # as the seed report printed


@pytest.mark.external
def test_scorecard_comparators_regenerates_the_neighbours_file_into_a_new_folder(tmp_path):
    out = tmp_path / "new" / "comparators.csv"  # never a tracked file
    done = subprocess.run(
        [sys.executable, "-m", "scorecard.ops.cli", "comparators", "--la-code", "916", "--year",
         "2021-22", "--dfe-dir", str(DFE), "--out", str(out)],
        capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    written = out.with_name("comparator_neighbours.csv")
    assert str(written) in done.stdout
    assert written.read_text(encoding="utf-8") == (
        config.REFERENCE_DIR / "comparator_neighbours.csv").read_text(encoding="utf-8")
    # running it again replaces that council's rows rather than appending them
    again = subprocess.run(done.args, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr
    assert written.read_text(encoding="utf-8") == (
        config.REFERENCE_DIR / "comparator_neighbours.csv").read_text(encoding="utf-8")
