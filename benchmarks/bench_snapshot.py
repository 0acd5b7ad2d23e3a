"""Time PNG export: Chromium's cold start, one warm chart, and the ZIP of Chongqing's 十三五 plan.

Run from the repository root: python benchmarks/bench_snapshot.py [n_warm]
Builds a seeded database with the test suite's entered actuals in a temporary folder. Not a test: it prints
timings (the figures quoted in docs/snapshots.md and the README come from here).
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from conftest import add_entered_actuals  # noqa: E402

from etl.build import run_build  # noqa: E402
from tracker.db.store import Store  # noqa: E402
from tracker.reports import bundle, charts, snapshot, table_picture  # noqa: E402
from tracker.reports import evaluation as report  # noqa: E402
from tracker.views import service  # noqa: E402
from tracker.views.read_model import Snapshot  # noqa: E402
from tracker.views.story import read_story  # noqa: E402

PLAN = "cq_sti_13fyp"


def main(n_warm: int = 20) -> None:
    ready = snapshot.export_readiness()
    if not ready.ok:
        sys.exit(ready.message_en)
    with tempfile.TemporaryDirectory() as folder:
        store = Store.open(Path(folder) / "tracker.duckdb")
        run_build(store)
        add_entered_actuals(store)
        targets = store.targets(PLAN)
        numeric = targets[targets["kind"] != "qualitative"]["target_id"].tolist()
        snap = Snapshot.read(store)
        stories = [read_story(store, snap, target_id) for target_id in numeric[:n_warm]]
        figures = [charts.get_indicator_chart(s, "zh", f"{s.indicator}({s.target['region']})") for s in stories]
        caption = snapshot.Caption(plan="重庆市科技创新“十三五”规划", indicator="研究与试验发展经费投入强度", unit="%",
                                   source="benchmark")

        started = time.perf_counter()
        snapshot.figure_png(figures[0], caption=caption)
        cold = time.perf_counter() - started

        warm = []
        for i in range(n_warm):
            started = time.perf_counter()
            snapshot.figure_png(figures[i % len(figures)], caption=caption)
            warm.append(time.perf_counter() - started)

        started = time.perf_counter()
        list(snapshot.figures_png((fig, caption) for fig in figures))
        batch = (time.perf_counter() - started) / len(figures)

        verdicts = service.verdicts(snap, plan_id=PLAN)
        started = time.perf_counter()
        table_pages = table_picture.table_pages_png(report.evaluation_table(verdicts), "中期评估表", caption)
        table = time.perf_counter() - started

        steps: list[float] = []
        started = time.perf_counter()
        data = bundle.plan_zip(store, PLAN, progress=lambda *_: steps.append(time.perf_counter()))
        whole = time.perf_counter() - started
        store.close()

    per_chart_in_zip = (steps[-1] - steps[2]) / (len(steps) - 3)   # after overview, evaluation.png/.xlsx
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}")
    print(f"cold start (Chromium + first 3200x1800 chart): {cold:.2f} s")
    print(f"warm figure_png, median of {n_warm}: {statistics.median(warm):.3f} s "
          f"(min {min(warm):.3f}, max {max(warm):.3f})")
    print(f"figures_png (pipelined), per chart: {batch:.3f} s")
    print(f"evaluation table PNG pages ({len(verdicts)} rows, {len(table_pages)} pages): {table:.2f} s")
    print(f"plan_zip {PLAN}: {len(targets)} targets, {len(numeric)} charts, {whole:.1f} s in all, "
          f"{per_chart_in_zip:.3f} s per indicator chart (story + chart + PNG), {len(data) / 1e6:.1f} MB")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)
