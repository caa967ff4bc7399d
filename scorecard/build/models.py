"""Run the SQL models in `sql/`: macros first, then staging, intermediate, kpis and marts.

One file is one model; its folder is its schema and its file name its relation name. Each file
holds a single SELECT, materialised here as a table. Within a layer, models run after the models
they name (`schema.relation`), so an analyst never has to declare dependencies by hand.

Models can also come from extra folders (`config.kpi_dirs()`, docs/adding_a_kpi.md): a flat folder
of `.sql` files whose layer is their name's prefix (`stg_`, `int_`, `kpi_`, `fct_`/`mart_`).

A model that lists what the catalogue and the contracts already say (the KPI unions of the
marts, which council sent which table, the date columns the future-dates check covers) is a
Jinja template rendered here before it runs, from:
- `kpi_models` / `kpi_detail_models`: the relation of each catalogue KPI that has a model
  (`kpis.kpi_<code>_<slug>` and its `_detail`), in the catalogue's display order;
- `source_tables`: each extract contract with a staging model, as `name` (`<source>__<table>`)
  and `relation` (`staging.stg_<source>__<table>`), in the contracts' order;
- `raw_tables`: the raw table of every extract contract (`raw.<source>__<table>`), in the
  contracts' order;
- `date_columns`: each date column of those contracts that the future-dates check covers
  (`Column.future_date_kind` event or scheduled, carried to staging), as `relation`, `column`
  (its staging name), `raw_column` and `kind`.
The SQL as run, rendered, is kept in `meta.model_sql` for analysts to read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from graphlib import CycleError, TopologicalSorter
from pathlib import Path
from typing import Callable, Iterable, Sequence

import duckdb
import jinja2

from scorecard.errors import ScorecardError

LAYERS = ("staging", "intermediate", "kpis", "marts")
# The layer of a model in an extra (flat) folder, from its name.
LAYER_OF_PREFIX = {"stg_": "staging", "int_": "intermediate", "kpi_": "kpis", "fct_": "marts",
                   "mart_": "marts"}
_TEMPLATE = re.compile(r"\{\{|\{%")
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


def _files(sql_dir: Path, extra_dirs: Iterable[Path]) -> dict[str, list[Path]]:
    """The model files of each layer: sql_dir/<layer>/*.sql, then each extra folder's."""
    files = {layer: sorted((Path(sql_dir) / layer).glob("*.sql")) for layer in LAYERS}
    for folder in extra_dirs:
        folder = Path(folder)
        if not folder.is_dir():
            raise ScorecardError(f"{folder}: extra model folder not found")
        for path in sorted(folder.glob("*.sql")):
            layer = next((l for p, l in LAYER_OF_PREFIX.items() if path.stem.startswith(p)), None)
            if layer is None:
                raise ScorecardError(
                    f"{path}: a model's name must start with one of "
                    f"{', '.join(LAYER_OF_PREFIX)} (its layer)")
            clash = next((p for p in files[layer] if p.stem == path.stem), None)
            if clash is not None:
                raise ScorecardError(f"{path}: model {layer}.{path.stem} is already {clash}")
            files[layer].append(path)
    return files


def catalogue_kpi_models(kpi_codes: Sequence[str], kpi_files: Iterable[Path]) -> list[str]:
    """The kpis relation of each catalogue code that has a model, in the catalogue's order. A KPI
    model whose code is not in the catalogue, a code with two models, or a model without its
    `_detail` is an error naming the file: each would otherwise drop out of the report unseen."""
    names = [p.stem for p in kpi_files]
    main = {n: p for n, p in zip(names, kpi_files) if not n.endswith("_detail")}
    by_code: dict[str, list[str]] = {}
    for name, path in main.items():
        code = name.split("_")[1].upper() if name.count("_") >= 2 else ""
        if code not in kpi_codes:
            raise ScorecardError(
                f"{path}: KPI code {code or '(none)'} from the file name kpi_<code>_<slug> is not in "
                "the KPI catalogue (reference/kpis.csv or an extra kpis.csv)")
        if f"{name}_detail" not in names:
            raise ScorecardError(f"{path}: no drill-through model {name}_detail.sql beside it")
        by_code.setdefault(code, []).append(name)
    for code, found in by_code.items():
        if len(found) > 1:
            raise ScorecardError(f"KPI {code} has {len(found)} models: {', '.join(sorted(found))}")
    return [f"kpis.{by_code[code][0]}" for code in kpi_codes if code in by_code]


def template_context(kpi_codes: Sequence[str], files: dict[str, list[Path]]) -> dict:
    from scorecard.ingest.sources import CONTRACTS

    kpi_models = catalogue_kpi_models(kpi_codes, files["kpis"])
    staged = {p.stem for p in files["staging"]}
    return {
        "kpi_models": kpi_models,
        "kpi_detail_models": [f"{m}_detail" for m in kpi_models],
        "raw_tables": [f"raw.{c.source}__{c.table}" for c in CONTRACTS],
        "source_tables": [
            {"name": f"{c.source}__{c.table}", "relation": f"staging.stg_{c.source}__{c.table}"}
            for c in CONTRACTS if f"stg_{c.source}__{c.table}" in staged],
        "date_columns": [
            {"relation": f"staging.stg_{c.source}__{c.table}", "column": col.staging_name,
             "raw_column": col.name, "kind": col.future_date_kind}
            for c in CONTRACTS if f"stg_{c.source}__{c.table}" in staged
            for col in c.columns
            if col.future_date_kind in ("event", "scheduled") and col.staging_name],
    }


def render(path: Path, text: str, context: dict) -> str:
    """A model's SQL as run: a template (one with `{{` or `{%`) rendered from `context`."""
    if not _TEMPLATE.search(text):
        return text
    environment = jinja2.Environment(undefined=jinja2.StrictUndefined, keep_trailing_newline=True,
                                     trim_blocks=True, lstrip_blocks=True, autoescape=False)
    try:
        return environment.from_string(text).render(context)
    except jinja2.TemplateError as exc:
        raise ScorecardError(f"{path}: template: {exc}") from None


def catalogue_codes(extra_dirs: Iterable[Path] = ()) -> list[str]:
    """The KPI codes of the catalogue files (reference/kpis.csv and the extra folders' kpis.csv),
    in display order: what `discover` renders with when no warehouse is at hand."""
    from scorecard import config
    from scorecard.build import reference

    return [r["kpi_code"] for r in reference.catalogue_rows(config.REFERENCE_DIR, extra_dirs)]


def discover(sql_dir: Path, extra_dirs: Iterable[Path] = (),
             kpi_codes: Sequence[str] | None = None) -> list[Model]:
    """All models in run order, templates rendered (`kpi_codes` defaults to the catalogue files')."""
    extra_dirs = tuple(extra_dirs)
    files = _files(sql_dir, extra_dirs)
    needs_context = any(_TEMPLATE.search(p.read_text(encoding="utf-8"))
                        for paths in files.values() for p in paths)
    context = template_context(catalogue_codes(extra_dirs) if kpi_codes is None else kpi_codes, files) \
        if needs_context else {}
    ordered: list[Model] = []
    known: set[str] = set()
    for layer in LAYERS:
        models = {
            f"{layer}.{p.stem}": Model(layer, p.stem, p, render(p, p.read_text(encoding="utf-8"), context))
            for p in files[layer]
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


def materialise(con: duckdb.DuckDBPyConnection, relation: str, sql: str) -> None:
    """One model's SELECT as the table `relation` (what `build` does for each, in run order)."""
    con.execute(f"CREATE OR REPLACE TABLE {relation} AS\n{sql.strip().rstrip(';')}")


BUILD_WORKERS = 2  # models built at once, each on a cursor of its own


def build(con: duckdb.DuckDBPyConnection, sql_dir: Path, extra_dirs: Iterable[Path] = (),
          prepare: Callable[[duckdb.DuckDBPyConnection], object] | None = None) -> list[str]:
    """Materialise every model; return the relations built, in run order. Templates are rendered
    from the catalogue as loaded (`reference.kpis`), and every model's SQL as run is recorded
    in `meta.model_sql` first, so a failed build can be read too.

    Two models are built at a time, each on a cursor of its own that `prepare` readies as `con`
    was (the `pseudonymise` macro is TEMP: it lives in one connection): at one council most
    models are small and one statement left the second core idle. A model starts once every
    model of the layers before its own is built (a KPI model's macros read intermediate tables
    it does not name) and those of its own layer that it names. A failure stops the build: the
    models already running finish, and the first failed in run order is reported."""
    create_macros(con, sql_dir)
    codes = [code for (code,) in con.execute(
        "SELECT kpi_code FROM reference.kpis ORDER BY TRY_CAST(display_order AS INTEGER), kpi_code").fetchall()]
    found = discover(sql_dir, extra_dirs, codes)
    con.execute("CREATE OR REPLACE TABLE meta.model_sql (run_order INTEGER, relation VARCHAR, "
                "path VARCHAR, sql VARCHAR)")
    con.executemany("INSERT INTO meta.model_sql VALUES (?, ?, ?, ?)",
                    [[n, m.relation, str(m.path), m.sql] for n, m in enumerate(found, start=1)])
    cursors = [con.cursor() for _ in range(BUILD_WORKERS)]
    try:
        for cursor in cursors if prepare is not None else ():
            prepare(cursor)
        failures = _materialise_all(found, cursors)
    finally:
        for cursor in cursors:
            cursor.close()
    if failures:
        model, exc = min(failures, key=lambda failure: found.index(failure[0]))
        raise ScorecardError(f"{model.path}: {str(exc).splitlines()[0]}") from None
    return [model.relation for model in found]


def _materialise_all(found: list[Model], cursors: list[duckdb.DuckDBPyConnection]
                     ) -> list[tuple[Model, duckdb.Error]]:
    """Build `found` (in run order) on `cursors`, one model per cursor at a time; the models that
    failed, with their errors (none started after the first failure)."""
    from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait

    names = {model.relation for model in found}
    earlier = {layer: {m.relation for m in found if LAYERS.index(m.schema) < LAYERS.index(layer)}
               for layer in LAYERS}  # every model of the layers before `layer`
    waits_for = {m.relation: earlier[m.schema] | (m.depends_on & names) for m in found}
    pending, built, free = list(found), set(), list(cursors)
    running: dict = {}
    failures: list[tuple[Model, duckdb.Error]] = []
    with ThreadPoolExecutor(len(cursors), thread_name_prefix="scorecard-build") as pool:
        while running or (pending and not failures):
            ready = [m for m in pending if waits_for[m.relation] <= built] if not failures else []
            for model in ready[:len(free)]:
                pending.remove(model)
                cursor = free.pop()
                running[pool.submit(materialise, cursor, model.relation, model.sql)] = (model, cursor)
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in done:
                model, cursor = running.pop(future)
                free.append(cursor)
                try:
                    future.result()
                except duckdb.Error as exc:
                    failures.append((model, exc))
                else:
                    built.add(model.relation)
    return failures
