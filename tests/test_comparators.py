"""Statistical-neighbour comparators against DfE's published files, checked independently.

The independent computation below uses only the csv module and fractions: it reads the
neighbour row by position (SN1..SN10 are columns 5, 7, ..., 23; an `SNP` column follows each),
filters each DfE file row by row, averages the numeric published percentages exactly and rounds
half-up to one decimal place. It shares no code with scorecard.build.comparators.
"""

from __future__ import annotations

import csv
import math
from fractions import Fraction
from pathlib import Path

import duckdb
import polars as pl
import pytest

from scorecard import config
from scorecard.build.comparators import (
    ComparatorMeasure, compute_comparators, read_neighbours, write_comparators)
from scorecard.errors import ScorecardError

DFE = Path(config.PROJECT_ROOT).parent / "shared" / "external" / "dfe"
SEED_CSV = Path(config.PROJECT_ROOT).parent / "shared" / "seed" / "scorecard_q1_2023_24.csv"
SN_FILE = "New_Statistical_Neighbour_Groupings_April_2021.csv"

# Written out again here, on purpose, rather than imported from the module under test.
SPEC = {
    "CA01": ("c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv",
             "rereferral_percent", {"category": "Referrals and Re-referrals"}),
    "HP02": ("d3_cpps_subsequent_plan_2013_to_2025.csv", "CPP_subsequent_percent", {}),
    "HP03": ("d5_cpps_at31march_by_duration_2013_to_2025.csv", "2_years_or_more_percent", {}),
    "CC02": ("la_cla_placement_stability.csv", "children_percent",
             {"cla_group": "Children looked after continuously for at least 2.5 years on 31 March "
                           "aged under 16 years",
              "placement_stability": "Living with the same carer for at least 2 years"}),
    "CC04": ("la_cla_placement_stability.csv", "children_percent",
             {"cla_group": "CLA on 31 March",
              "placement_stability": "With 3 or more placements during the year"}),
    "CL01": ("la_care_leavers_accommodation_suitability.csv", "care_leaver_percent",
             {"care_leaver_age": "19 to 21 years",
              "breakdown": "Accommodation considered suitable"}),
    "CL02": ("la_care_leavers_activity.csv", "care_leaver_percent",
             {"care_leaver_age": "19 to 21 years",
              "breakdown": "Total in education, employment or training"}),
}
SEED_MATCHES = ["CA01", "HP02", "HP03", "CL01", "CL02"]


def independent_neighbours(la: str) -> list[str]:
    with (DFE / SN_FILE).open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0][5:24:2] == [f"SN{i}" for i in range(1, 11)]
    assert set(rows[0][6:25:2]) == {"SNP"}
    (row,) = [r for r in rows[1:] if r and r[0] == la]
    return row[5:24:2]


def independent(la: str, kpi: str, time_period: str) -> tuple[float | None, int, int]:
    """(comparator, neighbours used, neighbours left out) computed with csv and fractions."""
    file, column, filters = SPEC[kpi]
    neighbours = independent_neighbours(la)
    found: dict[str, str] = {}
    with (DFE / file).open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            if (row["geographic_level"] == "Local authority"
                    and row["time_period"] == time_period
                    and row["old_la_code"] in neighbours
                    and all(row[k] == v for k, v in filters.items())):
                assert row["old_la_code"] not in found, f"{file}: two rows for {row['old_la_code']}"
                found[row["old_la_code"]] = row[column]
    values = []
    for code in neighbours:
        try:
            values.append(Fraction(found.get(code, "")))
        except ValueError:
            pass                                    # c, z, x, k, u, blank or no row: left out
    if not values:
        return None, 0, len(neighbours)
    mean = sum(values) / len(values)
    return math.floor(mean * 10 + Fraction(1, 2)) / 10, len(values), len(neighbours) - len(values)


def seed_comparators() -> dict[str, float]:
    with SEED_CSV.open(encoding="utf-8") as handle:
        return {r["kpi_code"]: float(r["comparator"]) for r in csv.DictReader(handle)
                if r["comparator"]}


@pytest.fixture(scope="module")
def gloucestershire() -> dict[str, dict]:
    frame = compute_comparators(DFE, "916", "2021-22")
    return {row["kpi_code"]: row for row in frame.iter_rows(named=True)}


