"""Profile the SQL models of a built warehouse: each model's time, then EXPLAIN ANALYZE of the slowest.

    .venv/bin/python bench/profile_models.py /tmp/b150/warehouse_150/scorecard.duckdb [--top 6]

Works on a copy of the warehouse (a benchmark's `--keep` folder holds one), so the original is
never changed. Each model is rebuilt in run order with `scorecard.build.models.materialise`, as `build` runs
it, from the SQL recorded in `meta.model_sql`, and timed; the slowest are then run again under
`EXPLAIN (ANALYZE, FORMAT json)` and their costliest operators printed with the rows they
produced. Not part of `make test`: it makes no assertions.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _operators(node: dict, depth: int = 0):
    """Every operator of a JSON plan with its own time (DuckDB's `timing` is per operator)."""
    yield depth, node
    for child in node.get("children", []):
        yield from _operators(child, depth + 1)


def _describe(node: dict) -> str:
    info = node.get("extra_info") or {}
    parts = []
    for key in ("Table", "Join Type", "Conditions", "Groups", "Aggregates", "Partitions", "Orders",
                "Function", "Expression", "Filters"):
        if key in info:
            value = info[key]
            text = ", ".join(value) if isinstance(value, list) else str(value)
            parts.append(f"{key}: {text}")
    return "; ".join(parts)[:160]


def main() -> None:
    import duckdb

    from scorecard import config
    from scorecard.build import models, pseudonymise

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("warehouse", type=Path, help="a built warehouse's scorecard.duckdb")
    parser.add_argument("--top", type=int, default=6, help="models to EXPLAIN ANALYZE")
    parser.add_argument("--operators", type=int, default=5, help="operators shown per model")
    parser.add_argument("--threads", type=int, default=None)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="profile-models-") as tmp:
        copy = Path(tmp) / "scorecard.duckdb"
        shutil.copyfile(args.warehouse, copy)
        con = duckdb.connect(str(copy))
        if args.threads:
            con.execute(f"SET threads = {int(args.threads)}")
        # The demo key unless SCORECARD_HMAC_KEY is set, as the benchmark's runs use.
        pseudonymise.register(con, pseudonymise.resolve_key(True))
        models.create_macros(con, config.SQL_DIR)
        recorded = con.execute("SELECT relation, sql FROM meta.model_sql ORDER BY run_order").fetchall()
        timings = []
        total_start = time.perf_counter()
        for relation, sql in recorded:
            start = time.perf_counter()
            models.materialise(con, relation, sql)
            seconds = time.perf_counter() - start
            rows = con.execute(f"SELECT count(*) FROM {relation}").fetchone()[0]
            timings.append((seconds, relation, rows, sql.strip().rstrip(";")))
        total = time.perf_counter() - total_start

        print(f"{len(timings)} models rebuilt in {total:.2f} s ({args.warehouse})")
        by_layer: dict[str, float] = {}
        for seconds, relation, _, _ in timings:
            layer = relation.split(".")[0]
            by_layer[layer] = by_layer.get(layer, 0.0) + seconds
        print("by layer: " + ", ".join(f"{layer} {s:.2f} s" for layer, s in by_layer.items()))
        print(f"\n{'model':<62} {'s':>7} {'share':>6} {'rows':>12}")
        ranked = sorted(timings, key=lambda t: t[0], reverse=True)
        for seconds, relation, rows, _ in ranked[:20]:
            print(f"{relation:<62} {seconds:7.2f} {seconds / total:6.1%} {rows:12,}")

        for seconds, relation, _, select in ranked[:args.top]:
            plan_text = con.execute(f"EXPLAIN (ANALYZE, FORMAT json) {select}").fetchone()[1]
            plan = json.loads(plan_text)
            ops = [(node.get("timing", 0.0), depth, node)
                   for root in plan["operator"] for depth, node in _operators(root)]
            print(f"\n== {relation}: {seconds:.2f} s; costliest operators (own time, rows out)")
            for timing, depth, node in sorted(ops, key=lambda o: o[0], reverse=True)[:args.operators]:
                print(f"  {timing:7.3f} s  {node.get('name', '?'):<22} rows {node.get('intermediate_rows', 0):>12,}"
                      f"  depth {depth:<3} {_describe(node)}")
        con.close()


if __name__ == "__main__":
    main()
