"""Targets judged on one value per year: levels, bands, growth, doubling, coverage, relative, sums."""

from __future__ import annotations

import numpy as np

from tracker.methodology.arrays import _NEAR, _first_last, _gather, _isin, _meets, _pick
from tracker.methodology.inputs import _Grid, _Inputs
from tracker.methodology.notes import _Notes
from tracker.methodology.path import derived_target_value, expected_on_path
from tracker.methodology.thresholds import Thresholds
from tracker.methodology.trend import _classify_trend, _trend_arrays


def _evaluate_levels(idx, inp: _Inputs, grid: _Grid, cap_all, as_of_used, out, notes: _Notes, th: Thresholds):
    """Every target judged on one value per year: levels, bands, growth, doubling, coverage, relative, sums.

    Mid-course (the target year not yet reached) a target gets the schedule and trend verdicts; once the as-of
    year has passed the target year, or the target year's value is in, it gets the final evaluation instead.
    """
    n = len(idx)
    rows = np.arange(n)
    kind, comp, d = inp.kind[idx], inp.comparator[idx], inp.d[idx]
    t1, cap, t0_req = inp.t1[idx], cap_all[idx], inp.t0_req[idx]
    basis, measure = inp.basis[idx], inp.measure[idx]
    years = grid.years
    Y = years[None, :]

    rel = kind == "relative"
    cum_inc = (basis == "cumulative") & (measure == "increment")
    own, ref, series = _judged_series(idx, inp, grid, rel, cum_inc)

    # Baseline b in t0: the stated value, else the actual in t0_req or the first later year with one — but never
    # the target year or later: a target cannot be its own baseline.
    present = ~np.isnan(series) & (cap[:, None] >= Y)
    before_target = ~np.isfinite(t1)[:, None] | (t1[:, None] > Y)
    has_b, jb, _ = _first_last(present & (t0_req[:, None] <= Y) & before_target)
    b_text = inp.b_text[idx]
    stated = np.isfinite(b_text)
    b = np.where(stated, b_text, np.where(has_b, series[rows, jb], np.nan))
    t0 = np.where(stated | ~has_b, t0_req, years[jb])
    shifted = ~stated & has_b & (years[jb] > t0_req)
    notes.add(shifted, "baseline_shifted", idx=idx, year=t0, wanted=t0_req)

    # Latest actual a in year t (the target year caps it: a 2020 target is judged on 2020, not on 2022).
    has_a, _, ja = _first_last(present)
    a = np.where(has_a, series[rows, ja], np.nan)
    t = np.where(has_a, years[ja], np.nan)
    with np.errstate(invalid="ignore"):
        after_base = has_a & (t >= t0)
        moved = after_base & (t > t0)  # a value after the base year: progress can be measured
        only_base = after_base & (t == t0)
        ended = np.isfinite(t1) & ((as_of_used > t1) | (has_a & (t >= t1)))
        has_final_value = has_a & (t >= t1)
    notes.add(has_a & ~after_base, "data_before_base", idx=idx, year=t, base=t0)

    # Values after the target year are shown as 规划期后, never used for the verdict.
    after_plan = ~np.isnan(series) & (t1[:, None] < Y) & (as_of_used >= Y)
    has_post, _, jp = _first_last(after_plan)
    shown = np.where(rel[:, None], own, series)
    post_year = np.where(has_post, years[jp], np.nan)
    post_value = np.where(has_post, shown[rows, jp], np.nan)
    notes.add(has_post, "after_plan", idx=idx, year=post_year)

    # Target T (the value on the path's end) and the band of ≈ / between.
    T, lo, hi, T_cause = _resolve_target(idx, inp, b, t0, notes)
    with np.errstate(invalid="ignore"):
        achieved = _meets(a, comp, T, lo, hi, d) & after_base

    # Time elapsed and the expected value on the path (mid-course only).
    with np.errstate(all="ignore"):
        horizon = t1 - t0
        elapsed = np.where(horizon > 0, np.clip((t - t0) / horizon, 0.0, 1.0), 1.0)
        elapsed = np.where(after_base & np.isfinite(b) & np.isfinite(t1) & ~ended, elapsed, np.nan)
        want_geo = inp.path_geometric[idx]
        geo = want_geo & (b > 0) & (T > 0)
        expected = expected_on_path(b, T, elapsed, geometric=geo)
        dev = expected - b
        ratio = np.where(dev != 0, (a - b) / dev, np.nan)
    notes.add(want_geo & np.isfinite(b) & np.isfinite(T) & ~geo, "linear_fallback", idx=idx)
    notes.add(np.isfinite(b) & np.isfinite(T) & np.isclose(T, b, **_NEAR), "target_equals_baseline", idx=idx)
    notes.add(only_base & ~ended, "only_base_year", idx=idx)
    notes.add(only_base & achieved & ~ended, "base_meets_target", idx=idx)

    # Anticipated verdict: sdg-build's method on levels; the average yearly flow for cumulative sums.
    cumulative = basis == "cumulative"
    trend = _trend_arrays(b=b, t0=t0, a=a, t=t, T=T, t1=t1, d=d, achieved=achieved, th=th)
    trend_status, trend_ratio = trend["status"], trend["ratio"]
    eps = th.boundary_epsilon
    if cumulative.any():
        with np.errstate(all="ignore"):
            # sdg-build's R with the average yearly flow in place of the CAGR (a sum starts from zero).
            flow_ratio = d * ((a - b) / (t - t0)) / np.abs((T - b) / horizon)
        valid = moved & np.isfinite(flow_ratio)
        flow_status = _classify_trend(
            flow_ratio, valid, achieved, th.trend_substantial, th.trend_moderate, th.trend_limited, eps
        )
        trend_status = np.where(cumulative, flow_status, trend_status).astype(object)
        trend_ratio = np.where(cumulative, np.where(valid, flow_ratio, np.nan), trend_ratio)
    no_target_value = _isin(T_cause, ("no_baseline", "invalid_baseline"))
    trend_status = np.where(no_target_value, "insufficient", trend_status).astype(object)
    trend_status = np.where(ended, "ended", trend_status).astype(object)  # no trend talk about a year gone by
    trend_ratio = np.where(ended, np.nan, trend_ratio)
    _trend_notes(trend["reason"], b, no_target_value | cumulative | only_base | ended, idx, notes)

    stretch_met = np.zeros(n, dtype=bool)
    fs = kind == "floor_stretch"
    if fs.any():
        stretch = inp.stretch[idx]
        s_comp = _pick([d > 0], [">="], "<=")
        met = _meets(a, s_comp, stretch, stretch, stretch, d)
        valid = fs & np.where(ended, has_final_value, moved) & np.isfinite(stretch)
        stretch_met = valid & met
        out["stretch_met"][idx] = np.where(valid, met, None)
        with np.errstate(all="ignore"):
            out["stretch_completion"][idx] = np.where(
                valid & np.isfinite(b) & (stretch != b), (a - b) / (stretch - b), np.nan
            )
        notes.add(valid & met, "stretch_met", idx=idx)
        notes.add(valid & achieved & ~met, "floor_met_stretch_not", idx=idx)

    with np.errstate(invalid="ignore"):
        regressing = (d * (a - b) < 0) & ~np.isclose(a, b, **_NEAR)
    final_status = _pick([has_final_value & stretch_met, has_final_value & achieved, has_final_value],
                         ["completed_stretch", "completed", "not_completed"], "pending_evaluation")
    schedule = _schedule_status(T_cause, ended, final_status, after_base, b, achieved, only_base, regressing, dev,
                                ratio, th)
    pending = ended & ~has_final_value & (T_cause == "")
    notes.add(pending & has_a, "target_year_missing_latest", idx=idx, year=t1, latest=t)
    notes.add(pending & ~has_a, "target_year_missing", idx=idx, year=t1)

    # The two completion readings, on the value that is judged: the target year's once the plan has ended.
    judged = np.where(ended, has_final_value, moved)
    increment, of_target = _completions(kind, cumulative, d, a, b, T, judged, trend["cagr_observed"], inp.growth[idx])

    projected, required_growth, required_change = _projection(kind, cumulative, a, b, T, t, t0, t1, moved, ended,
                                                               after_base, achieved)

    # Back to the indicator's unit for relative targets (judged on own ÷ reference): × the reference value.
    scale = np.ones(n)
    ref_value = np.full(n, np.nan)
    latest_value, baseline_value = a, b
    if rel.any():
        ref_value = np.where(rel & has_a, ref[rows, ja], np.nan)
        scale = np.where(rel, ref_value, 1.0)
        latest_value = np.where(rel, np.where(has_a, own[rows, ja], np.nan), a)
        baseline_value = np.where(rel, np.where(has_b, own[rows, jb], np.nan), b)
        other = inp.ref_indicator[idx] != ""
        notes.add(rel & ~other, "relative_ratio", idx=idx, region=inp.ref_region[idx])
        notes.add(
            rel & other, "relative_ratio_other", idx=idx, region=inp.ref_region[idx], indicator=inp.ref_indicator[idx]
        )
        notes.add(rel & ~has_a, "relative_no_common_year", idx=idx)
        has_own, _, j_own = _first_last(~np.isnan(own) & (cap[:, None] >= Y))
        own_later = rel & has_own & has_a & (years[j_own] > t)
        notes.add(own_later, "relative_reference_missing", idx=idx, year=years[j_own], common=t)

    def unit(v):
        return v * scale

    out["latest_year"][idx] = t
    out["latest_value"][idx] = latest_value
    out["baseline_year_used"][idx] = np.where(np.isfinite(b), t0, np.nan)
    out["baseline_value_used"][idx] = baseline_value
    out["target_value_used"][idx] = unit(T)
    out["target_band_lo"][idx] = unit(lo)
    out["target_band_hi"][idx] = unit(hi)
    out["path_used"][idx] = _pick([~np.isfinite(b), geo], [None, "geometric"], "linear")
    out["elapsed"][idx] = elapsed
    out["expected_value"][idx] = unit(expected)
    out["increment_completion"][idx] = increment
    out["target_completion"][idx] = of_target
    out["schedule_ratio"][idx] = np.where(after_base & np.isfinite(b) & ~ended, ratio, np.nan)
    out["schedule_status"][idx] = schedule
    out["observed_cagr"][idx] = np.where(cumulative | ~judged, np.nan, trend["cagr_observed"])
    out["required_cagr"][idx] = np.where(cumulative, np.nan, trend["cagr_required"])
    out["trend_ratio"][idx] = trend_ratio
    out["trend_status"][idx] = trend_status
    out["projected_value"][idx] = unit(projected)
    out["projected_gap"][idx] = unit(projected - T)
    out["required_growth"][idx] = required_growth
    out["required_change"][idx] = unit(required_change)
    out["ref_value"][idx] = ref_value
    out["relative_ratio"][idx] = np.where(rel, a, np.nan)
    out["post_plan_year"][idx] = post_year
    out["post_plan_value"][idx] = post_value
    out["final"][idx] = ended

    band = _isin(comp, ("≈", "between"))
    with np.errstate(invalid="ignore"):
        notes.add(band & (d > 0) & (a > hi) & ~np.isclose(a, hi, **_NEAR), "above_band", idx=idx)
        notes.add(band & (d < 0) & (a < lo) & ~np.isclose(a, lo, **_NEAR), "below_band", idx=idx)
    if cum_inc.any():
        expected_years = np.where(after_base, t - inp.start[idx] + 1, 0)
        counted = np.zeros(n)
        counted[cum_inc] = (present[cum_inc] & (inp.start[idx][cum_inc][:, None] <= Y)).sum(axis=1)
        missing = np.where(cum_inc, expected_years - counted, 0)
        notes.add(missing > 0, "cumulative_missing_years", idx=idx, n=missing)


