"""Time verdict_table on a province-sized load: 100,000 targets × 10 years of actuals, built in memory.

Run from the repository root: python benchmarks/bench_status.py [n_targets] [n_years]
Not a test: it prints timings (the figure quoted in docs/methodology.md comes from here).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tracker.methodology import verdict_table  # noqa: E402

# Share of each kind among the synthetic targets (roughly the mix of the seed catalogue).
KIND_MIX = {
    "level": 0.40, "growth": 0.10, "doubling": 0.08, "approx": 0.06, "range": 0.05, "floor_stretch": 0.05,
    "cumulative": 0.08, "per_year": 0.08, "coverage": 0.03, "relative": 0.05, "qualitative": 0.02,
}  # fmt: skip
N_INDICATORS = 10


def build(n_targets: int, n_years: int, seed: int = 7) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Targets (one series each), actuals (every series × every year, 3 % missing, 1 % duplicated years), statuses."""
    rng = np.random.default_rng(seed)
    first_year = 2015
    base_year = first_year
    target_year = first_year + n_years  # one year beyond the data: most targets are still running
    regions = np.array([f"区县{i:05d}" for i in range(-(-n_targets // N_INDICATORS))], dtype=object)
    indicators = np.array([f"指标{j}" for j in range(N_INDICATORS)], dtype=object)
    region = np.repeat(regions, N_INDICATORS)[:n_targets]
    indicator = np.tile(indicators, len(regions))[:n_targets]
    kind = rng.choice(list(KIND_MIX), size=n_targets, p=list(KIND_MIX.values()))
    flow = np.isin(kind, ("cumulative", "per_year"))
    base = rng.uniform(10, 1000, n_targets)
    growth = rng.uniform(-0.03, 0.15, n_targets)
    comparator = np.select(
        [kind == "approx", kind == "range", kind == "qualitative"], ["≈", "between", None], ">="
    ).astype(object)
    target_value = np.where(flow, base * 0.1 * np.where(kind == "cumulative", n_years, 1), base * 1.5)
    target_value = np.where(kind == "coverage", 100.0, target_value)
    target_value = np.where(np.isin(kind, ("growth", "relative", "qualitative")), np.nan, target_value)
    target_value = np.where((kind == "doubling") & (rng.random(n_targets) < 0.5), np.nan, target_value)
    targets = pd.DataFrame(
        {
            "target_id": [f"t{i}" for i in range(n_targets)],
            "plan_id": "bench",
            "region": region,
            "indicator": indicator,
            "kind": kind,
            "comparator": comparator,
            "target_value": target_value,
            "target_value_hi": np.where(kind == "range", target_value * 1.2, np.nan),
            "stretch_value": np.where(kind == "floor_stretch", target_value * 1.1, np.nan),
            "tolerance": np.nan,
            "growth_rate": np.where(kind == "growth", 10.0, np.nan),
            "multiple": np.where(kind == "doubling", 2.0, np.nan),
            "relative_to_region": np.where(kind == "relative", regions[0], None),
            "relative_margin": np.where(kind == "relative", 20.0, np.nan),
            "basis": np.where(kind == "cumulative", "cumulative", np.where(kind == "per_year", "per_year", "level")),
            "start_year": np.where(flow, base_year + 1, np.nan),
            "target_year": target_year,
            "baseline_year": np.nan,
            "baseline_value": np.where(rng.random(n_targets) < 0.3, base, np.nan),
            "plan_base_year": base_year,
            "unit": np.where(kind == "coverage", "%", "家"),
            "direction": 1,
            "path_kind": None,
            "measure": np.where(flow, "increment", "level"),
        }
    )
    years = np.arange(first_year, first_year + n_years)
    steps = np.arange(n_years)[None, :]
    level = base[:, None] * (1 + growth[:, None]) ** steps * rng.normal(1, 0.02, (n_targets, n_years))
    values = np.where(flow[:, None], base[:, None] * 0.1 * rng.uniform(0.5, 1.5, (n_targets, n_years)), level)
    actuals = pd.DataFrame(
        {
            "region": np.repeat(region, n_years),
            "indicator": np.repeat(indicator, n_years),
            "year": np.tile(years, n_targets),
            "value": values.ravel(),
        }
    )
    actuals = actuals[rng.random(len(actuals)) >= 0.03]
    duplicates = actuals.sample(frac=0.01, random_state=seed).assign(value=lambda d: d["value"] * 1.01)
    actuals = pd.concat([actuals, duplicates], ignore_index=True)
    qual = targets.loc[targets["kind"] == "qualitative", "target_id"]
    statuses = pd.DataFrame({"target_id": qual, "status": "on_track", "note": "按计划推进", "set_by": "bench"})
    return targets, actuals, statuses


def main() -> None:
    n_targets = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    n_years = int(sys.argv[2]) if len(sys.argv) > 2 else 10
    t_build = time.perf_counter()
    targets, actuals, statuses = build(n_targets, n_years)
    print(f"built {len(targets):,} targets and {len(actuals):,} actual rows in {time.perf_counter() - t_build:.2f} s")
    verdict_table(targets.head(100), actuals.head(1000), statuses=statuses)  # warm-up (imports, caches)
    timings = []
    for _ in range(5):
        start = time.perf_counter()
        result = verdict_table(targets, actuals, statuses=statuses)
        timings.append(time.perf_counter() - start)
    print(
        f"verdict_table: best {min(timings):.3f} s, median {float(np.median(timings)):.3f} s over {len(timings)} runs"
    )
    print(result["schedule_status"].value_counts().to_string())


if __name__ == "__main__":
    main()
