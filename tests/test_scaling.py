"""Per-council work through a Prefect task runner (docs/scaling.md): two workers locally give the
same results as one council after another. No timing assertions: the benchmark is bench/."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from flows.per_council import per_council_validation, validate_council
from scorecard_demo import write_demo_landing

pytestmark = pytest.mark.slow  # several councils built end to end: CI runs it (make test-slow)

PERIOD_END = dt.date(2023, 6, 30)
COUNCILS = ("916", "800", "801")


@pytest.fixture(scope="module")
def council_landings(tmp_path_factory) -> list[str]:
    root = tmp_path_factory.mktemp("councils")
    landings = []
    for code in COUNCILS:
        write_demo_landing(root / code, code)
        landings.append(str(root / code))
    return landings


@pytest.mark.flow
def test_per_council_tasks_on_two_workers_match_sequential(prefect_harness, council_landings,
                                                           tmp_path):
    sequential = [validate_council(landing, PERIOD_END, tmp_path / "sequential")
                  for landing in council_landings]
    parallel = per_council_validation(council_landings, PERIOD_END,
                                      str(tmp_path / "parallel"))

    assert parallel == sequential
    assert [r["council_code"] for r in parallel] == list(COUNCILS)
    assert all(f["rows_quarantined"] == 0 for r in parallel for f in r["files"])
    # the accepted rows each worker staged are the same rows, council by council
    staged = sorted(p.relative_to(tmp_path / "sequential")
                    for p in (tmp_path / "sequential").rglob("*.parquet"))
    assert staged and staged == sorted(p.relative_to(tmp_path / "parallel")
                                       for p in (tmp_path / "parallel").rglob("*.parquet"))
    for relative in staged:
        assert pl.read_parquet(tmp_path / "sequential" / relative).equals(
            pl.read_parquet(tmp_path / "parallel" / relative))
