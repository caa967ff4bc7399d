"""reference/councils.csv holds DfE's own names of the English local authorities, by their
three-digit (old) LA code: checked here against DfE's LA-level statistics file itself."""

from __future__ import annotations

import csv

import pytest

from conftest import SHARED
from scorecard import config

pytestmark = pytest.mark.external

DFE = SHARED / "external" / "dfe" / "la_cla_placement_stability.csv"


def _dfe_names() -> dict[str, tuple[str, str]]:
    names = {}
    with DFE.open(encoding="utf-8-sig") as handle:
        for row in csv.DictReader(handle):
            if row["geographic_level"] == "Local authority" and row["old_la_code"]:
                names[row["old_la_code"]] = (row["la_name"], row["new_la_code"])
    return names


def test_every_council_is_named_as_dfe_names_it():
    with (config.REFERENCE_DIR / "councils.csv").open(encoding="utf-8") as handle:
        ours = {r["council_code"]: (r["council_name"], r["new_la_code"])
                for r in csv.DictReader(handle)}
    dfe = _dfe_names()
    assert ours == dfe
    assert ours["916"] == ("Gloucestershire", "E10000013")
    assert len(ours) == 155