def _judged_series(idx, inp: _Inputs, grid: _Grid, rel, cum_inc):
    """(own values, reference values, the series judged) per target and year: the ratio to the reference region
    for relative targets, the running sum from the plan's start for cumulative increments, else the own values."""
    Y = grid.years[None, :]
    own = _gather(grid, grid.own[idx])
    series = own.copy()
    ref = _gather(grid, grid.ref[idx]) if rel.any() else np.full_like(own, np.nan)
    if rel.any():
        with np.errstate(all="ignore"):
            series[rel] = np.where(ref[rel] > 0, own[rel] / ref[rel], np.nan)
    if cum_inc.any():
        flows = own[cum_inc]
        covered = (inp.start[idx][cum_inc][:, None] <= Y) & ~np.isnan(flows)
        sums = np.cumsum(np.where(covered, flows, 0.0), axis=1)
        series[cum_inc] = np.where(covered, sums, np.nan)
    return own, ref, series


def _schedule_status(T_cause, ended, final_status, after_base, b, achieved, only_base, regressing, dev, ratio,
                     th: Thresholds):
    """序时进度's status: what blocks a verdict first, then the final evaluation once the plan has ended, then the
    schedule ratio's band mid-course (the first condition that holds decides)."""
    eps = th.boundary_epsilon
    with np.errstate(invalid="ignore"):
        status = _pick(
            [
                T_cause == "no_baseline",
                T_cause == "invalid_baseline",
                T_cause == "no_target",
                ended,
                ~after_base,
                ~np.isfinite(b),
                achieved,
                only_base,
                regressing,
                dev == 0,
                ratio >= th.schedule_on_track - eps,
                ratio >= th.schedule_lagging - eps,
            ],
            [
                "no_baseline", "invalid_baseline", "no_target", "final", "no_data", "no_baseline", "achieved",
                "no_data", "regressing", "on_track", "on_track", "lagging",
            ],
            "severely_lagging",
        )  # fmt: skip
    return np.where(status == "final", final_status, status).astype(object)


