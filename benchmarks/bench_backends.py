"""The same work on each store: the embedded DuckDB file and a PostgreSQL database, side by side in one run.

    .venv/bin/python benchmarks/bench_backends.py [--regions 1667] [--runs 3] [--pg postgresql://…]

Both stores get the synthetic national database of benchmarks/national.py through the product's own doors (the
catalogue build and one upload batch per year): 1,667 regions × 60 indicators ≈ 100,000 targets with ten years of
values (2016–2025), about a million actual rows. Without --pg a throwaway PostgreSQL cluster is started on a free
loopback port (tests/pg_cluster.py; fsync off, as for the suite) and removed at the end. Reports, each the best of
--runs: the verdict table of the national plan on a cache miss (read model + verdicts + labels), the data version a
page reads on every rerun, one series' revisions (the indicator page), the review list, the batch list, one entry of one value through the command layer, and a backup. Not a test: it prints
figures (the README quotes them).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import national  # noqa: E402
import pandas as pd  # noqa: E402
from bench_national import best  # noqa: E402

from tracker import commands  # noqa: E402
from tracker.access.auth import SYSTEM  # noqa: E402
from tracker.db import backup  # noqa: E402
from tracker.db.store import Store  # noqa: E402
from tracker.views import service  # noqa: E402
from tracker.views.read_model import Snapshot  # noqa: E402


def measure(where: Path | str, runs: int, scratch: Path) -> dict[str, float]:
    store = Store.open(where, per_use=True)
    try:
        figures = {}
        figures["verdict table (s)"], table = best(
            lambda: service.verdicts(Snapshot.read(store), plan_id=national.PLAN_ID), runs)
        figures["targets"] = len(table)
        figures["data version (ms)"] = best(store.data_version, runs * 10)[0] * 1000
        series = table.iloc[len(table) // 2]
        figures["one series' history (ms)"] = best(
            lambda: store.value_history(series["region"], series["indicator"], 2024), runs)[0] * 1000
        figures["pending review list (ms)"] = best(store.pending_revisions, runs)[0] * 1000
        figures["batch list (s)"] = best(store.batches, runs)[0]
        n = iter(range(1000))
        row = pd.DataFrame([("北京市", "研究与试验发展经费投入强度", 2024, 0, "年报", "统计公报")],
                           columns=["region", "indicator", "year", "value", "vintage", "source"])
        figures["one entry (ms)"] = best(lambda: commands.commit_actuals(
            store, SYSTEM, row.assign(value=float(next(n))), kind="entry", note="bench"), runs)[0] * 1000
        figures["backup (s)"] = best(lambda: backup.backup(store, scratch / "bench.zip"), 1)[0]
        return figures
    finally:
        store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--regions", type=int, default=1667)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--pg", help="an empty PostgreSQL database to use instead of a throwaway cluster")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, contextlib.ExitStack() as stack:
        scratch = Path(tmp)
        url = args.pg
        if url is None:
            from tests.pg_cluster import cluster

            url = stack.enter_context(cluster("bench"))
        stores = {"DuckDB file": scratch / "national.duckdb", "PostgreSQL": url}
        built = {}
        for name, where in stores.items():
            start = time.perf_counter()
            national.build(where, args.regions, quiet=True)
            built[name] = time.perf_counter() - start
        results = {name: measure(where, args.runs, scratch) for name, where in stores.items()}
    names = list(stores)
    print(f"{results[names[0]]['targets']:,.0f} targets × 10 years ({os.cpu_count()} cores), best of {args.runs}")
    print(f"{'':24s}" + "".join(f"{n:>14s}" for n in names))
    print(f"{'build (s)':24s}" + "".join(f"{built[n]:14.1f}" for n in names))
    for key in ("verdict table (s)", "data version (ms)", "one series' history (ms)", "pending review list (ms)",
                "batch list (s)", "one entry (ms)", "backup (s)"):
        print(f"{key:24s}" + "".join(f"{results[n][key]:14.2f}" for n in names))


if __name__ == "__main__":
    main()
