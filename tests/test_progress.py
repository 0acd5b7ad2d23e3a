"""The methodology as tables of cases: inputs → verdicts and numbers (docs/methodology.md explains each rule)."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest

from tracker.i18n import NOTE_MESSAGES, render_notes
from tracker.methodology import OUTPUT_COLUMNS, assess_trend, check_decomposition, expected_on_path, verdict_table
from tracker.methodology.thresholds import DEFAULT_THRESHOLDS, Thresholds
from tracker.methodology.verdicts import SCHEDULE_LABELS, TREND_LABELS

# A target row with every column of the gateway's frame; each case overrides what it needs.
BASE_TARGET = {
    "target_id": "t1", "plan_id": "p", "region": "甲市", "indicator": "指标", "kind": "level", "comparator": ">=",
    "target_value": np.nan, "target_value_hi": np.nan, "stretch_value": np.nan, "tolerance": np.nan,
    "growth_rate": np.nan, "multiple": np.nan, "relative_to_region": None, "relative_margin": np.nan,
    "basis": "level", "start_year": np.nan, "target_year": 2020, "baseline_year": np.nan,
    "baseline_value": np.nan, "plan_base_year": 2015, "unit": "家", "direction": 1, "path_kind": None,
    "measure": "level",
}  # fmt: skip


def targets_frame(*rows: dict) -> pd.DataFrame:
    return pd.DataFrame([{**BASE_TARGET, **row} for row in rows])


def actuals_frame(values: dict | list, region: str = "甲市", indicator: str = "指标") -> pd.DataFrame:
    """{year: value} for the default series, or a list of (region, indicator, year, value)."""
    if isinstance(values, dict):
        values = [(region, indicator, y, v) for y, v in values.items()]
    return pd.DataFrame(values, columns=["region", "indicator", "year", "value"])


def one(target: dict, actuals, as_of=None, **kw) -> pd.Series:
    frame = actuals if isinstance(actuals, pd.DataFrame) else actuals_frame(actuals)
    return verdict_table(targets_frame(target), frame, as_of=as_of, **kw).iloc[0]


def check(row: pd.Series, expected: dict) -> None:
    for col, want in expected.items():
        got = row[col]
        if col == "note":
            got = render_notes(got)  # the engine writes message codes; the Chinese reading is what is documented
            for fragment in want if isinstance(want, (list, tuple)) else [want]:
                assert fragment in got, f"note {got!r} lacks {fragment!r}"
        elif want is pd.NA or (isinstance(want, float) and math.isnan(want)):
            assert pd.isna(got), f"{col}: {got!r} is not missing"
        elif isinstance(want, float):
            assert got == pytest.approx(want, rel=1e-6, abs=1e-9), f"{col}: {got!r} != {want!r}"
        else:
            assert got == want, f"{col}: {got!r} != {want!r}"


# ───────────────────────────────────────── seed examples, worked by hand (docs/methodology.md §10) ──

# Illustrative actuals (not official statistics) for the worked examples.
CQ_RD = {2015: 1.57, 2016: 1.72, 2017: 1.88, 2018: 2.01}
WEIHAI_HTE = {2014: 300, 2015: 330, 2016: 380}
CQ_TECH_CONTRACT = {2015: 241.5, 2016: 280, 2017: 300}
XQ_TEAM_FLOWS = {2020: 28, 2021: 30}


def test_seed_chongqing_rd_intensity_level():
    """重庆 R&D 投入强度 1.57 % (2015) → 2.5 % (2020), linear path for a percentage; as of 2018: 2.01 %."""
    target = {"indicator": "研究与试验发展经费投入强度", "target_value": 2.5, "baseline_year": 2015,
              "baseline_value": 1.57, "unit": "%"}  # fmt: skip
    row = one(target, actuals_frame(CQ_RD, indicator="研究与试验发展经费投入强度"), as_of=2018)
    # e = 3/5; E = 1.57 + 0.6 × 0.93 = 2.128; r = 0.44 / 0.558; c = 0.44 / 0.93
    # CAGR_obs = (2.01/1.57)^(1/3) − 1 = 8.58 %; CAGR_req = (2.5/1.57)^(1/5) − 1 = 9.75 %; R = 0.880
    # projection at the observed CAGR (the one the trend verdict uses): 2.01 × (2.01/1.57)^(2/3) = 2.370;
    # required growth (2.5/2.01)^(1/2) − 1 = 11.5 %
    check(row, {
        "latest_year": 2018, "latest_value": 2.01, "elapsed": 0.6, "expected_value": 2.128,
        "schedule_ratio": 0.44 / 0.558, "increment_completion": 0.44 / 0.93, "target_completion": 2.01 / 2.5,
        "schedule_status": "severely_lagging",
        "schedule_label": "严重滞后", "observed_cagr": (2.01 / 1.57) ** (1 / 3) - 1,
        "required_cagr": (2.5 / 1.57) ** 0.2 - 1, "trend_status": "moderate", "trend_label": "需加速",
        "trend_ratio": ((2.01 / 1.57) ** (1 / 3) - 1) / ((2.5 / 1.57) ** 0.2 - 1), "path_used": "linear",
        "projected_value": 2.01 * (2.01 / 1.57) ** (2 / 3), "projected_gap": 2.01 * (2.01 / 1.57) ** (2 / 3) - 2.5,
        "required_growth": (2.5 / 2.01) ** 0.5 - 1, "required_change": 0.245,
    })  # fmt: skip
    final = one(target, actuals_frame({**CQ_RD, 2020: 2.11}, indicator="研究与试验发展经费投入强度"), as_of=2021)
    check(final, {"schedule_status": "not_completed", "increment_completion": 0.54 / 0.93, "final": True,
                  "target_completion": 2.11 / 2.5, "latest_year": 2020, "trend_status": "ended",
                  "projected_value": float("nan"), "required_growth": float("nan"),
                  "schedule_ratio": float("nan")})  # fmt: skip


def test_seed_weihai_high_tech_enterprises_growth():
    """威海 高新技术企业数量年均增长12%以上: base 2014 (plan), 2017 target; T = b·1.12³; geometric path."""
    target = {"region": "威海市", "indicator": "高新技术企业", "kind": "growth", "growth_rate": 12,
              "target_year": 2017, "plan_base_year": 2014}  # fmt: skip
    acts = actuals_frame(WEIHAI_HTE, region="威海市", indicator="高新技术企业")
    row = one(target, acts, as_of=2016)
    # T = 300 × 1.12³ = 421.4784; E_2016 = 300 × 1.12² = 376.32; r = 80 / 76.32 = 1.048
    # CAGR_obs = (380/300)^(1/2) − 1 = 12.55 % ≥ 12 % → R = 1.046; projection 380 × 1.1255 = 427.68
    check(row, {
        "target_value_used": 421.4784, "baseline_year_used": 2014, "baseline_value_used": 300.0,
        "expected_value": 376.32, "schedule_ratio": 80 / 76.32, "schedule_status": "on_track",
        "observed_cagr": (380 / 300) ** 0.5 - 1, "required_cagr": 0.12, "trend_status": "substantial",
        "trend_ratio": ((380 / 300) ** 0.5 - 1) / 0.12, "path_used": "geometric",
        "projected_value": 380 * (380 / 300) ** 0.5, "required_growth": 421.4784 / 380 - 1,
    })  # fmt: skip
    # The 2014 figure missing: the CAGR runs from 2015 (the first later year) and T = 330 × 1.12².
    shifted = one(target, actuals_frame({2015: 330, 2016: 380}, region="威海市", indicator="高新技术企业"))
    check(shifted, {"baseline_year_used": 2015, "target_value_used": 330 * 1.12**2,
                    "note": "基期值取自2015年(2014年无数据)"})  # fmt: skip


def test_seed_tech_contract_turnover_doubling():
    """技术合同成交额 翻番 from 241.5 亿元 (2015, stated in the text) by 2020: T = 483, linear (序时) path."""
    target = {"region": "重庆市", "indicator": "技术合同成交额", "kind": "doubling", "multiple": 2,
              "target_value": 483.0, "baseline_year": 2015, "baseline_value": 241.5, "unit": "亿元"}  # fmt: skip
    acts = actuals_frame(CQ_TECH_CONTRACT, region="重庆市", indicator="技术合同成交额")
    row = one(target, acts, as_of=2017)
    # e = 0.4; E = 241.5 + 0.4 × 241.5 = 338.1; r = 58.5 / 96.6 = 0.606; R = 11.46 % / 14.87 % = 0.770
    e_2017 = 241.5 + 0.4 * 241.5
    check(row, {
        "target_value_used": 483.0, "elapsed": 0.4, "expected_value": e_2017,
        "schedule_ratio": 58.5 / (e_2017 - 241.5), "schedule_status": "severely_lagging",
        "trend_status": "moderate", "trend_ratio": ((300 / 241.5) ** 0.5 - 1) / (2**0.2 - 1),
        "required_growth": (483 / 300) ** (1 / 3) - 1,
    })  # fmt: skip
    # No stated baseline: T = 2 × the 2015 actual; neither stated nor in the data: 缺基期值.
    derived = one({**target, "target_value": np.nan, "baseline_value": np.nan}, acts, as_of=2017)
    check(derived, {"target_value_used": 483.0, "schedule_status": "severely_lagging"})
    missing = one({**target, "target_value": np.nan, "baseline_value": np.nan},
                  actuals_frame({2014: 200.0}, region="重庆市", indicator="技术合同成交额"))  # fmt: skip
    check(missing, {"schedule_status": "no_baseline", "schedule_label": "缺基期值",
                    "trend_status": "insufficient", "target_value_used": float("nan")})  # fmt: skip


def test_seed_xq_teams_cumulative_and_decomposition():
    """X区 组建产学研用合作团队100个以上 by 2022 (2019 base), split 30 + 30 + 30 + 10 over four bases."""
    parent = {"target_id": "xq-teams", "region": "X区", "indicator": "产学研用合作团队", "kind": "cumulative",
              "target_value": 100, "target_year": 2022, "plan_base_year": 2019, "start_year": 2020,
              "measure": "increment", "unit": "个"}  # fmt: skip
    acts = actuals_frame(XQ_TEAM_FLOWS, region="X区", indicator="产学研用合作团队")
    row = one(parent, acts, as_of=2021)
    # S = 28 + 30 = 58; e = 2/3; E = 66.67; r = 0.87; R = (58/2)/(100/3) = 0.87; projection 58 × 3/2 = 87
    check(row, {
        "latest_value": 58.0, "baseline_year_used": 2019, "baseline_value_used": 0.0, "elapsed": 2 / 3,
        "expected_value": 200 / 3, "schedule_ratio": 0.87, "schedule_status": "lagging", "increment_completion": 0.58,
        "trend_ratio": 0.87, "trend_status": "moderate", "projected_value": 87.0, "projected_gap": -13.0,
        "required_change": 42.0, "required_growth": float("nan"), "path_used": "linear",
    })  # fmt: skip
    children = [
        {**parent, "target_id": f"xq-teams-{i}", "target_value": v, "parent_id": "xq-teams"}
        for i, v in enumerate([30, 30, 30, 10])
    ]
    frame = targets_frame({**parent, "parent_id": None}, *children)
    check_row = check_decomposition(frame).iloc[0]
    assert check_row["parent_id"] == "xq-teams"
    assert check_row["children_target_sum"] == 100 and check_row["n_children"] == 4
    assert check_row["target_check"] == "equal"
    base_flows = [(f"X区{i}", "产学研用合作团队", 2020, v) for i, v in enumerate([10.0, 9.0, 8.0, 1.0])]
    frame_by_base = frame.assign(region=["X区", "X区0", "X区1", "X区2", "X区3"])
    verdicts = verdict_table(frame_by_base, pd.concat([acts, actuals_frame(base_flows)]), as_of=2021)
    with_latest = check_decomposition(frame_by_base, verdicts).iloc[0]
    assert with_latest["parent_latest"] == 58.0 and with_latest["children_latest_sum"] == 28.0
    short = frame.assign(target_value=[100, 30, 30, 30, 5])
    assert check_decomposition(short).iloc[0]["target_check"] == "short"
    assert check_decomposition(targets_frame(parent)).empty


# ─────────────────────────────────────────────────── every kind: inputs → verdict and numbers ──

LINEAR = {"path_kind": "linear", "target_value": 200.0}  # b = 100 in 2015, T = 200 in 2020
B100 = {2015: 100.0}

KIND_CASES = [
    # id, target overrides, actuals {year: value}, as_of, expected
    ("level on track", LINEAR, {**B100, 2018: 160.0}, None,
     {"elapsed": 0.6, "expected_value": 160.0, "schedule_ratio": 1.0, "increment_completion": 0.6,
      "schedule_status": "on_track"}),
    ("level lagging", LINEAR, {**B100, 2018: 150.0}, None, {"schedule_ratio": 50 / 60, "schedule_status": "lagging"}),
    ("level exactly 0.80 is lagging", LINEAR, {**B100, 2018: 148.0}, None,
     {"schedule_ratio": 0.8, "schedule_status": "lagging"}),
    ("level severely lagging", LINEAR, {**B100, 2018: 140.0}, None, {"schedule_status": "severely_lagging"}),
    ("level regressing", LINEAR, {**B100, 2018: 90.0}, None,
     {"schedule_status": "regressing", "schedule_label": "逆向", "trend_status": "deterioration"}),
    ("level >= achieved early", LINEAR, {**B100, 2018: 200.0}, None,
     {"schedule_status": "achieved", "trend_status": "target_achieved", "increment_completion": 1.0}),
    ("level > needs more than T", {**LINEAR, "comparator": ">"}, {**B100, 2018: 200.0}, None,
     {"schedule_status": "on_track", "trend_status": "substantial"}),
    ("level = met", {**LINEAR, "comparator": "="}, {**B100, 2018: 200.0}, None, {"schedule_status": "achieved"}),
    ("level geometric path chosen for the indicator", {"target_value": 200.0, "path_kind": "geometric"},
     {**B100, 2018: 150.0}, None,
     {"path_used": "geometric", "expected_value": 100 * 2**0.6, "schedule_ratio": 50 / (100 * 2**0.6 - 100),
      "schedule_status": "on_track", "projected_value": 150 * 1.5 ** (2 / 3)}),
    ("lower is better on track", {**LINEAR, "target_value": 50.0, "comparator": "<=", "direction": -1},
     {**B100, 2018: 70.0}, None, {"expected_value": 70.0, "schedule_ratio": 1.0, "schedule_status": "on_track"}),
    ("lower is better regressing", {**LINEAR, "target_value": 50.0, "comparator": "<=", "direction": -1},
     {**B100, 2018: 110.0}, None, {"schedule_status": "regressing", "trend_status": "deterioration"}),
    ("lower is better achieved", {**LINEAR, "target_value": 50.0, "comparator": "<=", "direction": -1},
     {**B100, 2018: 50.0}, None, {"schedule_status": "achieved", "trend_status": "target_achieved"}),
    ("lower is better < is strict", {**LINEAR, "target_value": 50.0, "comparator": "<", "direction": -1},
     {**B100, 2018: 50.0}, None, {"schedule_status": "on_track", "schedule_ratio": 50 / 30}),
    ("direction given as text", {**LINEAR, "target_value": 50.0, "comparator": "<=", "direction": "down"},
     {**B100, 2018: 70.0}, None, {"schedule_status": "on_track", "direction": -1}),
    ("final completed", LINEAR, {**B100, 2018: 160.0, 2020: 210.0}, 2021,
     {"schedule_status": "completed", "schedule_label": "已完成", "final": True, "increment_completion": 1.1,
      "target_completion": 1.05, "projected_value": float("nan"), "required_growth": float("nan"),
      "trend_status": "ended", "trend_label": "规划期已结束", "expected_value": float("nan")}),
    ("final not completed judged on the target year", LINEAR, {**B100, 2020: 190.0, 2021: 250.0}, 2021,
     {"schedule_status": "not_completed", "latest_year": 2020, "increment_completion": 0.9,
      "target_completion": 0.95, "trend_status": "ended", "trend_ratio": float("nan"),
      "observed_cagr": 1.9**0.2 - 1, "post_plan_year": 2021, "post_plan_value": 250.0,
      "note": "规划期后数据(至2021年)不计入评价"}),
    ("approx within ±5 %", {"kind": "approx", "comparator": "≈", "target_value": 50.0, "path_kind": "linear"},
     {2015: 40.0, 2018: 48.0}, None, {"schedule_status": "achieved", "target_band_lo": 47.5, "target_band_hi": 52.5}),
    ("approx above the band counts", {"kind": "approx", "comparator": "≈", "target_value": 50.0},
     {2015: 40.0, 2018: 53.0}, None, {"schedule_status": "achieved", "note": "高于目标区间上限"}),
    ("approx below the band", {"kind": "approx", "comparator": "≈", "target_value": 50.0, "path_kind": "linear"},
     {2015: 40.0, 2018: 46.0}, None, {"expected_value": 46.0, "schedule_ratio": 1.0, "schedule_status": "on_track"}),
    ("approx with its own tolerance", {"kind": "approx", "comparator": "≈", "target_value": 50.0, "tolerance": 0.1},
     {2015: 40.0, 2018: 45.5}, None, {"schedule_status": "achieved", "target_band_lo": 45.0}),
    ("approx lower is better", {"kind": "approx", "comparator": "≈", "target_value": 50.0, "direction": -1},
     {2015: 60.0, 2018: 40.0}, None, {"schedule_status": "achieved", "note": "低于目标区间下限"}),
    ("range inside", {"kind": "range", "comparator": "between", "target_value": 3.0, "target_value_hi": 5.0},
     {2015: 1.0, 2018: 4.0}, None, {"schedule_status": "achieved", "target_value_used": 3.0}),
    ("range above hi counts when higher is better",
     {"kind": "range", "comparator": "between", "target_value": 3.0, "target_value_hi": 5.0},
     {2015: 1.0, 2018: 6.0}, None, {"schedule_status": "achieved", "note": "高于目标区间上限"}),
    ("range lower is better aims at hi",
     {"kind": "range", "comparator": "between", "target_value": 3.0, "target_value_hi": 5.0, "direction": -1},
     {2015: 9.0, 2018: 6.0}, None, {"target_value_used": 5.0, "schedule_status": "on_track"}),
    ("floor reached, stretch not",
     {"kind": "floor_stretch", "comparator": ">", "target_value": 2.2, "stretch_value": 2.5, "unit": "%",
      "target_year": 2017, "plan_base_year": 2014},
     {2014: 2.0, 2016: 2.3}, None,
     {"schedule_status": "achieved", "stretch_met": False, "stretch_completion": 0.6, "note": "未达力争目标"}),
    ("stretch reached",
     {"kind": "floor_stretch", "comparator": ">", "target_value": 2.2, "stretch_value": 2.5, "unit": "%",
      "target_year": 2017, "plan_base_year": 2014},
     {2014: 2.0, 2016: 2.6}, None, {"schedule_status": "achieved", "stretch_met": True, "note": "已达力争目标"}),
    ("floor not yet reached",
     {"kind": "floor_stretch", "comparator": ">", "target_value": 2.2, "stretch_value": 2.5, "unit": "%",
      "target_year": 2017, "plan_base_year": 2014},
     {2014: 2.0, 2016: 2.1}, None,
     {"expected_value": 2.0 + 0.2 * 2 / 3, "schedule_ratio": 0.75, "schedule_status": "severely_lagging",
      "stretch_met": False, "stretch_completion": 0.2}),
    ("per year: every year met so far", {"kind": "per_year", "target_value": 50.0, "measure": "increment",
                                         "start_year": 2016, "target_year": 2017},
     {2016: 55.0}, None, {"schedule_status": "achieved", "years_met": 1, "trend_status": "substantial"}),
    ("per year: final with a missed year", {"kind": "per_year", "target_value": 50.0, "measure": "increment",
                                           "start_year": 2016, "target_year": 2017},
     {2016: 55.0, 2017: 48.0}, None,
     {"schedule_status": "not_completed", "years_met": 1, "years_with_data": 2, "target_completion": 0.5,
      "projected_value": float("nan"), "trend_status": "ended", "note": "1/2年达标"}),
    ("per year: final, all met", {"kind": "per_year", "target_value": 50.0, "measure": "increment",
                                  "start_year": 2016, "target_year": 2017},
     {2016: 55.0, 2017: 60.0}, None, {"schedule_status": "completed", "trend_status": "ended",
                                      "target_completion": 1.0}),
    ("per year from a stock: flow = this year − last year",
     {"kind": "per_year", "target_value": 50.0, "measure": "level", "start_year": 2016, "target_year": 2017},
     {2015: 100.0, 2016: 160.0}, None, {"latest_value": 60.0, "schedule_status": "achieved"}),
    ("range per year (每年新认定3―5家)",
     {"kind": "range", "comparator": "between", "basis": "per_year", "target_value": 3.0, "target_value_hi": 5.0,
      "measure": "increment", "start_year": 2016},
     {2016: 4.0, 2017: 6.0, 2018: 2.0}, None,
     {"years_met": 2, "schedule_ratio": 4 / 3, "schedule_status": "on_track", "note": "2/3年达标"}),
    ("per year lagging", {"kind": "per_year", "target_value": 50.0, "measure": "increment", "start_year": 2016},
     {2016: 40.0, 2017: 44.0}, None,
     {"schedule_ratio": 0.84, "schedule_status": "lagging", "trend_status": "moderate"}),
    ("cumulative of a stock", {"kind": "cumulative", "target_value": 100.0, "measure": "level",
                               "start_year": 2020, "target_year": 2022, "plan_base_year": 2019},
     {2019: 500.0, 2021: 560.0}, None,
     {"target_value_used": 600.0, "schedule_ratio": 0.9, "schedule_status": "lagging", "increment_completion": 0.6}),
    ("cumulative with a missing year", {"kind": "cumulative", "target_value": 100.0, "measure": "increment",
                                        "start_year": 2020, "target_year": 2022},
     {2020: 28.0, 2022: 30.0}, None,
     {"latest_value": 58.0, "schedule_status": "not_completed", "note": "累计值缺1年数据"}),
    ("cumulative met early", {"kind": "cumulative", "target_value": 50.0, "measure": "increment",
                              "start_year": 2016},
     {2016: 30.0, 2017: 30.0}, None, {"schedule_status": "achieved", "trend_status": "target_achieved"}),
    ("approx 交易规模50億元左右 (docs §10 example 5)", {"kind": "approx", "target_value": 50.0, "target_year": 2017,
                                                   "unit": "亿元"},
     {2015: 30.0, 2016: 40.0}, None,
     {"expected_value": 40.0, "schedule_ratio": 1.0, "path_used": "linear",
      "schedule_status": "on_track", "trend_status": "substantial", "target_band_lo": 47.5}),
    ("range per year 每年新認定3―5家 (docs §10 example 6)",
     {"kind": "range", "target_value": 3.0, "target_value_hi": 5.0, "basis": "per_year", "measure": "increment",
      "start_year": 2016, "target_year": 2017},
     {2016: 4.0}, None, {"schedule_status": "achieved", "years_met": 1, "note": "1/1年达标"}),
    ("coverage 全覆盖", {"kind": "coverage", "unit": "%"}, {2015: 60.0, 2018: 90.0}, None,
     {"target_value_used": 100.0, "expected_value": 84.0, "schedule_ratio": 1.25, "schedule_status": "on_track",
      "projected_value": 100.0}),  # the linear trend would reach 110 %
    ("coverage reached", {"kind": "coverage", "unit": "%"}, {2015: 60.0, 2018: 100.0}, None,
     {"schedule_status": "achieved"}),
]  # fmt: skip


RELATIVE = {"region": "两江新区", "indicator": "高新技术产业增加值占比", "kind": "relative", "comparator": ">=",
            "relative_to_region": "重庆市", "relative_margin": 50.0, "unit": "%"}  # fmt: skip


def relative_actuals(own: dict, city: dict) -> pd.DataFrame:
    rows = [("两江新区", "高新技术产业增加值占比", y, v) for y, v in own.items()]
    rows += [("重庆市", "高新技术产业增加值占比", y, v) for y, v in city.items()]
    return actuals_frame(rows)


@pytest.mark.parametrize(
    ("target", "own", "city", "expected"),
    [
        pytest.param(RELATIVE, {2015: 30.0, 2017: 36.0}, {2015: 25.0, 2017: 26.0},
                     # x0 = 1.2, x = 36/26 = 1.3846, target ratio 1.5; E_x = 1.2 + 0.4 × 0.3 = 1.32
                     {"target_value_used": 39.0, "ref_value": 26.0, "relative_ratio": 36 / 26,
                      "expected_value": 1.32 * 26, "schedule_ratio": (36 / 26 - 1.2) / 0.12,
                      "schedule_status": "on_track", "latest_value": 36.0, "baseline_value_used": 30.0},
                     id="50 % above the city, on track"),
        pytest.param(RELATIVE, {2015: 30.0, 2017: 40.0}, {2015: 25.0, 2017: 26.0},
                     {"schedule_status": "achieved"}, id="already 50 % above"),
        pytest.param({**RELATIVE, "relative_margin": 0.0, "comparator": ">"}, {2015: 20.0, 2017: 26.0},
                     {2015: 25.0, 2017: 26.0}, {"schedule_status": "on_track", "target_value_used": 26.0},
                     id="超过全市平均: equal is not above"),
        pytest.param(RELATIVE, {2015: 30.0, 2017: 36.0}, {2015: 25.0}, {"schedule_status": "no_data",
                     "note": "参照地区无2017年数据"}, id="no reference value in the same year"),
    ],
)  # fmt: skip
def test_relative(target, own, city, expected):
    check(one(target, relative_actuals(own, city)), expected)


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        pytest.param(None, {"schedule_status": "qualitative", "trend_status": "insufficient",
                            "note": "尚未人工评定"}, id="not assessed"),
        pytest.param([("t1", "achieved", "已全面建成", "张三")],
                     {"schedule_status": "achieved", "trend_status": "target_achieved",
                      "note": ["已全面建成", "评定人:张三"]}, id="set by a person"),
        pytest.param([("t1", "on_track", "推进中", "李四"), ("t1", "not_completed", "未建成", "王五")],
                     {"schedule_status": "not_completed", "final": True, "note": "未建成"},
                     id="the last status counts"),
    ],
)  # fmt: skip
def test_qualitative(statuses, expected):
    frame = None if statuses is None else pd.DataFrame(statuses, columns=["target_id", "status", "note", "set_by"])
    row = one({"kind": "qualitative", "comparator": None, "target_year": 2017}, {}, statuses=frame)
    check(row, expected)


# ───────────────────────────────────────────────────────────────────────── edge cases ──

EDGE_CASES = [
    ("zero baseline: linear path, sdg-build's 0.001 in the trend", {"target_value": 100.0, "path_kind": "geometric"},
     {2015: 0.0, 2018: 60.0}, None,
     {"path_used": "linear", "expected_value": 60.0, "schedule_status": "on_track", "trend_status": "substantial",
      "note": ["按线性路径计算", "以0.001代替"]}),
    ("negative baseline, positive value: trend cannot be judged", {"target_value": 20.0},
     {2015: -10.0, 2018: 5.0}, None,
     {"expected_value": 8.0, "schedule_ratio": 15 / 18, "schedule_status": "lagging",
      "trend_status": "insufficient", "note": "符号相反"}),
    ("negative baseline and value", {"target_value": -2.0, "path_kind": "linear"},
     {2015: -10.0, 2018: -5.0}, None,
     # linear: +5 of +8 after 3 of 5 years (r = 1.04); in magnitudes (CAGR) 50 % of 80 % shrinkage: R = 0.75
     {"schedule_ratio": 5 / 4.8, "schedule_status": "on_track", "trend_status": "moderate",
      "trend_ratio": (1 - 0.5 ** (1 / 3)) / (1 - 0.2**0.2)}),
    ("target equal to baseline, held", {"target_value": 100.0}, {2015: 100.0, 2018: 100.0}, None,
     {"schedule_status": "achieved", "increment_completion": float("nan"), "note": "目标值等于基期值"}),
    ("target equal to baseline, fallen", {"target_value": 100.0}, {2015: 100.0, 2018: 95.0}, None,
     {"schedule_status": "regressing", "trend_status": "deterioration", "trend_ratio": -math.inf}),
    ("target equal to baseline, strict comparator", {"target_value": 100.0, "comparator": ">"},
     {2015: 100.0, 2018: 100.0}, None, {"schedule_status": "on_track", "trend_status": "limited"}),
    ("a single data point: the base year", LINEAR, {2015: 100.0}, None,
     {"schedule_status": "no_data", "trend_status": "insufficient", "note": "仅有基期数据"}),
    ("a single data point after a stated baseline", {**LINEAR, "baseline_value": 100.0}, {2018: 160.0}, None,
     {"schedule_status": "on_track", "trend_status": "substantial", "baseline_value_used": 100.0}),
    ("a single data point meeting the target", LINEAR, {2015: 250.0}, None,
     {"schedule_status": "achieved", "trend_status": "target_achieved"}),
    ("base year missing: the first later year", LINEAR, {2016: 110.0, 2018: 150.0}, None,
     {"baseline_year_used": 2016, "baseline_value_used": 110.0, "elapsed": 0.5, "expected_value": 155.0,
      "note": "基期值取自2016年(2015年无数据)"}),
    ("base year after all data", LINEAR, {2012: 90.0, 2014: 95.0}, None,
     {"schedule_status": "no_data", "trend_status": "insufficient", "latest_year": 2014,
      "note": "早于基期"}),
    ("target year passed without its figure: 待评估, the earlier value shown as such", LINEAR,
     {**B100, 2019: 170.0}, 2021,
     {"schedule_status": "pending_evaluation", "schedule_label": "待评估", "final": True, "latest_year": 2019,
      "latest_value": 170.0, "elapsed": float("nan"), "schedule_ratio": float("nan"), "trend_status": "ended",
      "projected_value": float("nan"), "required_growth": float("nan"), "increment_completion": float("nan"),
      "target_completion": float("nan"), "note": "缺2020年数据,最近为2019年数据"}),
    ("target year reached, its figure not yet in: still mid-course", LINEAR, {**B100, 2019: 170.0}, 2020,
     {"elapsed": 0.8, "schedule_ratio": 70 / 80, "schedule_status": "lagging", "final": False}),
    ("as_of hides later actuals", LINEAR, {**B100, 2018: 160.0, 2019: 90.0}, 2018,
     {"latest_year": 2018, "schedule_status": "on_track", "as_of": 2018}),
    ("as_of before the base year", LINEAR, {**B100, 2018: 160.0}, 2014,
     {"schedule_status": "no_data", "latest_year": pd.NA}),
    ("missing values are ignored", LINEAR, {**B100, 2017: 150.0, 2018: np.nan}, None,
     {"latest_year": 2017}),
    ("no actuals at all", LINEAR, {}, None,
     {"schedule_status": "no_data", "trend_status": "insufficient", "as_of": pd.NA}),
    ("growth from a zero base is undefined", {"kind": "growth", "growth_rate": 12.0}, {2015: 0.0, 2018: 5.0}, None,
     {"schedule_status": "invalid_baseline", "trend_status": "insufficient", "note": "无定义"}),
    ("growth without any baseline", {"kind": "growth", "growth_rate": 12.0}, {2014: 5.0}, None,
     {"schedule_status": "no_baseline", "trend_status": "insufficient"}),
    ("a level target without a value: no-target trend", {"target_value": np.nan}, {**B100, 2018: 110.0}, None,
     {"schedule_status": "no_target", "trend_status": "substantial", "trend_ratio": 1.1 ** (1 / 3) - 1}),
]  # fmt: skip


@pytest.mark.parametrize(
    ("target", "values", "as_of", "expected"),
    [pytest.param(t, v, a, e, id=i) for i, t, v, a, e in EDGE_CASES],
)
def test_edge_case(target, values, as_of, expected):
    row = one(target, values, as_of=as_of)
    for col, want in list(expected.items()):
        if want is pd.NA:
            assert pd.isna(row[col]), col
            del expected[col]
    check(row, expected)


def test_duplicate_years_keep_the_last_row():
    acts = actuals_frame([("甲市", "指标", 2015, 100.0), ("甲市", "指标", 2018, 150.0), ("甲市", "指标", 2018, 160.0)])
    check(one(LINEAR, acts), {"latest_value": 160.0, "schedule_status": "on_track"})


# ───────────────────────────── final evaluation (终期评估) of a plan that has ended (docs/methodology.md §6) ──

# 重庆 R&D intensity as published, 2015–2023; the 十三五 target 2.5 % in 2020.
CQ_RD_PUBLISHED = {2015: 1.57, 2016: 1.72, 2017: 1.88, 2018: 2.01, 2019: 1.99, 2020: 2.11, 2021: 2.16,
                   2022: 2.36, 2023: 2.48}  # fmt: skip
RD_TARGET = {"target_value": 2.5, "baseline_year": 2015, "baseline_value": 1.57, "unit": "%"}
STRETCH = {"kind": "floor_stretch", "comparator": ">", "target_value": 2.2, "stretch_value": 2.5, "unit": "%",
           "target_year": 2017, "plan_base_year": 2014}  # fmt: skip
NO_TALK = {"trend_status": "ended", "trend_ratio": float("nan"), "projected_value": float("nan"),
           "projected_gap": float("nan"), "required_growth": float("nan"), "required_change": float("nan"),
           "expected_value": float("nan"), "schedule_ratio": float("nan"), "final": True}  # fmt: skip

FINAL_CASES = [
    # id, target overrides, actuals {year: value}, as_of, expected
    ("重庆 R&D 2.11 % in 2020: 未完成 on the 2020 value; 2021–2023 shown as after the plan", RD_TARGET,
     CQ_RD_PUBLISHED, 2023,
     {**NO_TALK, "schedule_status": "not_completed", "latest_year": 2020, "latest_value": 2.11,
      "target_completion": 2.11 / 2.5, "increment_completion": 0.54 / 0.93, "post_plan_year": 2023,
      "post_plan_value": 2.48, "note": "规划期后数据(至2023年)不计入评价"}),
    ("met in the target year: 已完成", LINEAR, {**B100, 2018: 150.0, 2020: 205.0}, 2022,
     {**NO_TALK, "schedule_status": "completed", "target_completion": 1.025, "increment_completion": 1.05}),
    ("met early, short in the target year: judged on the target year", LINEAR,
     {**B100, 2018: 210.0, 2020: 190.0}, 2021, {**NO_TALK, "schedule_status": "not_completed"}),
    ("met early, no target-year value: 待评估, not 已达标", LINEAR, {**B100, 2019: 230.0}, 2021,
     {**NO_TALK, "schedule_status": "pending_evaluation", "latest_year": 2019, "latest_value": 230.0,
      "note": "缺2020年数据,最近为2019年数据"}),
    ("no data at all after the plan: 待评估", LINEAR, {2010: 50.0}, 2021,
     {**NO_TALK, "schedule_status": "pending_evaluation", "note": "缺2020年数据"}),
    ("no baseline but a target-year value: judged, baseline never the target year itself", {"target_value": 3000.0},
     {2020: 3100.0}, 2021,
     {**NO_TALK, "schedule_status": "completed", "baseline_value_used": float("nan"),
      "baseline_year_used": pd.NA, "target_completion": 3100 / 3000, "increment_completion": float("nan")}),
    ("floor and stretch met: 已完成力争目标", STRETCH, {2014: 2.0, 2016: 2.3, 2017: 2.6}, 2018,
     {**NO_TALK, "schedule_status": "completed_stretch", "schedule_label": "已完成力争目标", "stretch_met": True}),
    ("floor met, stretch not: 已完成", STRETCH, {2014: 2.0, 2017: 2.3}, 2018,
     {**NO_TALK, "schedule_status": "completed", "stretch_met": False, "stretch_completion": 0.6}),
    ("floor missed: 未完成", STRETCH, {2014: 2.0, 2017: 2.15}, 2018,
     {**NO_TALK, "schedule_status": "not_completed", "stretch_met": False}),
    ("floor and stretch, only the base year: says so", STRETCH, {2014: 2.0}, 2016,
     {"schedule_status": "no_data", "stretch_completion": float("nan"), "stretch_met": pd.NA,
      "target_completion": float("nan"), "increment_completion": float("nan"), "note": "仅有基期数据"}),
    ("lower is better: 目标完成度 = T/a", {**LINEAR, "target_value": 50.0, "comparator": "<=", "direction": -1},
     {**B100, 2020: 60.0}, 2021,
     {**NO_TALK, "schedule_status": "not_completed", "target_completion": 50 / 60, "increment_completion": 0.8}),
    ("年均增长12 %: 目标完成度 = observed / planned growth",
     {"kind": "growth", "growth_rate": 12.0, "target_year": 2017, "plan_base_year": 2014},
     {2014: 100.0, 2017: 130.0}, 2018,
     {**NO_TALK, "schedule_status": "not_completed", "target_completion": (1.3 ** (1 / 3) - 1) / 0.12,
      "observed_cagr": 1.3 ** (1 / 3) - 1, "target_value_used": 100 * 1.12**3}),
    ("cumulative sum, ended short", {"kind": "cumulative", "target_value": 100.0, "measure": "increment",
                                     "start_year": 2020, "target_year": 2022, "plan_base_year": 2019},
     {2020: 28.0, 2021: 30.0, 2022: 32.0}, 2023,
     {**NO_TALK, "schedule_status": "not_completed", "latest_value": 90.0, "target_completion": 0.9,
      "increment_completion": 0.9}),
    ("per year: no year missed but one missing: 待评估",
     {"kind": "per_year", "target_value": 50.0, "measure": "increment", "start_year": 2016, "target_year": 2017},
     {2016: 55.0}, 2018, {**NO_TALK, "schedule_status": "pending_evaluation", "note": ["1/1年达标", "缺1年数据"]}),
    ("per year: a missed year fails the target even with one missing",
     {"kind": "per_year", "target_value": 50.0, "measure": "increment", "start_year": 2016, "target_year": 2018},
     {2016: 45.0, 2018: 55.0}, 2019, {**NO_TALK, "schedule_status": "not_completed", "target_completion": 1 / 3}),
]  # fmt: skip


MIDCOURSE_CASES = [
    ("both completion readings: 2.01 % of 2.5 % is 80 % of the target, 47 % of the increment",
     RD_TARGET, CQ_RD, 2018, {"target_completion": 2.01 / 2.5, "increment_completion": 0.44 / 0.93}),
    ("序时进度 is linear for counts: r = completion ÷ elapsed time",
     {"target_value": 3000.0, "baseline_value": 1035.0, "baseline_year": 2015},
     {2015: 1035.0, 2018: 2504.0}, 2018,
     {"path_used": "linear", "expected_value": 1035 + 0.6 * 1965,
      "schedule_ratio": (1469 / 1965) / 0.6, "schedule_status": "on_track"}),
    ("geometric only where chosen", {"target_value": 3000.0, "baseline_value": 1035.0, "baseline_year": 2015,
                                     "path_kind": "geometric"},
     {2015: 1035.0, 2018: 2504.0}, 2018,
     {"path_used": "geometric", "expected_value": 1035 * (3000 / 1035) ** 0.6}),
    ("met mid-course: nothing more is required", LINEAR, {**B100, 2018: 230.0}, 2018,
     {"schedule_status": "achieved", "required_growth": float("nan"), "required_change": float("nan")}),
    ("only the base year: no completion, not 0 %", LINEAR, {**B100}, 2017,
     {"schedule_status": "no_data", "target_completion": float("nan"), "increment_completion": float("nan"),
      "note": "仅有基期数据"}),
    ("the baseline never comes from the target year", {"target_value": 200.0}, {2016: 120.0, 2020: 210.0}, 2020,
     {"baseline_year_used": 2016, "schedule_status": "completed"}),
]  # fmt: skip


@pytest.mark.parametrize(
    ("target", "values", "as_of", "expected"),
    [pytest.param(t, v, a, e, id=f"{table}: {i}")
     for table, cases in (("kind", KIND_CASES), ("final", FINAL_CASES), ("mid-course", MIDCOURSE_CASES))
     for i, t, v, a, e in cases],
)
def test_case(target, values, as_of, expected):
    """Every table of cases: one target, its actuals and the as-of year → the verdict and the numbers."""
    check(one(target, values, as_of=as_of), expected)


def test_projection_and_trend_verdict_tell_one_story():
    """The projection runs at the observed CAGR the trend verdict is judged on: reaching T ⇔ R ≥ 1."""
    targets, acts = random_level_targets(300)
    table = verdict_table(targets.assign(direction=1, comparator=">="), acts, as_of=2019)
    rows = table[table["projected_value"].notna() & table["trend_ratio"].notna()
                 & (table["baseline_value_used"] > 0) & (table["latest_value"] > 0)
                 & (table["target_value_used"] > table["baseline_value_used"])]
    assert len(rows) > 50
    reaches = rows["projected_value"] >= rows["target_value_used"] * (1 - 1e-9)
    assert (reaches == (rows["trend_ratio"] >= 1 - 1e-9)).all()


def test_a_reference_of_another_indicator():
    """国有企业研发投入强度 > 全市规上工业企业研发投入强度: the reference series is another indicator's."""
    target = {**RELATIVE, "region": "重庆市", "indicator": "国有企业研发强度", "relative_to_region": "重庆市",
              "relative_to_indicator": "规上工业企业研发强度", "relative_margin": 0.0, "comparator": ">",
              "target_year": 2020}  # fmt: skip
    acts = actuals_frame([("重庆市", "国有企业研发强度", 2015, 1.0), ("重庆市", "国有企业研发强度", 2018, 1.5),
                          ("重庆市", "规上工业企业研发强度", 2015, 0.8), ("重庆市", "规上工业企业研发强度", 2018, 1.2)])
    row = one(target, acts, as_of=2018)
    check(row, {"ref_value": 1.2, "relative_ratio": 1.25, "latest_value": 1.5, "target_value_used": 1.2,
                "schedule_status": "achieved", "note": "按与重庆市“规上工业企业研发强度”同年实际值之比计算"})  # fmt: skip


