"""What a province's data costs, side by side in one run on the synthetic national database (benchmarks/national.py).

    .venv/bin/python benchmarks/bench_national.py [--rebuild] [--no-browser] [--scaling] [--runs 3]

Reports, each the best of --runs:
1. The verdict table of the 180,000-target plan as the overview computes it on a cache miss (read model + verdicts +
   labels), against a pandas peer (the script an analyst would write: read both tables, latest value per series,
   completion and schedule ratio) and against one SQL query that does the peer's arithmetic inside DuckDB.
2. In headless Chromium on a fresh server: the overview's first chart and an as-of change, against a bare Streamlit
   page with one plotly chart (its first chart and a rerun); the indicator page of one seed target on the national
   database against the same page on the seed database.
3. `python -m tracker status` on the national plan: wall time and peak memory.
4. --scaling: the product's verdict table at 10,000 / 30,000 / 90,000 / 180,000 targets.
Not a test: it prints figures (the README quotes them).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import duckdb  # noqa: E402
import national  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from tracker.db.store import Store  # noqa: E402
from tracker.views import service  # noqa: E402
from tracker.views.read_model import Snapshot  # noqa: E402

BENCH_DIR = ROOT / "data" / "bench"
NATIONAL_DB = BENCH_DIR / "national.duckdb"
SEED_DB = BENCH_DIR / "seeds.duckdb"
PLAN = national.PLAN_ID
SEED_TARGET = ("cq_sti_13fyp", "cq13-table2-02")   # R&D intensity 1.57 % → 2.5 %
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


def best(fn, runs: int) -> tuple[float, object]:
    """The fastest of runs calls (seconds) and the last result."""
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return min(times), result


# -- 1. the verdict table three ways -----------------------------------------------------------------------------------
def product(path: Path):
    store = Store.open(path, read_only=True)
    try:
        return service.verdicts(Snapshot.read(store), plan_id=PLAN)
    finally:
        store.close()


def pandas_peer(path: Path):
    """Latest value per series, the base-year value, completion = (latest − base) / (target − base) and the share of
    the period elapsed: what an analyst computes for level targets with pandas."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        actuals = con.sql("SELECT region, indicator, year, value FROM actuals_current").df()
        targets = con.sql(f"""SELECT target_id, region, indicator, target_value, baseline_value, target_year,
                                     plan_base_year FROM targets_full WHERE plan_id = '{PLAN}'""").df()
    finally:
        con.close()
    latest = actuals.sort_values("year").groupby(["region", "indicator"], as_index=False).last()
    base = actuals.rename(columns={"year": "plan_base_year", "value": "base_value"})
    table = targets.merge(latest, on=["region", "indicator"], how="left").merge(
        base, on=["region", "indicator", "plan_base_year"], how="left")
    table["baseline"] = table["baseline_value"].fillna(table["base_value"])
    table["completion"] = (table["value"] - table["baseline"]) / (table["target_value"] - table["baseline"])
    elapsed = (table["year"] - table["plan_base_year"]) / (table["target_year"] - table["plan_base_year"])
    table["schedule_ratio"] = table["completion"] / elapsed
    table["status"] = pd.cut(table["schedule_ratio"], [-np.inf, 0, 0.5, 0.9, np.inf],
                             labels=["regressing", "severely_lagging", "lagging", "on_track"])
    return table


SQL_PEER = f"""
WITH latest AS (
    SELECT region, indicator, max(year) AS year, arg_max(value, year) AS value FROM actuals_current GROUP BY ALL
), t AS (
    SELECT t.target_id, t.region, t.indicator, t.target_value, t.target_year, t.plan_base_year,
           coalesce(t.baseline_value, b.value) AS baseline, l.year, l.value
    FROM targets_full t
    LEFT JOIN latest l USING (region, indicator)
    LEFT JOIN actuals_current b ON b.region = t.region AND b.indicator = t.indicator AND b.year = t.plan_base_year
    WHERE t.plan_id = '{PLAN}'
)
SELECT *, (value - baseline) / nullif(target_value - baseline, 0) AS completion,
       (value - baseline) / nullif(target_value - baseline, 0)
         / nullif((year - plan_base_year) / (target_year - plan_base_year), 0) AS schedule_ratio
FROM t
"""


def sql_peer(path: Path):
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.sql(SQL_PEER).df()
    finally:
        con.close()


