"""Targets on each year's flow (每年新增…): every year of the period checked on its own."""

from __future__ import annotations

import numpy as np

from tracker.methodology.arrays import _first_last, _gather, _meets, _pick
from tracker.methodology.inputs import _Grid, _Inputs
from tracker.methodology.notes import _Notes
from tracker.methodology.thresholds import Thresholds
from tracker.methodology.trend import _classify_trend


def _evaluate_per_year(idx, inp: _Inputs, grid: _Grid, cap_all, as_of_used, out, notes: _Notes, th: Thresholds):
    """Targets on each year's flow (每年新增…): every covered year is checked on its own."""
    n = len(idx)
    rows = np.arange(n)
    comp, d, t1, cap = inp.comparator[idx], inp.d[idx], inp.t1[idx], cap_all[idx]
    start = inp.start[idx]
    years = grid.years
    Y = years[None, :]
    own = _gather(grid, grid.own[idx])
    flows = own.copy()
    from_levels = inp.measure[idx] != "increment"
    if from_levels.any():
        lv = own[from_levels]
        diff = np.full_like(lv, np.nan)
        diff[:, 1:] = lv[:, 1:] - lv[:, :-1]  # a year's addition to a stock needs the stock of the year before
        flows[from_levels] = diff

    kind, T_raw, T_hi, tol = inp.kind[idx], inp.T_raw[idx], inp.T_hi[idx], inp.tolerance[idx]
    with np.errstate(invalid="ignore"):
        lo = np.where(kind == "approx", np.fmin(T_raw * (1 - tol), T_raw * (1 + tol)), T_raw)
        hi = np.where(kind == "approx", np.fmax(T_raw * (1 - tol), T_raw * (1 + tol)), T_raw)
        rng = kind == "range"
        hi = np.where(rng, np.where(np.isfinite(T_hi), T_hi, np.where(d > 0, np.inf, T_raw)), hi)
        T = np.where(rng & (d < 0), hi, T_raw)

    covered = (start[:, None] <= Y) & (cap[:, None] >= Y)
    valid = covered & ~np.isnan(flows)
    met = _meets(flows, comp, T, lo, hi, d) & valid
    n_years = valid.sum(axis=1)
    n_met = met.sum(axis=1)
    has, _, jl = _first_last(valid)
    a = np.where(has, flows[rows, jl], np.nan)
    t = np.where(has, years[jl], np.nan)
    with np.errstate(all="ignore"):
        mean_flow = np.where(valid, flows, 0.0).sum(axis=1) / n_years
        ratio = np.where(
            d > 0,
            np.where(T > 0, mean_flow / T, np.nan),
            np.where(mean_flow > 0, T / mean_flow, np.inf),
        )
        period = t1 - start + 1
        elapsed = np.where(has, np.clip((t - start + 1) / period, 0.0, 1.0), np.nan)
    all_met = has & (n_met == n_years)
    ended = np.isfinite(t1) & ((as_of_used > t1) | (has & (t >= t1)))
    # Once the period is over: one missed year fails the target; all years met with none missing completes it.
    missed = has & (n_met < n_years)
    every_year = n_years >= period
    eps = th.boundary_epsilon
    with np.errstate(invalid="ignore"):
        schedule = _pick(
            [~np.isfinite(T) | ~np.isfinite(t1), ended & missed, ended & every_year, ended, ~has, all_met,
             d * a < 0, ratio >= th.schedule_on_track - eps, ratio >= th.schedule_lagging - eps],
            ["no_target", "not_completed", "completed", "pending_evaluation", "no_data", "achieved", "regressing",
             "on_track", "lagging"],
            "severely_lagging",
        )  # fmt: skip
        trend = _classify_trend(
            ratio, has & ~np.isnan(ratio), np.zeros(n, dtype=bool),
            th.trend_substantial, th.trend_moderate, th.trend_limited, eps,
        )  # fmt: skip
    trend = np.where(~np.isfinite(T), "insufficient", trend).astype(object)
    trend = np.where(ended, "ended", trend).astype(object)

    notes.add(has, "years_met", idx=idx, met=n_met, years=n_years)
    last_year = np.where(ended, t1, t)
    missing = np.where(has, (last_year - start + 1) - n_years, np.where(ended, period, 0))
    notes.add(missing > 0, "missing_years", idx=idx, n=missing)

    out["latest_year"][idx] = t
    out["latest_value"][idx] = a
    out["baseline_year_used"][idx] = start - 1
    out["target_value_used"][idx] = T
    out["target_band_lo"][idx] = lo
    out["target_band_hi"][idx] = hi
    out["path_used"][idx] = "per_year"
    out["elapsed"][idx] = elapsed
    out["expected_value"][idx] = np.where(has & ~ended, T, np.nan)
    # 目标完成度 of a yearly target: the share of the period's years that met it (1/2年达标 → 50 %).
    out["target_completion"][idx] = np.where(has & (period > 0), n_met / period, np.nan)
    out["schedule_ratio"][idx] = np.where(has & ~ended, ratio, np.nan)
    out["schedule_status"][idx] = schedule
    out["trend_ratio"][idx] = np.where(has & ~ended, ratio, np.nan)
    out["trend_status"][idx] = trend
    out["projected_value"][idx] = np.where(has & ~ended, mean_flow, np.nan)
    out["projected_gap"][idx] = np.where(has & ~ended, mean_flow - T, np.nan)
    out["years_met"][idx] = np.where(has, n_met, np.nan)
    out["years_with_data"][idx] = n_years
    out["final"][idx] = ended
