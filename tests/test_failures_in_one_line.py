"""Failures that are not the extracts' fault (a damaged warehouse, a full disk) say what went
wrong and what to do in one line, leave the published database as it was and leave no temporary
file behind."""

from __future__ import annotations

import datetime as dt
import errno
import sys
import types
from pathlib import Path

import pytest

from conftest import published_dump, run_without_prefect
from scorecard.publish import publication as publish
from scorecard.errors import ScorecardError, one_line
from scorecard.publish.publication import published_path_for
from test_publication import small_landing

Q1 = dt.date(2023, 6, 30)


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    root = tmp_path_factory.mktemp("failures")
    landing = small_landing(root)
    warehouse = root / "wh" / "scorecard.duckdb"
    warehouse.parent.mkdir()
    run_without_prefect(landing, warehouse, Q1)
    return {"root": root, "landing": landing, "warehouse": warehouse}


@pytest.mark.parametrize("damage", ["cut in half", "not a database"])
def test_a_damaged_warehouse_is_one_line_with_what_to_do(tmp_path, published, damage):
    warehouse = tmp_path / "scorecard.duckdb"
    data = published["warehouse"].read_bytes()
    warehouse.write_bytes(data[: len(data) // 2] if damage == "cut in half" else b"x" * 4096)
    with pytest.raises(ScorecardError) as refused:
        run_without_prefect(published["landing"], warehouse, Q1)
    message = str(refused.value)
    assert "\n" not in message
    assert message.startswith(f"{warehouse}: the warehouse file is damaged or not a DuckDB "
                              "database (")
    assert message.endswith("move it aside and run again to rebuild it from the extracts (the "
                            "published database is kept), or restore it from a backup")


def test_a_full_disk_during_publish_changes_nothing_and_leaves_no_copy(published, monkeypatch):
    before = published_dump(published_path_for(published["warehouse"]))

    def disk_full(target, previous):  # the new file, half-written, when the disk fills
        target.write_bytes(b"part of a copy")
        Path(f"{target}.wal").write_bytes(b"part of a log")
        raise OSError(errno.ENOSPC, "No space left on device", str(target))

    monkeypatch.setattr(publish, "_open_new_file", disk_full)
    with pytest.raises(OSError) as failed:
        run_without_prefect(published["landing"], published["warehouse"], Q1, force=True)
    assert one_line(failed.value).endswith(
        "no space left on the disk ([Errno 28] No space left on device); free some space and "
        "run again (the published database is unchanged)")
    assert published_dump(published_path_for(published["warehouse"])) == before
    assert list(published["warehouse"].parent.glob(".*.tmp*")) == []


def test_the_command_line_shows_a_full_disk_in_one_line(published, monkeypatch):
    from typer.testing import CliRunner

    from scorecard.ops.cli import app

    def quarterly_scorecard(**_):
        raise OSError(errno.ENOSPC, "No space left on device", "/data/warehouse/scorecard.duckdb.wal")

    monkeypatch.setitem(sys.modules, "flows.quarterly_scorecard",
                        types.SimpleNamespace(quarterly_scorecard=quarterly_scorecard))
    result = CliRunner().invoke(app, ["run", "--period-end", Q1.isoformat(), "--landing",
                                      str(published["landing"]), "--warehouse",
                                      str(published["warehouse"]), "--demo-key"])
    assert result.exit_code == 1
    assert result.output.strip() == (
        "error: /data/warehouse/scorecard.duckdb.wal: no space left on the disk ([Errno 28] No "
        "space left on device); free some space and run again (the published database is "
        "unchanged)")


def test_a_warehouse_where_none_can_be_written_is_refused_before_anything_starts(tmp_path):
    """A warehouse path under a file (or a folder this user may not write) is refused by the
    preflight, in one line, before Prefect starts or a file is written."""
    from scorecard.pipeline import preflight

    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the warehouse folder should be", encoding="utf-8")
    with pytest.raises(ScorecardError) as refused:
        preflight(Q1, None, small_landing(tmp_path), blocker / "wh" / "scorecard.duckdb", True)
    assert str(refused.value) == (
        f"{blocker / 'wh'}: cannot write the warehouse here (not a writable folder); choose "
        "another --warehouse or fix the folder's permissions")