def _projection(kind, cumulative, a, b, T, t, t0, t1, moved, ended, after_base, achieved):
    """(projected value at t1, required annual growth, required yearly change). The projection runs at the observed
    CAGR — the growth the trend verdict is judged on, so that the verdict and the projection tell one story — or at
    the average yearly change for sums and non-positive values; nothing is required of a met target."""
    with np.errstate(all="ignore"):
        span = t - t0
        remaining = t1 - t
        at_cagr = (b > 0) & (a > 0) & ~cumulative
        projected = np.where(at_cagr, a * np.power(a / b, remaining / span), a + (a - b) / span * remaining)
        projected = np.where(moved & ~ended, projected, np.nan)
        projected = np.where(kind == "coverage", np.minimum(projected, T), projected)  # nothing covers more than all
        future = after_base & (remaining > 0) & ~ended & ~achieved
        required_growth = np.where(
            future & (a > 0) & (T > 0) & ~cumulative, np.power(T / a, 1.0 / remaining) - 1.0, np.nan
        )
        required_change = np.where(future, (T - a) / remaining, np.nan)
    return projected, required_growth, required_change


def _completions(kind, cumulative, d, a, b, T, judged, cagr_observed, growth):
    """(增量完成度, 目标完成度) of each target; NaN where the reading is undefined (docs/methodology.md §5).

    增量完成度 (a − b)/(T − b): the share of the planned change achieved. 目标完成度: a/T for higher-is-better
    levels, T/a for lower-is-better ones, the observed over the planned annual growth for 年均增长 targets, and
    the sum achieved over the sum planned for cumulative targets.
    """
    with np.errstate(all="ignore"):
        increment = np.where(judged & np.isfinite(b) & (b != T), (a - b) / (T - b), np.nan)
        level = np.where(d > 0, np.where(T > 0, a / T, np.nan), np.where((a > 0) & (T > 0), T / a, np.nan))
        of_target = np.where(judged, level, np.nan)
        of_target = np.where(
            kind == "growth", np.where(judged & (growth > 0), cagr_observed / growth, np.nan), of_target
        )
        of_target = np.where(cumulative, increment, of_target)
    return increment, of_target


