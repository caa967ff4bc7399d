"""The fast CSV path (polars' reader) gives exactly the frame the row-by-row reader gives, and hands
every file it cannot read exactly to that reader.

The independent answer is the row-by-row reader itself (`_plain_csv` switched off), which the
bad-input corpus (tests/test_bad_inputs.py) pins to file, row and column.
"""

from __future__ import annotations

import pytest
from polars.testing import assert_frame_equal

from scorecard.ingest import read
from scorecard_demo import landing_cache
from scorecard.ingest.sources import CONTRACTS, hr_sap

CSV_CONTRACTS = [c for c in CONTRACTS if c.file_format == "csv"]


def _both_readers(path, contract, monkeypatch):
    taken = []
    real = read._plain_csv

    def spy(*args):
        frame = real(*args)
        taken.append(frame is not None)
        return frame

    monkeypatch.setattr(read, "_plain_csv", spy)
    fast, fast_ragged = read._read_csv(path, contract)
    monkeypatch.setattr(read, "_plain_csv", lambda *args: None)
    exact, exact_ragged = read._read_csv(path, contract)
    return taken, (fast, fast_ragged), (exact, exact_ragged)


@pytest.fixture(scope="module")
def demo_landing(tmp_path_factory):
    root = tmp_path_factory.mktemp("landing")
    landing_cache.demo_landing(root, "916")
    return root


@pytest.mark.parametrize("contract", CSV_CONTRACTS, ids=lambda c: f"{c.source}/{c.file_name}")
def test_every_demo_csv_is_read_the_same_by_both_readers(demo_landing, contract, monkeypatch):
    [path] = list((demo_landing / contract.source).glob(f"*/{contract.file_name}"))
    taken, (fast, fast_ragged), (exact, exact_ragged) = _both_readers(path, contract, monkeypatch)
    assert_frame_equal(fast, exact)
    assert fast_ragged == exact_ragged == []
    # the demo's files without quoted fields are the ones the fast reader takes
    assert taken == ['"' not in path.read_text(encoding=contract.encoding)]


def test_padding_empty_values_and_empty_rows_match(tmp_path, monkeypatch):
    path = tmp_path / "absences.csv"
    # header with padded names, padded values, an empty value, a row of empty fields, CRLF endings
    path.write_bytes(b" council_code ,pers_no,reason\r\n916, 1 ,sick\r\n916,2,\r\n,,\r\n"
                     b"916,3, \xe9t\xe9 \r\n")
    taken, (fast, _), (exact, _) = _both_readers(path, hr_sap.ABSENCES, monkeypatch)
    assert taken == [True]
    assert_frame_equal(fast, exact)
    assert fast.rows() == [(2, "916", "1", "sick"), (3, "916", "2", None), (5, "916", "3", "été")]


@pytest.mark.parametrize("body, why", [
    (b"a,b,c\n1,2\n3,4,5\n", "a row short of a field"),
    (b"a,b,c\n1,2,3,4\n3,4,5\n", "a row with a field too many"),
    (b"a,b,c\n1,2,3\n\n3,4,5\n", "a blank line, which keeps its row number"),
    (b'a,b,c\n1,"2,5",3\n', "a quoted field"),
    (b"a,b,c\r1,2,3\r", "old Mac line ends"),
    (b"a,b,c\n1,2,3\n4,5", "cut short in the last row"),
])
def test_files_the_fast_reader_cannot_read_exactly_go_to_the_exact_reader(tmp_path, body, why):
    path = tmp_path / "file.csv"
    path.write_bytes(body)
    text, _ = read._decode(path, hr_sap.ABSENCES)
    assert read._plain_csv(path, text) is None, why
