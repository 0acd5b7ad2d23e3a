"""What it costs that the app no longer holds the DuckDB file, and how long the command line waits for it.

    .venv/bin/python benchmarks/bench_shared_file.py [--runs 30]

On a database built from the seeds with the test suite's entered actuals, in a temporary folder:
1. data_version() (what every page rerun reads first): a held connection against a connection per unit of work.
2. The overview rerun on a warm cache, in AppTest, with the store held against per unit of work.
3. `python -m tracker import` of a small file while four threads of the app read the file back to back (a busy
   server): its wall time against the same import with nothing else running.
Not a test: it prints figures (the README and docs/deployment.md quote them).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from conftest import add_entered_actuals  # noqa: E402

from etl.build import run_build  # noqa: E402
from tracker import commands  # noqa: E402
from tracker.access.auth import SYSTEM  # noqa: E402
from tracker.db.store import Store  # noqa: E402


def timed(fn, runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        out.append(time.perf_counter() - started)
    return out


def ms(values: list[float]) -> str:
    values = sorted(values)
    return f"median {statistics.median(values) * 1000:.1f} ms (p90 {values[int(len(values) * 0.9)] * 1000:.1f} ms)"


def overview_reruns(path: Path, per_use: bool, runs: int) -> list[float]:
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    original = Store.open.__func__

    def opened(cls, *args, **kwargs):
        kwargs["per_use"] = per_use
        return original(cls, *args, **kwargs)

    Store.open = classmethod(opened)
    try:
        os.environ["TRACKER_DB"] = str(path)
        st.cache_resource.clear()
        st.cache_data.clear()
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
        at.run()                        # the first run fills the caches
        at.run()
        return timed(at.run, runs)
    finally:
        sys.modules["ui"].get_store().close()     # the held store must not keep the file from step 3
        st.cache_resource.clear()
        Store.open = classmethod(original)


def cli_import(path: Path, csv: Path) -> float:
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "tracker", "import", str(csv), "--db", str(path),
                           "--user", "bench"], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, "TRACKER_PASSWORD": "bench-password-1"})
    if done.returncode != 0:
        sys.exit(f"import failed: {done.returncode} {done.stderr}")
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "tracker.duckdb"
        store = Store.open(path)
        run_build(store)
        add_entered_actuals(store)
        commands.add_account(store, SYSTEM, "bench", role="editor", password="bench-password-1")
        print(f"1. data_version, held: {ms(timed(store.data_version, args.runs))}")
        store.close()
        shared = Store.open(path, per_use=True)
        print(f"   data_version, per unit of work: {ms(timed(shared.data_version, args.runs))}")

        def after_idle() -> None:
            time.sleep(shared._source.LINGER + 0.05)    # the connection let go: the next read opens the file

        idle = []
        for _ in range(args.runs):
            after_idle()
            idle.extend(timed(shared.data_version, 1))
        print(f"   data_version, per unit of work, after the app was idle: {ms(idle)}")

        held = overview_reruns(path, per_use=False, runs=args.runs)
        per_use = overview_reruns(path, per_use=True, runs=args.runs)
        print(f"2. overview rerun (warm cache), held: {ms(held)}; per unit of work: {ms(per_use)}")

        csv = Path(folder) / "values.csv"
        quiet = []
        for year in (2021, 2022, 2023):
            csv.write_text(f"地区,指标,年份,数值\n重庆市,研究与试验发展经费投入强度,{year},2.{year % 10}\n",
                           encoding="utf-8")
            quiet.append(cli_import(path, csv))
        stop = threading.Event()
        reads = [0]

        def busy() -> None:
            while not stop.is_set():
                shared.read_model_frames()
                reads[0] += 1

        threads = [threading.Thread(target=busy) for _ in range(4)]
        for thread in threads:
            thread.start()
        loaded = []
        try:
            for year in (2024, 2025, 2026):
                csv.write_text(f"地区,指标,年份,数值\n重庆市,研究与试验发展经费投入强度,{year},3.{year % 10}\n",
                               encoding="utf-8")
                loaded.append(cli_import(path, csv))
        finally:
            stop.set()
            for thread in threads:
                thread.join()
        shared.close()
        print(f"3. tracker import, app idle: {min(quiet):.2f}–{max(quiet):.2f} s; while four sessions read "
              f"back to back ({reads[0]} reads): {min(loaded):.2f}–{max(loaded):.2f} s")


if __name__ == "__main__":
    main()