def test_an_assessment_after_the_as_of_year_is_not_known_then():
    statuses = pd.DataFrame({"target_id": ["t1"], "status": ["completed"], "note": ["建成"], "set_by": ["王"],
                             "set_at": [pd.Timestamp("2019-03-01")]})  # fmt: skip
    target = {"kind": "qualitative", "comparator": None, "target_year": 2017}
    assert one(target, {}, as_of=2018, statuses=statuses)["schedule_status"] == "qualitative"
    assert one(target, {}, as_of=2019, statuses=statuses)["schedule_status"] == "completed"


# ───────────────────────────────────────── assess_trend and sdg-build's ProgressMeasure ──


def sdg_build_series_progress(series, *, direction, target, target_year, base_year):
    """sdg-build's SeriesProgress (sdg/ProgressMeasure.py, open-sdg/sdg-build) transcribed on the same types.

    Returns (status, progress value) or raises where sdg-build raises. Thresholds are its defaults.
    """
    data = pd.DataFrame(series, columns=["Year", "Value"])
    data = data[data["Value"].notna()]
    data["Value"] = data["Value"].astype("float")
    if not data.loc[data["Year"].duplicated(False)].empty:
        raise ValueError("Duplicate value for year")
    if data.shape[0] < 1:
        return "not_available", None
    d = 1 if direction == "positive" else -1
    if target == 0:
        target = 0.001
    method = 1 if target is None else 2
    years = data["Year"]
    current_year = years.max()
    current_value = data.Value[data.Year == current_year].item()
    if base_year not in years.values:
        base_year = years[years > base_year].min()
    base_value = data.Value[data.Year == base_year].item()  # raises when no later year exists
    sign = -1 if base_value < 0 else 1
    th = {"high": 0.015, "med": 0.005, "low": 0} if method == 1 else {"high": 0.95, "med": 0.6, "low": 0}
    achieved = target is not None and ((d == -1 and current_value <= target) or (d == 1 and current_value >= target))

    def growth(val1, val2, t1, t2):
        return ((val1 / val2) ** (1 / (t1 - t2))) - 1

    progress = None
    if base_value == 0:
        base_value = 0.001
    opposite = (base_value > 0 and current_value < 0) or (base_value < 0 and current_value > 0)
    if opposite or base_year > current_year or current_year - base_year < 1:
        progress = None
    elif method == 1:
        progress = sign * d * growth(current_value, base_value, current_year, base_year)
    else:
        cagr_o = growth(current_value, base_value, current_year, base_year)
        cagr_r = growth(target, base_value, target_year, base_year)
        progress = sign * d * cagr_o / abs(cagr_r)
    if achieved:
        return "target_achieved", progress
    if progress is not None:
        if progress >= th["high"]:
            return "substantial_progress", progress
        if th["med"] <= progress < th["high"]:
            return "moderate_progress", progress
        if th["low"] <= progress < th["med"]:
            return "limited_progress", progress
        if progress < th["low"]:
            return "deterioration", progress
    return "not_available", progress