@pytest.mark.external
def test_neighbours_of_916_as_read_by_position():
    assert read_neighbours(DFE, "916") == independent_neighbours("916")
    assert read_neighbours(DFE, "916") == [
        "865", "800", "938", "873", "878", "838", "893", "850", "803", "885"]


@pytest.mark.external
def test_frame_shape_and_kpis(gloucestershire):
    frame = compute_comparators(DFE, "916", "2021-22")
    assert frame.columns == ["council_code", "kpi_code", "comparator_year", "comparator", "source",
                             "neighbours_used", "neighbours_suppressed"]
    assert frame.schema["comparator"] == pl.Float64
    assert frame.schema["neighbours_used"] == pl.Int64
    assert sorted(gloucestershire) == sorted(SPEC)            # HP01 and CC06: no DfE file, no row
    for row in gloucestershire.values():
        assert row["council_code"] == "916" and row["comparator_year"] == "2021-22"
        assert row["neighbours_used"] + row["neighbours_suppressed"] == 10
        assert SPEC[row["kpi_code"]][0] in row["source"]
        assert SPEC[row["kpi_code"]][1] in row["source"]


@pytest.mark.external
@pytest.mark.parametrize("kpi", SEED_MATCHES)
def test_916_matches_independent_and_seed(gloucestershire, kpi):
    expected, used, left_out = independent("916", kpi, "2022")
    row = gloucestershire[kpi]
    assert row["comparator"] == expected
    assert (row["neighbours_used"], row["neighbours_suppressed"]) == (used, left_out)
    assert row["comparator"] == seed_comparators()[kpi]


@pytest.mark.external
@pytest.mark.parametrize("kpi, ours, seed", [("CC02", 70.8, 71.1), ("CC04", 9.9, 9.7)])
def test_cc02_cc04_match_independent_but_not_seed(gloucestershire, kpi, ours, seed):
    """Known mismatch with the seed, not fudged: on this release of la_cla_placement_stability.csv
    the 2021-22 neighbour means are 70.8 (CC02) and 9.9 (CC04), while the seed says 71.1 and 9.7.
    The seed's 9.7 is the 2020-21 (time_period 2021) neighbour mean for CC04, and no year in this
    file gives 71.1 for CC02: the seed most likely used an earlier release (the long-term
    stability measure was then defined as the same *placement*, now the same *carer*)."""
    expected, _, _ = independent("916", kpi, "2022")
    assert gloucestershire[kpi]["comparator"] == expected == ours
    assert seed_comparators()[kpi] == seed != ours


@pytest.mark.external
def test_cc04_seed_value_is_the_previous_year():
    assert independent("916", "CC04", "2021")[0] == 9.7
    cc04 = compute_comparators(DFE, "916", "2020-21").filter(pl.col("kpi_code") == "CC04")
    assert cc04["comparator"].to_list() == [9.7]


@pytest.mark.external
def test_another_la_matches_independent():
    frame = compute_comparators(DFE, "873", "2021-22")          # Cambridgeshire
    got = {r["kpi_code"]: r for r in frame.iter_rows(named=True)}
    assert read_neighbours(DFE, "873") == independent_neighbours("873")
    for kpi in SPEC:
        expected, used, left_out = independent("873", kpi, "2022")
        assert expected is not None
        assert got[kpi]["comparator"] == expected, kpi
        assert (got[kpi]["neighbours_used"], got[kpi]["neighbours_suppressed"]) == (used, left_out)
    # Not simply Gloucestershire's figures again.
    assert got["CA01"]["comparator"] != 20.1


@pytest.mark.external
def test_hp03_suppressed_neighbours_left_out_and_counted(gloucestershire):
    raw = {}
    file, column, _ = SPEC["HP03"]
    neighbours = independent_neighbours("916")
    with (DFE / file).open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            if (row["geographic_level"] == "Local authority" and row["time_period"] == "2022"
                    and row["old_la_code"] in neighbours):
                raw[row["old_la_code"]] = row[column]
    suppressed = [c for c in neighbours if raw[c] == "c"]
    assert len(suppressed) == 3
    row = gloucestershire["HP03"]
    assert (row["neighbours_used"], row["neighbours_suppressed"]) == (7, 3)
    kept = [Fraction(raw[c]) for c in neighbours if c not in suppressed]
    assert row["comparator"] == float(round(sum(kept) / 7, 1)) == 1.6
    # Counting a suppressed cell as zero would give a different figure.
    assert round(float(sum(kept)) / 10, 1) != row["comparator"]


