"""The published relations' descriptions, read from docs/views.md: one source for the document
analysts read and the `COMMENT ON` every published table, view and column carries.

The document's machine-readable parts are, for each relation, its heading and its column table:

    ## `published.<relation>`: <what one row is>          -> COMMENT ON TABLE/VIEW
    | column | type | meaning |
    |---|---|---|
    | <name>[, <name>...] | <type> | <meaning> |           -> COMMENT ON COLUMN (each name)

Backticks and bold markers are dropped from the text; everything else is kept as written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from scorecard.config import PROJECT_ROOT
from scorecard.errors import ScorecardError

VIEWS_DOC = PROJECT_ROOT / "docs" / "views.md"

_HEADING = re.compile(r"^## `published\.([a-z0-9_]+)`(?::\s*(.*))?$")
_COLUMN_HEADER = re.compile(r"^\|\s*column\s*\|\s*type\s*\|\s*meaning\s*\|$")
_NAME = re.compile(r"^[a-z0-9_]+$")


@dataclass
class RelationDoc:
    name: str
    description: str
    columns: dict[str, str] = field(default_factory=dict)


def plain(text: str) -> str:
    """Markdown inline text as a database comment: no backticks or bold markers."""
    return re.sub(r"\s+", " ", text.replace("`", "").replace("**", "")).strip()


def _cells(line: str) -> list[str]:
    # a meaning may hold an escaped pipe (\|); split on the others
    return [c.replace("\\|", "|").strip()
            for c in re.split(r"(?<!\\)\|", line.strip().strip("|"))]


def read_views_doc(path: Path = VIEWS_DOC) -> dict[str, RelationDoc]:
    """Every `published.<relation>` section of the document, with its column table."""
    relations: dict[str, RelationDoc] = {}
    current: RelationDoc | None = None
    in_table = False
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        line = line.rstrip()
        heading = _HEADING.match(line)
        if heading:
            name = heading.group(1)
            if name in relations:
                raise ScorecardError(f"{path}:{number}: published.{name} described twice")
            current = relations[name] = RelationDoc(name, plain(heading.group(2) or ""))
            in_table = False
            continue
        if line.startswith("#"):
            current, in_table = None, False
            continue
        if current is None:
            continue
        if _COLUMN_HEADER.match(line):
            in_table = True
            continue
        if in_table and line.startswith("|"):
            cells = _cells(line)
            if set(cells[0]) <= {"-", ":"}:
                continue
            if len(cells) != 3:
                raise ScorecardError(f"{path}:{number}: a column row needs 3 cells, has "
                                     f"{len(cells)}")
            for name in (plain(n) for n in cells[0].split(",")):
                if not _NAME.match(name):
                    raise ScorecardError(f"{path}:{number}: {name!r} is not a column name")
                if name in current.columns:
                    raise ScorecardError(f"{path}:{number}: published.{current.name}.{name} "
                                         "described twice")
                current.columns[name] = plain(cells[2])
            continue
        in_table = False
    return relations
