"""History is neither lost nor invented without a word.

- A published database deleted after several quarters were published to it is not silently
  started again with one quarter: the run refuses, names the quarters that would be lost and says
  how to restore them; republishing them with --backfill-from goes ahead.
- A period end before any data (2010, for extracts that begin in 2015) is refused by the gate
  instead of publishing, and freezing, a quarter in which nothing was recorded.
"""

from __future__ import annotations

import datetime as dt

import pytest

from conftest import published_dump, run_without_prefect
from scorecard.errors import GateFailed, ScorecardError
from scorecard.publish.publication import published_path_for
from test_publication import small_landing

D = dt.date
Q4, Q1 = D(2023, 3, 31), D(2023, 6, 30)


def test_a_deleted_published_file_is_not_started_again_with_one_quarter(tmp_path):
    landing = small_landing(tmp_path)
    warehouse = tmp_path / "wh" / "scorecard.duckdb"
    warehouse.parent.mkdir()
    run_without_prefect(landing, warehouse, Q1, publish_from=D(2022, 12, 31))
    published = published_path_for(warehouse)
    published.unlink()
    with pytest.raises(ScorecardError) as refused:
        run_without_prefect(landing, warehouse, Q1)
    assert str(refused.value) == (
        f"{published}: the published database is missing, but this warehouse published 2 "
        "quarter(s) to it (2022-12-31 to 2023-03-31, last by run "
        f"{refused.value.args[0].split('last by run ')[1].split(')')[0]}); restore it from a "
        "backup, or publish them again with --backfill-from 2022-12-31")
    assert not published.exists()
    again = run_without_prefect(landing, warehouse, Q1, publish_from=D(2022, 12, 31))
    assert again["period_ends"] == ["2022-12-31", "2023-03-31", "2023-06-30"]


def test_a_quarter_before_any_data_is_refused(tmp_path):
    landing = small_landing(tmp_path)
    warehouse = tmp_path / "wh" / "scorecard.duckdb"
    warehouse.parent.mkdir()
    run_without_prefect(landing, warehouse, Q1)
    before = published_dump(published_path_for(warehouse))
    with pytest.raises(GateFailed) as refused:
        run_without_prefect(landing, warehouse, D(2010, 6, 30))
    assert ("Gloucestershire (council 916), 2010-06-30: no KPI has any record" in str(refused.value))
    assert published_dump(published_path_for(warehouse)) == before