SDG_NAMES = {
    "target_achieved": "target_achieved", "substantial_progress": "substantial", "moderate_progress": "moderate",
    "limited_progress": "limited", "deterioration": "deterioration", "not_available": "insufficient",
}  # fmt: skip

TREND_CASES = [
    # id, series, direction, target, target_year, base_year → status, ratio
    ("重庆 R&D: needs acceleration", [(2015, 1.57), (2018, 2.01)], "up", 2.5, 2020, 2015, "moderate",
     ((2.01 / 1.57) ** (1 / 3) - 1) / ((2.5 / 1.57) ** 0.2 - 1)),
    ("on course", [(2015, 100.0), (2018, 130.0)], "up", 150.0, 2020, 2015, "substantial",
     (1.3 ** (1 / 3) - 1) / (1.5**0.2 - 1)),
    ("limited", [(2015, 100.0), (2018, 103.0)], "up", 150.0, 2020, 2015, "limited",
     (1.03 ** (1 / 3) - 1) / (1.5**0.2 - 1)),
    ("deterioration", [(2015, 100.0), (2018, 97.0)], "up", 150.0, 2020, 2015, "deterioration",
     (0.97 ** (1 / 3) - 1) / (1.5**0.2 - 1)),
    ("achieved", [(2015, 100.0), (2018, 160.0)], "up", 150.0, 2020, 2015, "target_achieved",
     (1.6 ** (1 / 3) - 1) / (1.5**0.2 - 1)),
    ("lower is better", [(2015, 100.0), (2018, 80.0)], "down", 60.0, 2020, 2015, "moderate",
     -(0.8 ** (1 / 3) - 1) / abs(0.6**0.2 - 1)),
    ("no target: 2 % a year", [(2015, 100.0), (2016, 102.0)], "up", None, 2020, 2015, "substantial", 0.02),
    ("no target: 1 % a year", [(2015, 100.0), (2016, 101.0)], "up", None, 2020, 2015, "moderate", 0.01),
    ("no target: 0.2 % a year", [(2015, 100.0), (2016, 100.2)], "up", None, 2020, 2015, "limited", 0.002),
    ("no target: falling", [(2015, 100.0), (2016, 99.0)], "up", None, 2020, 2015, "deterioration", -0.01),
    ("no target, lower is better", [(2015, 100.0), (2016, 98.0)], "down", None, 2020, 2015, "substantial", 0.02),
    ("one point meeting the target", [(2015, 200.0)], "up", 150.0, 2020, 2015, "target_achieved", math.nan),
    ("one point", [(2015, 100.0)], "up", 150.0, 2020, 2015, "insufficient", math.nan),
    ("base year missing: first later year", [(2016, 100.0), (2018, 121.0)], "up", None, 2020, 2015,
     "substantial", 0.1),
    ("both negative, rising", [(2015, -10.0), (2016, -5.0)], "up", None, 2020, 2015, "substantial", 0.5),
    ("opposite signs", [(2015, -10.0), (2016, 5.0)], "up", None, 2020, 2015, "insufficient", math.nan),
    ("zero base uses 0.001", [(2015, 0.0), (2016, 1.0)], "up", None, 2020, 2015, "substantial", 999.0),
    ("duplicates keep the last", [(2015, 100.0), (2016, 90.0), (2016, 102.0)], "up", None, 2020, 2015,
     "substantial", 0.02),
    ("missing values dropped", [(2015, 100.0), (2016, 102.0), (2017, None)], "up", None, 2020, 2015,
     "substantial", 0.02),
    # Where sdg-build misbehaves (docs/methodology.md §8):
    ("base year after all data (sdg-build: ValueError)", [(2012, 100.0), (2014, 101.0)], "up", 150.0, 2020,
     2015, "insufficient", math.nan),
    ("negative base, positive target (sdg-build: complex number)", [(2015, -10.0), (2018, -5.0)], "up", 20.0,
     2020, 2015, "insufficient", math.nan),
    ("exactly 1.5 % (sdg-build: 0.014999999999999902 → moderate)", [(2015, 100.0), (2016, 101.5)], "up", None,
     2020, 2015, "substantial", 0.015),
    ("exactly 0.5 % (sdg-build: limited)", [(2015, 1.0), (2016, 1.005)], "up", None, 2020, 2015,
     "moderate", 0.005),
    ("T = b, fallen (R = −inf)", [(2015, 100.0), (2018, 95.0)], "up", 100.0, 2020, 2015, "deterioration",
     -math.inf),
    ("target 0, value 0.0005, lower is better (sdg-build: achieved against 0.001)",
     [(2015, 1.0), (2018, 0.0005)], "down", 0.0, 2020, 2015, "substantial", None),
]  # fmt: skip


