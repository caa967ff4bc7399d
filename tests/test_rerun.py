"""A run's fingerprint: the same inputs give the same one; any changed file under sql/,
reference/ or expectations/, extract, date or key gives another."""

from __future__ import annotations

import datetime as dt
import shutil

import pytest

from scorecard import config, pipeline
from scorecard.fingerprint import run_fingerprint
from test_publication import Q1, small_landing

D = dt.date
DEMO_KEY = config.DEMO_HMAC_KEY.encode()


# --- the fingerprint itself, on copies of the project's folders ----------------------------------

@pytest.fixture()
def inputs(tmp_path):
    folders = []
    for source in (config.SQL_DIR, config.REFERENCE_DIR, config.EXPECTATIONS_DIR):
        folders.append(tmp_path / source.name)
        shutil.copytree(source, folders[-1])
    landing = small_landing(tmp_path)
    return {"manifest": pipeline.extract(landing, Q1), "period_end": Q1, "publish_from": Q1,
            "calendar_years": (2000, 2024), "key": DEMO_KEY, "folders": folders}


def fingerprint(inputs: dict, **changed) -> str:
    return run_fingerprint(**{**inputs, **changed})


def test_the_same_inputs_give_the_same_fingerprint(inputs):
    assert fingerprint(inputs) == fingerprint(inputs)
    assert fingerprint(inputs) == fingerprint(inputs, manifest=list(reversed(inputs["manifest"])))


@pytest.mark.parametrize("folder", ["sql", "reference", "expectations"])
def test_any_changed_or_added_file_changes_the_fingerprint(inputs, folder):
    before = fingerprint(inputs)
    root = next(f for f in inputs["folders"] if f.name == folder)
    path = sorted(p for p in root.rglob("*") if p.is_file())[0]
    original = path.read_bytes()
    path.write_bytes(original + b" ")
    assert fingerprint(inputs) != before
    path.write_bytes(original)
    assert fingerprint(inputs) == before
    (root / "new_file.txt").write_text("x")
    assert fingerprint(inputs) != before


def test_run_parameters_and_the_key_change_the_fingerprint(inputs):
    before = fingerprint(inputs)
    assert fingerprint(inputs, period_end=D(2023, 9, 30)) != before
    assert fingerprint(inputs, publish_from=D(2023, 3, 31)) != before
    assert fingerprint(inputs, calendar_years=(2000, 2025)) != before
    assert fingerprint(inputs, key=b"another-council-key-of-some-length") != before


def test_an_absent_or_changed_extract_changes_the_fingerprint(inputs):
    before = fingerprint(inputs)
    first, *rest = inputs["manifest"]
    assert fingerprint(inputs, manifest=[{**first, "sha256": None}, *rest]) != before
    assert fingerprint(inputs, manifest=[{**first, "sha256": "0" * 64}, *rest]) != before
    assert fingerprint(inputs, manifest=rest) != before
