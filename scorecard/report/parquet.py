"""Parquet exports of the published database: one file per table and view of `published`."""

from __future__ import annotations

import re
from pathlib import Path

from scorecard.errors import ScorecardError
from scorecard.report.committee import connect_published


def published_relations(con) -> list[str]:
    """Every table and view of the `published` schema, by name."""
    return [r[0] for r in con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'published' "
        "ORDER BY table_name").fetchall()]


def write_published_parquet(published: Path, out_dir: Path) -> list[Path]:
    """Write `<out_dir>/<name>.parquet` for every table and view in the published schema (read
    from the published database opened read-only); returns the files, by name. Each file is
    written beside its final name and moved into place, so a reader never sees half a file."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    con = connect_published(published)
    written = []
    try:
        names = published_relations(con)
        if not names:
            raise ScorecardError(f"{published}: the published schema has no tables")
        for name in names:
            if not re.fullmatch(r"[A-Za-z0-9_]+", name):
                raise ScorecardError(f"{published}: unexpected relation name {name!r}")
            path = out_dir / f"{name}.parquet"
            tmp = out_dir / f".{name}.parquet.tmp"
            target = str(tmp).replace("'", "''")
            try:
                con.execute(f"COPY (SELECT * FROM published.\"{name}\") TO '{target}' "
                            "(FORMAT parquet, COMPRESSION zstd)")
                tmp.replace(path)
            finally:
                tmp.unlink(missing_ok=True)
            written.append(path)
    finally:
        con.close()
    return written
