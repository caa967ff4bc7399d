"""Parquet exports of the published database: one file per table and view of `published`.

Every publication writes them beside the published file (`scorecard.publish.publication.write_parquet`);
`scorecard report` writes the same files under its --out folder."""

from __future__ import annotations

from pathlib import Path

from scorecard.errors import ScorecardError
from scorecard.publish.publication import published_relations, write_parquet
from scorecard.report.committee import connect_published


def write_published_parquet(published: Path, out_dir: Path) -> list[Path]:
    """Write `<out_dir>/<name>.parquet` for every table and view in the published schema (read
    from the published database opened read-only), rows in the report's order; returns the
    files, by name. Each file is written beside its final name and moved into place, so a
    reader never sees half a file."""
    con = connect_published(published)
    try:
        names = published_relations(con)
    except ValueError as exc:  # a relation name that could not be a file name
        raise ScorecardError(f"{published}: {exc}") from None
    finally:
        con.close()
    if not names:
        raise ScorecardError(f"{published}: the published schema has no tables")
    return write_parquet(Path(published), Path(out_dir))