@pytest.mark.parametrize(
    ("series", "direction", "target", "target_year", "base_year", "status", "ratio"),
    [pytest.param(*case[1:], id=case[0]) for case in TREND_CASES],
)
def test_assess_trend(series, direction, target, target_year, base_year, status, ratio):
    result = assess_trend(series, direction=direction, target=target, target_year=target_year, base_year=base_year)
    assert result.status == status
    if ratio is None:
        return
    if math.isnan(ratio):
        assert math.isnan(result.ratio)
    elif math.isinf(ratio):
        assert result.ratio == ratio
    else:
        assert result.ratio == pytest.approx(ratio, rel=1e-9)


def test_assess_trend_reports_base_year_and_reason():
    r = assess_trend([(2016, 100.0), (2018, 121.0)], direction="up", target_year=2020, base_year=2015)
    assert (r.base_year, r.base_value, r.current_year, r.current_value) == (2016, 100.0, 2018, 121.0)
    assert assess_trend([(2012, 1.0)], direction="up", target_year=2020, base_year=2015).reason == "base_after_data"
    with pytest.raises(ValueError):
        assess_trend([(2015, 1.0)], direction="sideways", target_year=2020, base_year=2015)


def random_trend_cases(n: int, seed: int = 20240601):
    """Series of 1–6 points around the base year, positive, negative and zero values, with and without targets."""
    rng = np.random.default_rng(seed)
    cases = []
    for _ in range(n):
        k = int(rng.integers(1, 7))
        years = sorted(rng.choice(np.arange(2010, 2021), size=k, replace=False).tolist())
        values = rng.choice([rng.uniform(1, 200), rng.uniform(-50, 200), 0.0], size=k, p=[0.8, 0.17, 0.03])
        values = [float(round(v, 2)) for v in values]
        target = None if rng.random() < 0.3 else float(round(rng.uniform(-20, 300), 1))
        cases.append((list(zip(years, values, strict=True)), str(rng.choice(["up", "down"])), target, 2025,
                      int(rng.integers(2010, 2018))))  # fmt: skip
    return cases