# -- 2. pages in a browser ---------------------------------------------------------------------------------------------
BARE_PAGE = '''
import plotly.graph_objects as go
import streamlit as st
st.title("bare")
year = st.selectbox("year", [2025, 2024, 2023])
st.plotly_chart(go.Figure(go.Bar(x=[1, 2, 3], y=[year, 2, 3])))
'''


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A Streamlit server on a free port, started as the README starts it (without the set-up)."""

    def __init__(self, script: Path, db: Path | None):
        self.port = free_port()
        env = {**os.environ, **({"TRACKER_DB": str(db)} if db else {})}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(script), "--server.port", str(self.port),
             "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.url = f"http://127.0.0.1:{self.port}"
        deadline = time.time() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2):
                    return
            except OSError:
                if time.time() > deadline:
                    raise RuntimeError("server did not start") from None
                time.sleep(0.3)

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=20)


SCRIPT_STATE = "() => document.querySelector('.stApp')?.getAttribute('data-test-script-state')"


def wait_idle(page, timeout: float = 300, *, started: bool = False) -> None:
    """Until the script run finishes (Streamlit marks its app element with the script's state); started: first
    until a run has begun (a rerun that is over within the poll counts as begun)."""
    if started:
        with contextlib.suppress(Exception):   # a run shorter than the poll
            page.wait_for_function(f"() => ({SCRIPT_STATE})() === 'running'", timeout=3000, polling=20)
    page.wait_for_function(f"() => ({SCRIPT_STATE})() === 'notRunning'", timeout=timeout * 1000)


def first_chart(page, url: str) -> float:
    start = time.perf_counter()
    page.goto(url)
    page.locator(".js-plotly-plot").first.wait_for(timeout=300_000)
    return time.perf_counter() - start


def pick(page, label: str, option: str) -> float:
    """Choose option in the selectbox labelled label; seconds until the rerun has drawn."""
    box = page.get_by_label(label, exact=True).first
    start = time.perf_counter()
    box.click()
    page.get_by_role("option", name=option, exact=True).click()
    wait_idle(page, started=True)
    page.locator(".js-plotly-plot").first.wait_for(timeout=300_000)
    return time.perf_counter() - start


def browser_figures(runs: int) -> dict[str, float]:
    from playwright.sync_api import sync_playwright

    out: dict[str, list[float]] = {}

    def note(key: str, seconds: float) -> None:
        out.setdefault(key, []).append(seconds)

    bare_script = Path(tempfile.mkdtemp()) / "bare.py"
    bare_script.write_text(BARE_PAGE, encoding="utf-8")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for _ in range(runs):
            # A fresh server each run: the first render is a cache miss, as after an upload.
            for name, script, db, path in (
                ("bare", bare_script, None, "/"),
                ("overview", ROOT / "app.py", NATIONAL_DB, f"/?plan={PLAN}"),
            ):
                server = Server(script, db)
                try:
                    page = browser.new_page(viewport={"width": 1366, "height": 900})
                    note(f"{name} first chart", first_chart(page, server.url + path))
                    wait_idle(page)
                    if name == "bare":
                        note("bare rerun", pick(page, "year", "2023"))
                    else:
                        note("overview as-of change at once", pick(page, "评估年份", "2024"))
                        page.wait_for_timeout(10_000)   # an official reads the page; the other years are judged
                        note("overview as-of change", pick(page, "评估年份", "2023"))
                        note("overview back to latest", pick(page, "评估年份", "最新数据"))
                    page.close()
                finally:
                    server.stop()
            plan, target = SEED_TARGET
            for name, db in (("seed", SEED_DB), ("national", NATIONAL_DB)):
                server = Server(ROOT / "app.py", db)
                try:
                    page = browser.new_page(viewport={"width": 1366, "height": 900})
                    url = f"{server.url}/indicator-detail?plan={plan}&target={target}"
                    note(f"indicator page, {name} db, cold", first_chart(page, url))
                    if page.get_by_text("Page not found").count():
                        raise RuntimeError(f"no indicator page at {url}")
                    wait_idle(page)
                    note(f"indicator page, {name} db, warm", first_chart(page, url))
                    page.close()
                finally:
                    server.stop()
        browser.close()
    return {key: min(values) for key, values in out.items()}


# -- 3. the command line -----------------------------------------------------------------------------------------------
# Runs the command line in a child that reports its own peak memory (RUSAGE_CHILDREN would also count the servers
# the browser part started).
# VmHWM, not ru_maxrss: Linux carries ru_maxrss over from the forking parent (this benchmark, with a province's
# tables in memory) into the executed child.
MEASURED = """
import runpy, sys
sys.argv = ["tracker", *sys.argv[1:]]
try:
    runpy.run_module("tracker", run_name="__main__")
finally:
    peak = next(line for line in open("/proc/self/status") if line.startswith("VmHWM"))
    print(peak.split()[1], file=sys.stderr)
"""


def status_cli() -> tuple[float, float]:
    """(seconds, peak MB) of python -m tracker status for the national plan, output discarded."""
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", MEASURED, "status", "--db", str(NATIONAL_DB), "--plan", PLAN],
                          cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    seconds = time.perf_counter() - start
    return seconds, int(done.stderr.strip().splitlines()[-1]) / 1024


def startup_cli() -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "tracker", "status", "--help"], cwd=ROOT, stdout=subprocess.DEVNULL,
                   check=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rebuild", action="store_true", help="build the national database again")
    parser.add_argument("--no-browser", action="store_true")
    parser.add_argument("--scaling", action="store_true")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    if args.rebuild or not NATIONAL_DB.exists():
        national.build(NATIONAL_DB)
    if args.rebuild or not SEED_DB.exists():
        from etl.build import run_build

        SEED_DB.unlink(missing_ok=True)
        store = Store.open(SEED_DB)
        run_build(store)
        store.close()
    con = duckdb.connect(str(NATIONAL_DB), read_only=True)
    n_targets, n_actuals = (con.sql(f"SELECT count(*) FROM targets WHERE plan_id = '{PLAN}'").fetchall()[0][0],
                            con.sql("SELECT count(*) FROM actuals").fetchall()[0][0])
    con.close()
    print(f"national database: {n_targets:,} targets in {PLAN}, {n_actuals:,} actual rows ({os.cpu_count()} cores)")

    product_s, table = best(lambda: product(NATIONAL_DB), args.runs)
    peer_s, _ = best(lambda: pandas_peer(NATIONAL_DB), args.runs)
    sql_s, _ = best(lambda: sql_peer(NATIONAL_DB), args.runs)
    print("\n1. verdict table of the national plan (read + compute), best of", args.runs)
    print(f"   product (read model + verdicts + labels) {product_s:6.2f} s   ({len(table):,} rows)")
    print(f"   pandas peer                              {peer_s:6.2f} s   product is {peer_s / product_s:.1f}× faster")
    print(f"   one SQL query                            {sql_s:6.2f} s   product is {product_s / sql_s:.1f}× the floor")

    if not args.no_browser:
        figures = browser_figures(args.runs)
        print("\n2. pages in headless Chromium, best of", args.runs)
        for key, seconds in figures.items():
            print(f"   {key:40s} {seconds:6.2f} s")
        print(f"   overview first chart / bare first chart  {figures['overview first chart'] / figures['bare first chart']:.1f}×")
        print(f"   overview as-of change / bare rerun       {figures['overview as-of change'] / figures['bare rerun']:.1f}×"
              f" (at once: {figures['overview as-of change at once'] / figures['bare rerun']:.1f}×)")
        print("   indicator page national / seed (warm)    "
              f"{figures['indicator page, national db, warm'] / figures['indicator page, seed db, warm']:.2f}×")

    seconds, peak = status_cli()
    print(f"\n3. python -m tracker status --plan {PLAN}: {seconds:.2f} s, peak {peak:,.0f} MB;"
          f" start-up (--help) {startup_cli():.2f} s")

    if args.scaling:
        print("\n4. verdict table by size (product, best of", args.runs, ")")
        with tempfile.TemporaryDirectory() as tmp:
            for regions in (167, 500, 1500, 3000):
                path = NATIONAL_DB if regions == 3000 else national.build(Path(tmp) / f"n{regions}.duckdb",
                                                                        regions, quiet=True)
                seconds, table = best(lambda p=path: product(p), args.runs)
                print(f"   {len(table):>8,} targets  {seconds:6.2f} s  {seconds / len(table) * 1e6:5.1f} µs a target")


if __name__ == "__main__":
    main()