@pytest.mark.external
def test_unknown_la_code_is_a_clear_error():
    with pytest.raises(ScorecardError, match=rf"{SN_FILE}.*'999'.*'LA num'"):
        read_neighbours(DFE, "999")
    with pytest.raises(ScorecardError, match="'999'"):
        compute_comparators(DFE, "999", "2021-22")


@pytest.mark.external
def test_year_not_in_file_is_a_clear_error():
    with pytest.raises(ScorecardError, match=r"la_cla_placement_stability\.csv.*'time_period'.*2013"):
        compute_comparators(DFE, "916", "2012-13")


# --- Small synthetic files: the rules, without the published data -------------------------------

def fake_dfe(tmp_path: Path, values: list[str], extra_row: bool = False) -> Path:
    """An SN file (with BOM and repeated SNP headers) and one DfE-shaped file for LA 100."""
    codes = [str(201 + i) for i in range(10)]
    header = ["LA num", "LA Name", "LA number", "GOInd", "GOReg"]
    for i in range(1, 11):
        header += [f"SN{i}", "SNP"]
    row = ["100", "Testshire", "100", "1", "Region"]
    for code in codes:
        row += [code, "Close"]
    with (tmp_path / SN_FILE).open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows([header + [""], row + [""], [""] * 26])
    with (tmp_path / "fake.csv").open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["time_period", "geographic_level", "old_la_code", "breakdown", "pct"])
        writer.writerow(["2022", "National", "", "Yes", "99"])
        for code, value in zip(codes, values):
            writer.writerow(["2022", "Local authority", code, "Yes", value])
            writer.writerow(["2022", "Local authority", code, "No", "0"])
            writer.writerow(["2021", "Local authority", code, "Yes", "1"])
        if extra_row:
            writer.writerow(["2022", "Local authority", codes[0], "Yes", "5"])
    return tmp_path


FAKE = (ComparatorMeasure("XX01", "fake.csv", "pct", (("breakdown", "Yes"),)),)


def test_suppression_codes_left_out_and_counted(tmp_path):
    dfe = fake_dfe(tmp_path, ["10", "c", "z", "x", "k", "u", "", "20.5", "low", "30"])
    (row,) = compute_comparators(dfe, "100", "2021-22", measures=FAKE).iter_rows(named=True)
    assert (row["neighbours_used"], row["neighbours_suppressed"]) == (3, 7)
    assert row["comparator"] == 20.2                                # 60.5 / 3 = 20.1666...


def test_rounding_is_half_up(tmp_path):
    # 0.25 is not exact in binary and round(0.25, 1) == 0.2 in Python; the figure is 0.3.
    dfe = fake_dfe(tmp_path, ["0.2", "0.3"] + ["c"] * 8)
    (row,) = compute_comparators(dfe, "100", "2021-22", measures=FAKE).iter_rows(named=True)
    assert row["comparator"] == 0.3


def test_all_suppressed_gives_null(tmp_path):
    dfe = fake_dfe(tmp_path, ["c"] * 10)
    (row,) = compute_comparators(dfe, "100", "2021-22", measures=FAKE).iter_rows(named=True)
    assert row["comparator"] is None
    assert (row["neighbours_used"], row["neighbours_suppressed"]) == (0, 10)


def test_ambiguous_filter_is_an_error(tmp_path):
    dfe = fake_dfe(tmp_path, ["1"] * 10, extra_row=True)
    with pytest.raises(ScorecardError, match=r"fake\.csv.*2 rows for LA 201"):
        compute_comparators(dfe, "100", "2021-22", measures=FAKE)