def differs_by_design(series, target, base_year, ref_value) -> bool:
    """Inputs where the difference from sdg-build is deliberate (docs/methodology.md §8)."""
    later = [v for y, v in sorted(series) if y >= base_year]
    if not later:
        return True  # sdg-build raises
    base = later[0] if later[0] != 0 else 0.001
    if target is not None:
        t = target if target != 0 else 0.001
        if (t > 0) != (base > 0) or target == 0:
            return True  # complex numbers / achievement against 0.001
    if ref_value is not None and np.isfinite(np.real(ref_value)):
        v = float(np.real(ref_value))
        thresholds = (0.95, 0.6, 0.0) if target is not None else (0.015, 0.005, 0.0)
        if any(abs(v - x) < 1e-9 for x in thresholds):
            return True  # float rounding at a boundary
    return False


def test_assess_trend_matches_sdg_build_status_for_status():
    compared = 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for series, direction, target, target_year, base_year in random_trend_cases(3000):
            ours = assess_trend(series, direction=direction, target=target, target_year=target_year,
                                base_year=base_year)  # fmt: skip
            try:
                ref_status, ref_value = sdg_build_series_progress(
                    series, direction="positive" if direction == "up" else "negative", target=target,
                    target_year=target_year, base_year=base_year,
                )  # fmt: skip
            except ValueError:
                assert ours.status == "insufficient"  # sdg-build crashes: base year after all data
                continue
            if differs_by_design(series, target, base_year, ref_value):
                continue
            assert ours.status == SDG_NAMES[ref_status], (series, direction, target, base_year, ref_value)
            compared += 1
    assert compared > 1000


