"""Run the SQL models in `sql/`: macros first, then staging, intermediate, kpis and marts.

One file is one model; its folder is its schema and its file name its relation name. Each file
holds a single SELECT, materialised here as a table. Within a layer, models run after the models
they name (`schema.relation`), so an analyst never has to declare dependencies by hand.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

import duckdb

from scorecard.errors import ScorecardError

LAYERS = ("staging", "intermediate", "kpis", "marts")
_REFERENCE = re.compile(r"\b(" + "|".join(LAYERS) + r")\.([a-z0-9_]+)\b")
_COMMENT = re.compile(r"--[^\n]*|/\*.*?\*/", re.DOTALL)


@dataclass(frozen=True)
class Model:
    schema: str
    name: str
    path: Path
    sql: str

    @property
    def relation(self) -> str:
        return f"{self.schema}.{self.name}"

    @property
    def depends_on(self) -> frozenset[str]:
        body = _COMMENT.sub("", self.sql)
        return frozenset(f"{s}.{n}" for s, n in _REFERENCE.findall(body)) - {self.relation}


def discover(sql_dir: Path) -> list[Model]:
    """All models in run order."""
    ordered: list[Model] = []
    known: set[str] = set()
    for layer in LAYERS:
        models = {
            f"{layer}.{p.stem}": Model(layer, p.stem, p, p.read_text(encoding="utf-8"))
            for p in sorted((sql_dir / layer).glob("*.sql"))
        }
        graph = {rel: m.depends_on & models.keys() for rel, m in models.items()}
        try:
            order = list(TopologicalSorter(graph).static_order())
        except CycleError as exc:
            raise ScorecardError(f"{sql_dir / layer}: models depend on each other in a cycle: {exc.args[1]}") from None
        for rel in order:
            model = models[rel]
            unknown = {d for d in model.depends_on if d not in known and d not in models}
            if unknown:
                raise ScorecardError(f"{model.path}: refers to {', '.join(sorted(unknown))}, which no model before it builds")
            ordered.append(model)
        known.update(models)
    return ordered


def create_macros(con: duckdb.DuckDBPyConnection, sql_dir: Path) -> None:
    for path in sorted((sql_dir / "macros").glob("*.sql")):
        con.execute(path.read_text(encoding="utf-8"))


def build(con: duckdb.DuckDBPyConnection, sql_dir: Path) -> list[str]:
    """Materialise every model; return the relations built, in order."""
    create_macros(con, sql_dir)
    built = []
    for model in discover(sql_dir):
        select = model.sql.strip().rstrip(";")
        try:
            con.execute(f"CREATE OR REPLACE TABLE {model.relation} AS\n{select}")
        except duckdb.Error as exc:
            raise ScorecardError(f"{model.path}: {str(exc).splitlines()[0]}") from None
        built.append(model.relation)
    return built