@pytest.mark.parametrize("measure, message", [
    (ComparatorMeasure("XX01", "fake.csv", "pct_missing", ()), r"fake\.csv: column 'pct_missing'"),
    (ComparatorMeasure("XX01", "fake.csv", "pct", (("nope", "Yes"),)), r"fake\.csv: column 'nope'"),
    (ComparatorMeasure("XX01", "absent.csv", "pct", ()), r"absent\.csv: DfE file not found"),
])
def test_missing_file_or_column_is_an_error(tmp_path, measure, message):
    dfe = fake_dfe(tmp_path, ["1"] * 10)
    with pytest.raises(ScorecardError, match=message):
        compute_comparators(dfe, "100", "2021-22", measures=(measure,))


@pytest.mark.parametrize("year", ["2022", "2021-23", "21-22", "2021/22x", ""])
def test_malformed_year_is_an_error(tmp_path, year):
    dfe = fake_dfe(tmp_path, ["1"] * 10)
    with pytest.raises(ScorecardError, match="reporting year"):
        compute_comparators(dfe, "100", year, measures=FAKE)


def test_missing_neighbour_file_is_an_error(tmp_path):
    with pytest.raises(ScorecardError, match=SN_FILE):
        read_neighbours(tmp_path, "916")


def test_write_round_trips_with_reference_header(tmp_path):
    frame = pl.DataFrame({
        "council_code": ["916", "916"], "kpi_code": ["CA01", "HP03"],
        "comparator_year": ["2021-22", "2021-22"], "comparator": [20.1, None],
        "source": ['DfE c1.csv, column "x"', "DfE d5.csv"],
        "neighbours_used": [10, 0], "neighbours_suppressed": [0, 10],
    })
    out = write_comparators(frame, tmp_path / "reference" / "comparators.csv")
    with (Path(config.REFERENCE_DIR) / "comparators.csv").open(encoding="utf-8") as handle:
        reference_header = next(csv.reader(handle))
    assert reference_header == ["council_code", "kpi_code", "comparator_year", "comparator", "source"]
    text = out.read_text(encoding="utf-8")
    assert text.splitlines()[0] == ",".join(reference_header) + ",neighbours_used,neighbours_suppressed"
    with out.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert rows == [
        {"council_code": "916", "kpi_code": "CA01", "comparator_year": "2021-22",
         "comparator": "20.1", "source": 'DfE c1.csv, column "x"',
         "neighbours_used": "10", "neighbours_suppressed": "0"},
        {"council_code": "916", "kpi_code": "HP03", "comparator_year": "2021-22",
         "comparator": "", "source": "DfE d5.csv",
         "neighbours_used": "0", "neighbours_suppressed": "10"},
    ]
    # As the pipeline reads it: all text, then the staging casts.
    con = duckdb.connect()
    got = con.execute(
        "SELECT kpi_code, CAST(comparator AS DOUBLE), source FROM read_csv(?, header = true, "
        "all_varchar = true) ORDER BY kpi_code", [str(out)]).fetchall()
    con.close()
    assert got == [("CA01", 20.1, 'DfE c1.csv, column "x"'), ("HP03", None, "DfE d5.csv")]


def test_write_reference_columns_only(tmp_path):
    frame = pl.DataFrame({"council_code": ["916"], "kpi_code": ["CA01"],
                          "comparator_year": ["2021-22"], "comparator": [20.0], "source": ["s"]})
    out = write_comparators(frame, tmp_path / "c.csv")
    assert out.read_text(encoding="utf-8") == (
        "council_code,kpi_code,comparator_year,comparator,source\n916,CA01,2021-22,20.0,s\n")
    with pytest.raises(ScorecardError, match="source"):
        write_comparators(frame.drop("source"), tmp_path / "d.csv")


@pytest.mark.external
def test_computed_file_round_trips(tmp_path, gloucestershire):
    frame = compute_comparators(DFE, "916", "2021-22")
    out = write_comparators(frame, tmp_path / "comparators.csv")
    back = pl.read_csv(out, infer_schema=False)
    assert back.columns[:5] == ["council_code", "kpi_code", "comparator_year", "comparator",
                                "source"]
    assert back["kpi_code"].to_list() == frame["kpi_code"].to_list()
    assert back["comparator"].cast(pl.Float64).to_list() == frame["comparator"].to_list()
    assert back["source"].to_list() == frame["source"].to_list()
