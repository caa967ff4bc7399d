"""A newer extract that quietly lacks a file, or was cut at a line end, is named in warnings.

Quarter 1 publishes from the 7 July extract (903 header, episodes and reviews for 40 children).
The 7 October extract for quarter 2 lacks reviews.csv (an optional file: it would load as "not
sent", so CC03 shows no information) and its episodes.csv was cut after 10 of its 40 rows, at a
line end, so it is well formed. Both must be warnings naming the files (docs/bad_inputs.md: the
rule is a warning, publication goes ahead); a newer extract with everything is silent.
"""

from __future__ import annotations

import datetime as dt
import shutil

import pytest

from conftest import run_without_prefect
from helpers.csc_landing import child, episode, review, write_903
from test_publication import small_landing

D = dt.date
Q1, Q2 = D(2023, 6, 30), D(2023, 9, 30)
CHILDREN = [f"C{n:02d}" for n in range(40)]


def _first_extract(root):
    landing = small_landing(root)
    header = [child(c, D(2012, 1, 1)) for c in CHILDREN]
    episodes = [episode(c, D(2023, 1, 2)) for c in CHILDREN]
    reviews = [review(c, D(2023, 1, 25), D(2012, 1, 1)) for c in CHILDREN]
    write_903(landing, header, episodes, reviews)
    return landing, header, episodes, reviews


def _second_extract(landing, header, episodes, reviews):
    for source in ("hr_sap", "audit"):
        shutil.copytree(landing / source / "2023-07-07", landing / source / "2023-10-07")
    return write_903(landing, header, episodes, reviews, extract_date="2023-10-07")


@pytest.fixture(scope="module")
def changed(tmp_path_factory):
    root = tmp_path_factory.mktemp("changes")
    landing, header, episodes, reviews = _first_extract(root)
    warehouse = root / "wh" / "scorecard.duckdb"
    warehouse.parent.mkdir()
    first = run_without_prefect(landing, warehouse, Q1)
    folder = _second_extract(landing, header, episodes[:10], reviews)
    (folder / "reviews.csv").unlink()
    second = run_without_prefect(landing, warehouse, Q2)
    return first, second


def test_the_first_run_has_nothing_to_compare_with(changed):
    first, _ = changed
    assert first["publication_id"]


def test_a_file_read_last_time_and_absent_now_is_a_warning(changed):
    _, second = changed
    [warning] = [w for w in second["warnings"] if "missing_file_problem" in w]
    assert "social_care__reviews (Gloucestershire, council 916): reviews.csv was read by run" in warning
    assert "(extract 2023-07-07) and is absent now (newest extract 2023-10-07)" in warning
    assert second["publication_id"]   # a warning: the quarter still publishes


def test_a_file_cut_to_a_quarter_of_its_rows_is_a_warning(changed):
    _, second = changed
    [warning] = [w for w in second["warnings"] if "shrunk_file_problem" in w]
    assert "2023-10-07/episodes.csv: 10 rows, fewer than half the 40 of" in warning


def test_a_complete_newer_extract_says_nothing(tmp_path):
    landing, header, episodes, reviews = _first_extract(tmp_path)
    warehouse = tmp_path / "wh" / "scorecard.duckdb"
    warehouse.parent.mkdir()
    run_without_prefect(landing, warehouse, Q1)
    _second_extract(landing, header, episodes, reviews)
    second = run_without_prefect(landing, warehouse, Q2)
    assert [w for w in second["warnings"] if "file_problem" in w] == []


def test_another_councils_rows_in_an_hr_file_are_a_warning(tmp_path):
    """The social care folder says council 916 (extract.json); the HR staff file, which carries
    its own codes and has no extract.json, also holds a 999 employee: a warning names 999."""
    landing, header, episodes, reviews = _first_extract(tmp_path)
    staff = landing / "hr_sap" / "2023-07-07" / "staff_in_post.csv"
    staff.write_bytes(staff.read_bytes() + b"999,10000009,Sam Other,CYP,1,05.01.2015,,\r\n")
    warehouse = tmp_path / "wh" / "scorecard.duckdb"
    warehouse.parent.mkdir()
    result = run_without_prefect(landing, warehouse, Q1)
    [warning] = [w for w in result["warnings"] if "unexpected_council_problem" in w]
    assert ("council 999 has rows in hr_sap__staff_in_post, but no extract folder of this run is "
            "for it (extract.json names 916)") in warning
