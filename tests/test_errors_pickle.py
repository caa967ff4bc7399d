"""Every error the product raises crosses a process boundary whole (Prefect pickles a failed
task's exception): its type, its message and its fields arrive as they left."""

from __future__ import annotations

import pickle

import pytest

from scorecard.errors import ContractError, GateFailed, LandingError, ScorecardError
from scorecard.gate.quality import SuiteError
from scorecard.ops.runlock import RunInProgress
from scorecard.report.pdf import ChromiumFailed, ChromiumNotFound, PopplerNotFound, PrintToolNotFound

FAILURES = [f"check {n} failed on table t{n}" for n in range(7)]

CASES = [
    ScorecardError("the run stopped"),
    ContractError("landing/hr_sap/2023-07-07/absences.csv", 12, "START_DATE", "not a date"),
    ContractError("landing/x.csv", None, None, "empty file"),
    LandingError("landing/hr_sap/2099-12-31: a file where an extract folder belongs"),
    GateFailed(FAILURES, "warehouse/reports/quality_1.html"),
    GateFailed(["one failure"]),
    RunInProgress("another run holds warehouse/scorecard.duckdb"),
    SuiteError("expectations/x.json: not a suite"),
    ChromiumNotFound("no chromium"),
    ChromiumFailed("chromium wrote nothing"),
    PrintToolNotFound("no program to print with"),
    PopplerNotFound("no pdfinfo"),
]


@pytest.mark.parametrize("error", CASES, ids=lambda e: type(e).__name__)
def test_pickled_and_back_it_says_the_same(error):
    back = pickle.loads(pickle.dumps(error))
    assert type(back) is type(error)
    assert str(back) == str(error)
    assert back.__dict__ == error.__dict__


def test_the_gate_message_is_whole_after_pickling():
    back = pickle.loads(pickle.dumps(GateFailed(FAILURES, "r.html")))
    assert str(back) == ("quality gate failed, nothing published: " + "; ".join(FAILURES[:5])
                         + " (and 2 more) (report: r.html)")
    assert back.failures == FAILURES


def test_every_error_class_in_the_product_is_covered():
    """A new error class must be added to CASES (and pickle whole)."""
    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)
    product = {c for c in subclasses(ScorecardError) if c.__module__.startswith("scorecard")}
    assert product | {SuiteError} <= {type(e) for e in CASES}
