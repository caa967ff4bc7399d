"""Reading extracts through their contracts: encodings, headers, quarantine with reasons."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from helpers.landing_builder import write_recommendations, write_sap_csv
from scorecard.errors import ContractError, LandingError
from scorecard.ingest.landing import ExtractFile, find_extracts
from scorecard.ingest.load import load_extract
from scorecard.ingest.read import read_extract
from scorecard.ingest.sources import hr_sap
from scorecard.warehouse import initialise

D = dt.date
GOOD = dict(council_code="916", pers_no="10000001", employee_name="Zoë O’Brien", directorate="CYP",
            fte="0.6", start_date=D(2019, 4, 1))


def test_windows_1252_names_survive(tmp_path):
    path = write_sap_csv(tmp_path, hr_sap.STAFF_IN_POST, [GOOD])
    assert "’".encode("cp1252") in path.read_bytes()
    frame = read_extract(path, hr_sap.STAFF_IN_POST)
    assert frame["employee_name"].to_list() == ["Zoë O’Brien"]
    assert frame["start_date"].to_list() == ["01.04.2019"]
    assert frame["_row_number"].to_list() == [2]


def test_utf8_bom_is_recognised(tmp_path):
    path = tmp_path / "staff_in_post.csv"
    header = ",".join(hr_sap.STAFF_IN_POST.column_names)
    path.write_bytes(b"\xef\xbb\xbf" + f"{header}\n916,10000001,Zoë,CYP,1,01.04.2019,,\n".encode())
    frame = read_extract(path, hr_sap.STAFF_IN_POST)
    assert frame.columns[1:3] == ["council_code", "pers_no"]
    assert frame["employee_name"].to_list() == ["Zoë"]


def test_missing_required_column_names_file_row_and_column(tmp_path):
    columns = [c for c in hr_sap.ABSENCES.column_names if c != "reason_code"]
    path = write_sap_csv(tmp_path, hr_sap.ABSENCES, [], columns=columns)
    with pytest.raises(ContractError) as raised:
        read_extract(path, hr_sap.ABSENCES)
    message = str(raised.value)
    assert str(path) in message
    assert "row 1" in message
    assert "'reason_code'" in message


def test_empty_file_is_an_error(tmp_path):
    path = tmp_path / "absences.csv"
    path.write_bytes(b"")
    with pytest.raises(ContractError, match="absences.csv: file is empty"):
        read_extract(path, hr_sap.ABSENCES)


def test_undecodable_byte_names_the_row(tmp_path):
    path = tmp_path / "staff_in_post.csv"
    header = ",".join(hr_sap.STAFF_IN_POST.column_names)
    path.write_bytes(f"{header}\n".encode() + b"916,10000001,Bad \x81 byte,CYP,1,01.04.2019,,\n")
    with pytest.raises(ContractError, match=r"row 2: byte 0x81 is not valid cp1252"):
        read_extract(path, hr_sap.STAFF_IN_POST)


def test_bad_rows_are_quarantined_with_reasons_and_nothing_is_lost(tmp_path):
    rows = [
        GOOD,
        dict(GOOD, pers_no="10000002", fte="1.5"),                       # row 3: FTE over 1
        dict(GOOD, pers_no="10000003", start_date="31.02.2020"),         # row 4: impossible date
        dict(GOOD, pers_no="10000004", leaving_date=D(2022, 1, 1)),      # row 5: no reason
        dict(GOOD, pers_no="10000005", directorate="XYZ"),               # row 6: unknown code
        dict(GOOD, pers_no="10000001", employee_name="Duplicate"),       # row 7: duplicate key
        dict(GOOD, pers_no="10000009"),                                  # row 8: fine
    ]
    path = write_sap_csv(tmp_path / "landing", hr_sap.STAFF_IN_POST, rows)
    con = duckdb.connect()
    initialise(con)
    result = load_extract(con, ExtractFile(hr_sap.STAFF_IN_POST, path, D(2023, 7, 7), "x"), "run1")
    # both rows sharing a key are held back: the loader cannot know which one is right
    assert (result.rows_in, result.rows_loaded, result.rows_quarantined) == (7, 1, 6)
    reasons = con.execute(
        "SELECT row_number, column_name, reason FROM quarantine.rows ORDER BY row_number, column_name"
    ).fetchall()
    assert (3, "fte", "must be at most 1") in reasons
    assert (4, "start_date", "not a valid date (dd.mm.yyyy)") in reasons
    assert (5, "leaving_reason", "required when leaving_date is given") in reasons
    assert (6, "directorate", "not one of CYP, ADS, PLC, RES, CEX") in reasons
    duplicates = [r for r in reasons if r[1] == "council_code, pers_no"]
    assert [r[0] for r in duplicates] == [2, 7]
    assert all("first at row 2" in r[2] for r in duplicates)
    loaded = con.execute("SELECT count(*) FROM raw.hr_sap__staff_in_post").fetchone()[0]
    quarantined = con.execute("SELECT count(DISTINCT row_number) FROM quarantine.rows").fetchone()[0]
    assert loaded + quarantined == len(rows)
    record = con.execute("SELECT record FROM quarantine.rows WHERE row_number = 3").fetchone()[0]
    assert '"fte": "1.5"' in record
    load = con.execute("SELECT rows_in, rows_loaded, rows_quarantined FROM meta.loads").fetchone()
    assert load == (7, 1, 6)


def test_workbook_dates_and_headers(tmp_path):
    path = write_recommendations(tmp_path, [dict(
        council_code="916", rec_ref="A1", audit_title="Payroll", directorate="CYP", priority="High",
        raised_date=D(2022, 5, 1), agreed_target_date="31/12/2022", status="Open")])
    from scorecard.ingest.sources.audit import RECOMMENDATIONS

    frame = read_extract(path, RECOMMENDATIONS)
    assert frame["raised_date"].to_list() == ["2022-05-01"]          # an Excel date cell
    assert frame["agreed_target_date"].to_list() == ["31/12/2022"]   # a date typed as text
    assert frame["_row_number"].to_list() == [2]


def test_newest_extract_on_or_after_the_period_end_is_used(tmp_path):
    for extract_date in ("2023-04-05", "2023-07-07", "2023-07-14"):
        for contract in (hr_sap.STAFF_IN_POST, hr_sap.ABSENCES, hr_sap.APPRAISALS,
                         hr_sap.RIDDOR_REPORTS):
            write_sap_csv(tmp_path, contract, [], extract_date)
        write_recommendations(tmp_path, [], extract_date)
    found = find_extracts(tmp_path, D(2023, 6, 30))
    sent = [f for f in found if f.contract.source in ("hr_sap", "audit")]
    assert {f.extract_date for f in sent} == {D(2023, 7, 14)}
    assert len(sent) == 5 and all(len(f.sha256) == 64 for f in sent)
    # sources this council does not send are listed as absent, to be loaded as empty tables
    absent = [f for f in found if f.contract.source not in ("hr_sap", "audit")]
    assert absent and not any(f.present for f in absent)


def test_a_missing_required_file_stops_the_run(tmp_path):
    write_sap_csv(tmp_path, hr_sap.STAFF_IN_POST, [])
    with pytest.raises(LandingError, match=r"hr_sap/2023-07-07/absences.csv: extract file missing"):
        find_extracts(tmp_path, D(2023, 6, 30))
