"""A synthetic national database: the five seed plans plus one plan with a target for every region × indicator.

Built through the product's own doors: the catalogue build (etl.build.build_tables, then Store.replace_seed_data,
as `python -m etl` does) for the plans and targets, and the command layer (tracker.commands.commit_actuals, as an
upload does) for the actual values, one batch per year plus one batch of revisions.

    python benchmarks/national.py OUT.duckdb [--regions 3000] [--indicators 60]

The default is 3,000 regions × 60 indicators = 180,000 targets and about 1.76 million actual rows (2016–2025, 3 %
missing, 1 % revised). benchmarks/bench_national.py builds it once and keeps it in data/bench/.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from etl.build import build_tables  # noqa: E402
from tracker import commands  # noqa: E402
from tracker.access.auth import SYSTEM  # noqa: E402
from tracker.db.store import Store  # noqa: E402

PLAN_ID = "national_14fyp"
FIRST_YEAR, LAST_YEAR = 2016, 2025
BASE_YEAR, TARGET_YEAR = 2020, 2025
# Share of each kind (roughly the mix of the seed catalogue).
KIND_MIX = {
    "level": 0.40, "growth": 0.10, "doubling": 0.08, "approx": 0.06, "range": 0.05, "floor_stretch": 0.05,
    "cumulative": 0.08, "per_year": 0.08, "coverage": 0.03, "relative": 0.05, "qualitative": 0.02,
}  # fmt: skip
PROVINCES = ["河北", "山西", "辽宁", "吉林", "江苏", "浙江", "安徽", "福建", "江西", "山东", "河南", "湖北", "湖南",
             "广东", "海南", "四川", "贵州", "云南", "陕西", "甘肃"]
UNITS = ["家", "个", "亿元", "%", "项", "人", "万人", "件"]


def region_names(n: int) -> list[str]:
    """'江苏省第0123区县'-style names, unique, grouped by province."""
    per = -(-n // len(PROVINCES))
    return [f"{PROVINCES[i // per]}省第{i % per + 1:04d}区县" for i in range(n)]


def national_plan(n_regions: int, n_indicators: int, seed: int = 7) -> dict[str, pd.DataFrame]:
    """The national plan's rows for the catalogue tables, and its actual values."""
    rng = np.random.default_rng(seed)
    regions = np.array(region_names(n_regions), dtype=object)
    indicator_ids = [f"nat_ind_{j:02d}" for j in range(n_indicators)]
    units = [UNITS[j % len(UNITS)] for j in range(n_indicators)]
    indicators = pd.DataFrame({
        "indicator_id": indicator_ids,
        "indicator": [f"全国监测指标{j:02d}({units[j]})" for j in range(n_indicators)],
        "indicator_en": [f"National indicator {j:02d}" for j in range(n_indicators)],
        "unit": units,
        "measure": "level",
        "direction": [(-1 if j % 10 == 9 else 1) for j in range(n_indicators)],
        "path_kind": ["geometric" if u in ("亿元", "万人") else "linear" for u in units],
        "defined_in": "national.yaml",
        "note": None,
    })
    n = n_regions * n_indicators
    region = np.repeat(regions, n_indicators)
    ind_pos = np.tile(np.arange(n_indicators), n_regions)
    kind = rng.choice(list(KIND_MIX), size=n, p=list(KIND_MIX.values()))
    flow = np.isin(kind, ("cumulative", "per_year"))
    base = rng.uniform(10, 1000, n)
    years = TARGET_YEAR - BASE_YEAR
    target_value = np.where(flow, base * 0.1 * np.where(kind == "cumulative", years, 1), base * 1.4)
    target_value = np.where(kind == "coverage", 100.0, target_value)
    target_value = np.where(np.isin(kind, ("growth", "relative", "qualitative", "doubling")), np.nan, target_value)
    comparator = np.select([kind == "approx", kind == "range", kind == "qualitative", kind == "doubling"],
                           ["≈", "between", None, ">="], ">=").astype(object)
    names = indicators["indicator"].to_numpy()[ind_pos]
    unit = np.array(units, dtype=object)[ind_pos]
    quote = [f"到{TARGET_YEAR}年,{r}{i}达到目标" for r, i in zip(region, names, strict=True)]
    offsets = np.concatenate([[0], np.cumsum([len(q) + 1 for q in quote])[:-1]])
    sections = np.array([f"第{k + 1}章 {PROVINCES[k]}省" for k in range(len(PROVINCES))], dtype=object)
    per = -(-n_regions // len(PROVINCES))
    targets = pd.DataFrame({
        "target_id": [f"nat-{k:06d}" for k in range(n)],
        "plan_id": PLAN_ID,
        "region": region,
        "indicator": names,
        "indicator_id": np.array(indicator_ids, dtype=object)[ind_pos],
        "subject": names,
        "subject_original": names,
        "kind": kind,
        "comparator": comparator,
        "target_value": target_value,
        "target_value_hi": np.where(kind == "range", target_value * 1.2, np.nan),
        "stretch_value": np.where(kind == "floor_stretch", target_value * 1.1, np.nan),
        "tolerance": np.nan,
        "growth_rate": np.where(kind == "growth", 8.0, np.nan),
        "multiple": np.where(kind == "doubling", 2.0, np.nan),
        "relative_to_region": np.where(kind == "relative", regions[0], None),
        "relative_margin": np.where(kind == "relative", 10.0, np.nan),
        "basis": np.where(kind == "cumulative", "cumulative", np.where(kind == "per_year", "per_year", "level")),
        "start_year": BASE_YEAR + 1,
        "target_year": TARGET_YEAR,
        "baseline_year": np.nan,
        "baseline_value": np.where(rng.random(n) < 0.3, base, np.nan),
        "unit": np.where(kind == "coverage", "%", unit),
        "binding": np.where(rng.random(n) < 0.2, "约束性", "预期性"),
        "section": sections[np.repeat(np.arange(n_regions) // per, n_indicators)],
        "quote": quote,
        "quote_offset": offsets,
        "seed_file": "national.txt",
        "origin": "catalogue",
    })
    plan = pd.DataFrame([{
        "plan_id": PLAN_ID, "title": "全国科技创新“十四五”规划监测(合成数据)", "title_original": "全国科技创新“十四五”规划监测",
        "short_name": "全国十四五(合成)", "region": "全国", "doc_type": "规划", "script": "simplified",
        "issued_on": pd.Timestamp("2021-03-01"), "base_year": BASE_YEAR, "start_year": BASE_YEAR + 1,
        "target_year": TARGET_YEAR, "seed_file": "national.txt", "seed_sha256": "synthetic", "assumption": None,
    }])
    region_rows = pd.DataFrame({"region_id": [f"nat_r_{k:05d}" for k in range(n_regions)], "region": regions,
                                "region_en": None, "level": "county", "parent_region": None, "note": None})
    # Actual values: every series, every year, a geometric drift with noise; flows are yearly amounts.
    n_years = LAST_YEAR - FIRST_YEAR + 1
    growth = rng.uniform(-0.03, 0.12, n)
    steps = np.arange(n_years)[None, :] - (BASE_YEAR - FIRST_YEAR)
    level = base[:, None] * (1 + growth[:, None]) ** steps * rng.normal(1, 0.02, (n, n_years))
    values = np.where(flow[:, None], base[:, None] * 0.1 * rng.uniform(0.5, 1.5, (n, n_years)), level)
    # Coverage is a share: capped at 100.
    values = np.where((kind == "coverage")[:, None], np.minimum(values / 10, 100), values)
    actuals = pd.DataFrame({
        "region": np.repeat(region, n_years),
        "indicator": np.repeat(names, n_years),
        "indicator_id": np.repeat(targets["indicator_id"].to_numpy(), n_years),
        "year": np.tile(np.arange(FIRST_YEAR, LAST_YEAR + 1), n),
        "value": values.ravel().round(2),
        "unit": np.repeat(unit, n_years),
        "source": "统计年鉴",
        "vintage": "年报",
    })
    actuals = actuals[rng.random(len(actuals)) >= 0.03].reset_index(drop=True)
    return {"indicators": indicators, "plans": plan, "regions": region_rows, "targets": targets,
            "actuals": actuals}


def build(path: Path | str, n_regions: int = 3000, n_indicators: int = 60, *, quiet: bool = False) -> Path | str:
    """Write the national database at path (replaced if it exists), or into an empty PostgreSQL database (a
    postgresql:// URL)."""
    say = (lambda *_: None) if quiet else print
    if isinstance(path, Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        for leftover in (path, path.with_suffix(path.suffix + ".wal")):
            leftover.unlink(missing_ok=True)
    start = time.perf_counter()
    seeds = build_tables()
    extra = national_plan(n_regions, n_indicators)
    tables = dict(seeds.tables)
    for name in ("plans", "regions", "indicators", "targets"):
        tables[name] = pd.concat([seeds.tables[name], extra[name]], ignore_index=True)
    meta = {**seeds.meta, "target_count": str(len(tables["targets"]))}
    store = Store.open(path)
    try:
        store.replace_seed_data(tables, seeds.seed_actuals, meta)
        say(f"catalogue: {len(tables['targets']):,} targets in {time.perf_counter() - start:.1f} s")
        actuals = extra["actuals"]
        for year, rows in actuals.groupby("year"):
            commands.commit_actuals(store, SYSTEM, rows, kind="upload", note=f"合成数据 {year}",
                                    file_name=f"national-{year}.xlsx")
        revised = actuals.sample(frac=0.01, random_state=3).assign(value=lambda d: (d["value"] * 1.01).round(2),
                                                                   reason="年报修订")
        commands.commit_actuals(store, SYSTEM, revised, kind="upload", note="合成数据 修订", file_name="revisions.xlsx")
        say(f"actuals: {len(actuals) + len(revised):,} rows in {time.perf_counter() - start:.1f} s")
    finally:
        store.close()
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--regions", type=int, default=3000)
    parser.add_argument("--indicators", type=int, default=60)
    args = parser.parse_args()
    build(args.out, args.regions, args.indicators)


if __name__ == "__main__":
    main()