def _resolve_target(idx, inp: _Inputs, b, t0, notes: _Notes):
    """T on the path's end, the band [lo, hi], and why T could not be resolved ("" when it could)."""
    kind, d = inp.kind[idx], inp.d[idx]
    T_raw, T_hi, t1 = inp.T_raw[idx], inp.T_hi[idx], inp.t1[idx]
    T = T_raw.copy()
    cause = np.full(len(idx), "", dtype=object)
    with np.errstate(all="ignore"):
        coverage = kind == "coverage"
        T = np.where(coverage & ~np.isfinite(T_raw), 100.0, T)

        growth = kind == "growth"
        g = inp.growth[idx]
        cause = np.where(growth & ~np.isfinite(g), "no_target", cause)
        doubling = (kind == "doubling") & ~np.isfinite(T_raw)  # a stated 翻番 value wins (the ETL derived it)
        derived_value = derived_target_value(kind, b, multiple=inp.multiple[idx], growth=g, years=t1 - t0)
        T = np.where(growth | doubling, derived_value, T)

        derived = (growth & np.isfinite(g)) | doubling
        cause = np.where(derived & ~np.isfinite(b), "no_baseline", cause)
        cause = np.where(derived & np.isfinite(b) & (b <= 0), "invalid_baseline", cause)
        notes.add(derived & ~np.isfinite(b), "no_baseline", idx=idx)
        notes.add(derived & np.isfinite(b) & (b <= 0), "invalid_baseline", idx=idx)

        relative = kind == "relative"
        T = np.where(relative, 1.0 + inp.margin[idx] / 100.0, T)

        approx = kind == "approx"
        tol = inp.tolerance[idx]
        lo = np.where(approx, np.fmin(T * (1 - tol), T * (1 + tol)), T)
        hi = np.where(approx, np.fmax(T * (1 - tol), T * (1 + tol)), T)
        rng = kind == "range"
        r_hi = np.where(np.isfinite(T_hi), T_hi, np.where(d > 0, np.inf, T_raw))
        r_lo = np.where(np.isfinite(T_raw), T_raw, -np.inf)
        lo = np.where(rng, np.fmin(r_lo, r_hi), lo)
        hi = np.where(rng, np.fmax(r_lo, r_hi), hi)
        T = np.where(rng, np.where(d > 0, lo, hi), T)  # the range's near edge is the one to reach

        # A cumulative target on a stock indicator: the sum of additions is the rise of the stock since t0.
        shift = np.where((inp.basis[idx] == "cumulative") & (inp.measure[idx] != "increment"), b, 0.0)
        T, lo, hi = T + shift, lo + shift, hi + shift
        T = np.where(np.isfinite(T), T, np.nan)
    cause = np.where((cause == "") & ~np.isfinite(T), "no_target", cause).astype(object)
    cause = np.where(~np.isfinite(t1), "no_target", cause).astype(object)
    notes.add(~np.isfinite(t1), "no_target_year", idx=idx)
    return T, lo, hi, cause


# Why a trend could not be judged: the reason codes that are also note codes.
_TREND_REASON_NOTES = ("single_point", "opposite_signs", "target_opposite_sign", "bad_horizon")


def _trend_notes(reason, b, skip, idx, notes: _Notes) -> None:
    for code in _TREND_REASON_NOTES:
        notes.add((reason == code) & ~skip, code, idx=idx)
    notes.add((b == 0) & ~skip, "zero_baseline_trend", idx=idx)