def test_sdg_build_differences_are_real():
    """The documented differences exist in the transcribed reference (so the docs do not overstate them)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(ValueError):
            sdg_build_series_progress([(2012, 1.0)], direction="positive", target=None, target_year=2020,
                                      base_year=2015)  # fmt: skip
        status, value = sdg_build_series_progress([(2015, -10.0), (2018, -5.0)], direction="positive",
                                                  target=20.0, target_year=2020, base_year=2015)  # fmt: skip
        assert status == "limited_progress"  # a status computed from the modulus of a complex number
        assert sdg_build_series_progress([(2015, 100.0), (2016, 101.5)], direction="positive", target=None,
                                         target_year=2020, base_year=2015)[0] == "moderate_progress"  # fmt: skip


# ───────────────────────────────────────────────────────── the table as a whole ──


@pytest.mark.parametrize(
    ("b", "T", "e", "geometric", "expected"),
    [
        (1.57, 2.5, 0.6, False, 2.128),
        (241.5, 483.0, 0.4, True, 241.5 * 2**0.4),
        (0.0, 100.0, 0.6, True, 60.0),  # b ≤ 0: the geometric path is undefined, linear is used
        (100.0, 50.0, 1.0, True, 50.0),
    ],
)
def test_expected_on_path(b, T, e, geometric, expected):
    assert expected_on_path(b, T, e, geometric=geometric) == pytest.approx(expected)


def random_level_targets(n: int, seed: int = 11):
    rng = np.random.default_rng(seed)
    rows, acts = [], []
    for i in range(n):
        region = f"区{i}"
        base = float(rng.uniform(10, 100))
        rows.append({"target_id": f"t{i}", "region": region, "target_value": base * float(rng.uniform(0.8, 2.0)),
                     "direction": int(rng.choice([1, -1])), "unit": str(rng.choice(["%", "家"])),
                     "comparator": None})  # fmt: skip
        for year in range(2015, 2015 + int(rng.integers(1, 6))):
            if rng.random() < 0.85:
                acts.append((region, "指标", year, base * float(rng.uniform(0.8, 1.6))))
    return targets_frame(*rows), actuals_frame(acts)


def test_vectorised_rows_equal_one_at_a_time_and_assess_trend():
    targets, acts = random_level_targets(60)
    table = verdict_table(targets, acts, as_of=2019)
    assert list(table["target_id"]) == list(targets["target_id"])  # same order
    for i in range(len(targets)):
        single = verdict_table(targets.iloc[[i]], acts[acts["region"] == targets["region"][i]], as_of=2019).iloc[0]
        pd.testing.assert_series_equal(table.iloc[i].drop("as_of"), single.drop("as_of"), check_names=False)
        series = acts.loc[acts["region"] == targets["region"][i], ["year", "value"]].itertuples(index=False)
        trend = assess_trend(list(series), direction=int(targets["direction"][i]),
                             target=targets["target_value"][i], target_year=2020, base_year=2015)  # fmt: skip
        assert table["trend_status"][i] == trend.status


def test_output_columns_and_labels():
    targets, acts = random_level_targets(30)
    table = verdict_table(targets, acts)
    assert tuple(table.columns) == OUTPUT_COLUMNS
    assert set(table["schedule_status"]) <= set(SCHEDULE_LABELS)
    assert set(table["trend_status"]) <= set(TREND_LABELS)
    assert table["as_of"].iloc[0] == acts["year"].max()  # as_of None → the latest year with any actual
    empty = verdict_table(targets.iloc[:0], acts)
    assert len(empty) == 0 and tuple(empty.columns) == OUTPUT_COLUMNS


def test_thresholds_are_configurable():
    row = {**LINEAR}
    values = {**B100, 2018: 150.0}  # r = 0.833
    assert one(row, values)["schedule_status"] == "lagging"
    strict = Thresholds(schedule_on_track=0.99, schedule_lagging=0.9)
    assert one(row, values, thresholds=strict)["schedule_status"] == "severely_lagging"
    lenient = Thresholds(schedule_on_track=0.8)
    assert one(row, values, thresholds=lenient)["schedule_status"] == "on_track"
    assert one({"kind": "approx", "target_value": 50.0}, {2015: 40.0, 2018: 46.0},
               thresholds=Thresholds(approx_tolerance=0.1))["schedule_status"] == "achieved"  # fmt: skip
    with pytest.raises(AttributeError):
        DEFAULT_THRESHOLDS.schedule_on_track = 0.5  # frozen: one place, changed only by making a new one
    assert {name for name, *_ in DEFAULT_THRESHOLDS.describe()} == set(DEFAULT_THRESHOLDS.as_dict())


def test_methodology_doc_lists_every_threshold():
    from pathlib import Path

    doc = (Path(__file__).resolve().parent.parent / "docs" / "methodology.md").read_text(encoding="utf-8")
    for name in DEFAULT_THRESHOLDS.as_dict():
        assert f"`{name}`" in doc, f"docs/methodology.md does not document {name}"


def test_every_note_the_engine_writes_has_both_languages():
    """Notes are message codes: each one the engine can write is in the catalogue, in Chinese and English."""
    import re
    from pathlib import Path

    package = Path(__file__).resolve().parent.parent / "tracker" / "methodology"
    source = "".join(path.read_text(encoding="utf-8") for path in sorted(package.glob("*.py")))
    codes = set(re.findall(r'notes\.add\(.*?, "([a-z_]+)"', source)) | {
        "single_point", "opposite_signs", "target_opposite_sign", "bad_horizon"}
    assert len(codes) > 25
    assert codes <= set(NOTE_MESSAGES), codes - set(NOTE_MESSAGES)
    for zh, en in NOTE_MESSAGES.values():
        assert re.search(r"[\u4e00-\u9fff]", zh) or zh == "{text}"
        assert not re.search(r"[\u4e00-\u9fff]", en)
    targets, acts = random_level_targets(30)
    english = [render_notes(n, "en") for n in verdict_table(targets, acts)["note"]]
    assert any(english) and not any(re.search(r"[\u4e00-\u9fff]", n) for n in english)
