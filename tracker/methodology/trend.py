"""The anticipated verdict (趋势研判), as sdg-build's ProgressMeasure computes it (Open SDG; Statistics Canada)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from tracker.methodology.arrays import _pick
from tracker.methodology.thresholds import DEFAULT_THRESHOLDS, Thresholds

_DIRECTION_ALIASES = {"up": 1.0, "positive": 1.0, "+1": 1.0, "1": 1.0, "down": -1.0, "negative": -1.0, "-1": -1.0}


# sdg-build replaces a zero base value or target by this number (ProgressMeasure.py); kept for the same statuses.
SDG_BUILD_ZERO_SUBSTITUTE = 0.001


@dataclass(frozen=True)
class TrendResult:
    """The anticipated verdict of one series; ``ratio`` is R with a target, the directed CAGR without."""

    status: str
    ratio: float
    cagr_observed: float
    cagr_required: float
    base_year: float
    base_value: float
    current_year: float
    current_value: float
    target_achieved: bool
    reason: str  # why the verdict is "insufficient" ("" otherwise)


def assess_trend(
    series,
    *,
    direction,
    target=None,
    target_year,
    base_year,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
) -> TrendResult:
    """The anticipated verdict of a series of (year, value) pairs, as sdg-build's ProgressMeasure computes it.

    direction: "up"/"down" (or +1/−1). A duplicate year keeps its last pair; missing values are dropped.
    The base year missing from the data moves to the first later year with a value; no such year → insufficient.
    """
    d = _direction_scalar(direction)
    values: dict[float, float] = {}
    for year, value in series:
        if year is None or value is None or pd.isna(year) or pd.isna(value):
            continue
        values[float(year)] = float(value)  # a later duplicate overwrites: the last revision counts
    tgt = np.nan if target is None or pd.isna(target) else float(target)
    nan = np.nan
    if not values:
        return TrendResult("insufficient", nan, nan, nan, nan, nan, nan, nan, False, "no_data")
    current_year = max(values)
    current_value = values[current_year]
    later = [y for y in values if y >= base_year]
    if not later:  # sdg-build crashes here (an empty .min() then .item()); the GUIDE says 无法判断
        return TrendResult(
            "insufficient", nan, nan, nan, nan, nan, current_year, current_value, False, "base_after_data"
        )
    used_base_year = min(later)
    base_value = values[used_base_year]
    achieved = bool(np.isfinite(tgt) and (current_value >= tgt if d > 0 else current_value <= tgt))
    res = _trend_arrays(
        b=np.array([base_value]), t0=np.array([used_base_year]),
        a=np.array([current_value]), t=np.array([current_year]),
        T=np.array([tgt]), t1=np.array([float(target_year)]), d=np.array([d]),
        achieved=np.array([achieved]), th=thresholds,
    )  # fmt: skip
    return TrendResult(
        status=str(res["status"][0]),
        ratio=float(res["ratio"][0]),
        cagr_observed=float(res["cagr_observed"][0]),
        cagr_required=float(res["cagr_required"][0]),
        base_year=used_base_year,
        base_value=base_value,
        current_year=current_year,
        current_value=current_value,
        target_achieved=achieved,
        reason=str(res["reason"][0]),
    )


def _trend_arrays(*, b, t0, a, t, T, t1, d, achieved, th: Thresholds) -> dict[str, np.ndarray]:
    """sdg-build's growth ratio and status for whole arrays (T = NaN: the no-target method)."""
    with np.errstate(all="ignore"):
        span = t - t0
        has_points = np.isfinite(b) & np.isfinite(a) & np.isfinite(span)
        enough = has_points & (span >= 1)
        b_eff = np.where(b == 0, SDG_BUILD_ZERO_SUBSTITUTE, b)
        sign = np.where(b_eff < 0, -1.0, 1.0)  # a negative base: growth in magnitude is read the other way
        opposite = ((b_eff > 0) & (a < 0)) | ((b_eff < 0) & (a > 0))
        has_target = np.isfinite(T)
        T_eff = np.where(T == 0, SDG_BUILD_ZERO_SUBSTITUTE, T)
        # sdg-build raises a negative number to a fractional power here and gets a complex number.
        target_opposite = has_target & (((T_eff > 0) & (b_eff < 0)) | ((T_eff < 0) & (b_eff > 0)))
        horizon = t1 - t0
        bad_horizon = has_target & ~(horizon > 0)
        ok = enough & ~opposite & ~target_opposite & ~bad_horizon
        cagr_o = np.where(ok, np.power(a / b_eff, 1.0 / span) - 1.0, np.nan)
        cagr_r = np.where(ok & has_target, np.power(T_eff / b_eff, 1.0 / horizon) - 1.0, np.nan)
        directed = sign * d * cagr_o
        ratio = np.where(has_target, directed / np.abs(cagr_r), directed)
        # T = b: no growth is required and R = ±inf, as in sdg-build (numpy division); 0/0 — no movement and
        # none required (only reachable with a strict comparator, ">" T = b) — reads as R = 0, limited progress.
        ratio = np.where(ok & has_target & (cagr_r == 0) & (directed == 0), 0.0, ratio)
        ratio = np.where(ok, ratio, np.nan)
    high = np.where(has_target, th.trend_substantial, th.no_target_substantial)
    med = np.where(has_target, th.trend_moderate, th.no_target_moderate)
    low = np.where(has_target, th.trend_limited, th.no_target_limited)
    status = _classify_trend(ratio, ok, achieved, high, med, low, th.boundary_epsilon)
    reason = _pick(
        [achieved, ~has_points, span < 0, ~enough, opposite, target_opposite, bad_horizon],
        ["", "no_data", "base_after_data", "single_point", "opposite_signs", "target_opposite_sign", "bad_horizon"],
        "",
    )
    return {"status": status, "ratio": ratio, "cagr_observed": cagr_o, "cagr_required": cagr_r, "reason": reason}


def _classify_trend(ratio, valid, achieved, high, med, low, eps) -> np.ndarray:
    """Thresholds → trend code; ``achieved`` wins over everything, as in sdg-build."""
    with np.errstate(invalid="ignore"):
        return _pick(
            [achieved, ~valid, ratio >= high - eps, ratio >= med - eps, ratio >= low - eps],
            ["target_achieved", "insufficient", "substantial", "moderate", "limited"],
            "deterioration",
        )


def _direction_scalar(direction) -> float:
    if isinstance(direction, str):
        key = direction.strip().lower()
        if key not in _DIRECTION_ALIASES:
            raise ValueError(f"direction must be 'up' or 'down', not {direction!r}")
        return _DIRECTION_ALIASES[key]
    return -1.0 if float(direction) < 0 else 1.0
