"""The targets frame as arrays with defaults resolved, and the actuals as a dense series × year grid."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from tracker.methodology.arrays import _isin, _lookup_codes, _num, _pick, _raw_text, _text
from tracker.methodology.path import DEFAULT_PATH
from tracker.methodology.thresholds import Thresholds
from tracker.methodology.trend import _DIRECTION_ALIASES

KINDS = (
    "level", "approx", "range", "floor_stretch", "growth", "doubling",
    "per_year", "cumulative", "coverage", "relative", "qualitative",
)  # fmt: skip


COMPARATORS = (">=", ">", "=", "<=", "<", "≈", "between")


_COMPARATOR_ALIASES = {"≥": ">=", "≤": "<=", "~": "≈", "≈≈": "≈", "approx": "≈", "range": "between", "==": "="}


@dataclass
class _Inputs:
    """The targets frame as numpy arrays, with defaults resolved (one entry per target)."""

    n: int
    frame: pd.DataFrame
    kind: np.ndarray
    comparator: np.ndarray
    d: np.ndarray
    basis: np.ndarray
    measure: np.ndarray
    path_geometric: np.ndarray
    T_raw: np.ndarray
    T_hi: np.ndarray
    stretch: np.ndarray
    tolerance: np.ndarray
    growth: np.ndarray
    multiple: np.ndarray
    margin: np.ndarray
    ref_region: np.ndarray
    ref_indicator: np.ndarray  # "" → the target's own indicator
    t1: np.ndarray
    t0_req: np.ndarray
    start: np.ndarray
    b_text: np.ndarray


def _resolve_inputs(targets: pd.DataFrame, th: Thresholds) -> _Inputs:
    df = targets.reset_index(drop=True)
    n = len(df)
    kind = _text(df, "kind", "level")
    d = _directions(df)
    comp = _text(df, "comparator", "", aliases=_COMPARATOR_ALIASES)
    default_comp = _pick([kind == "approx", kind == "range", d > 0], ["≈", "between", ">="], "<=")
    comp = np.where(_isin(comp, COMPARATORS), comp, default_comp)
    comp = np.where(_isin(kind, ("approx", "range")), default_comp, comp)  # the kind decides
    comp[(kind == "relative") & (comp == "≈")] = ">="

    basis = _text(df, "basis", "level")
    basis[~_isin(kind, ("level", "approx", "range", "coverage")) | ~_isin(basis, ("per_year", "cumulative"))] = "level"
    basis[kind == "per_year"] = "per_year"
    basis[kind == "cumulative"] = "cumulative"
    measure = _text(df, "measure", "level")

    # 序时进度 is time-proportional (时间过半、任务过半): linear unless the target is a growth rate (年均增长) or a
    # person chose the geometric path for the indicator.
    path = _text(df, "path_kind", DEFAULT_PATH)
    path_geo = (path == "geometric") | (kind == "growth")
    path_geo = np.where(_isin(kind, ("relative", "coverage")) | (basis != "level"), False, path_geo)

    tolerance = _num(df, "tolerance")
    tolerance = np.where(np.isfinite(tolerance), np.abs(tolerance), th.approx_tolerance)
    multiple = _num(df, "multiple")
    multiple = np.where(np.isfinite(multiple), multiple, 2.0)
    margin = _num(df, "relative_margin")
    margin = np.where(np.isfinite(margin), margin, 0.0)

    baseline_year = _num(df, "baseline_year")
    plan_base = _num(df, "plan_base_year")
    start_year = _num(df, "start_year")
    base_or_plan = np.where(np.isfinite(baseline_year), baseline_year, plan_base)
    start = np.where(np.isfinite(start_year), start_year, base_or_plan + 1)
    t0_req = np.where(
        basis != "level",
        start - 1,
        np.where(
            kind == "growth",
            np.where(
                np.isfinite(baseline_year),
                baseline_year,
                np.where(np.isfinite(start_year), start_year - 1, plan_base),
            ),
            base_or_plan,
        ),
    )
    b_text = _num(df, "baseline_value")
    # A cumulative count of additions starts from zero; a relative target is judged on own/reference, whose
    # baseline comes from both regions' actuals, never from one stated number.
    b_text = np.where((basis == "cumulative") & (measure == "increment"), 0.0, b_text)
    b_text = np.where(kind == "relative", np.nan, b_text)
    return _Inputs(
        n=n, frame=df, kind=kind, comparator=comp, d=d, basis=basis, measure=measure, path_geometric=path_geo,
        T_raw=_num(df, "target_value"), T_hi=_num(df, "target_value_hi"), stretch=_num(df, "stretch_value"),
        tolerance=tolerance, growth=_num(df, "growth_rate") / 100.0, multiple=multiple, margin=margin,
        ref_region=_raw_text(df, "relative_to_region"), ref_indicator=_raw_text(df, "relative_to_indicator"),
        t1=_num(df, "target_year"), t0_req=t0_req,
        start=start, b_text=b_text,
    )  # fmt: skip


def _directions(df: pd.DataFrame) -> np.ndarray:
    """+1 higher is better, −1 lower is better; numbers, "up"/"down" and missing (→ +1) are accepted."""
    if "direction" not in df.columns:
        return np.ones(len(df))
    raw = df["direction"]
    num = pd.to_numeric(raw, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    if not pd.api.types.is_numeric_dtype(raw):
        words = _text(df, "direction", "")
        mapped = np.array([_DIRECTION_ALIASES.get(w.lower(), np.nan) for w in pd.unique(words)])
        lookup = dict(zip(pd.unique(words), mapped, strict=True))
        num = np.where(np.isfinite(num), num, pd.Series(words, dtype=object).map(lookup).to_numpy(dtype=float))
    return np.where(num < 0, -1.0, 1.0)


@dataclass
class _Grid:
    """Actuals as a dense matrix: one row per (region, indicator), one column per year; a last all-NaN row."""

    years: np.ndarray
    values: np.ndarray
    own: np.ndarray  # row of each target's own series
    ref: np.ndarray  # row of each target's reference series (relative targets), else the NaN row
    latest_year: float  # the latest year with any actual (NaN without actuals)

    @classmethod
    def build(cls, actuals: pd.DataFrame | None, as_of: int | None, inp: _Inputs) -> _Grid:
        """Drop missing values and years after as_of; a duplicate (region, indicator, year) keeps its last row."""
        if actuals is None or len(actuals) == 0:
            actuals = pd.DataFrame({"region": [], "indicator": [], "year": [], "value": []})
        # Names are factorised where they lie (Arrow strings): converting a million of them to Python objects
        # would cost more than the whole methodology.
        r_codes, r_uni = pd.factorize(actuals["region"])
        i_codes, i_uni = pd.factorize(actuals["indicator"])
        year = pd.to_numeric(actuals["year"], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        value = pd.to_numeric(actuals["value"], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        keep = np.isfinite(year) & np.isfinite(value) & (r_codes >= 0) & (i_codes >= 0)
        if as_of is not None:
            keep &= year <= as_of
        r_codes, i_codes, year, value = r_codes[keep], i_codes[keep], year[keep], value[keep]
        if len(year):
            y_min, y_max = int(year.min()), int(year.max())
        else:
            y_min = y_max = 0
        years = np.arange(y_min, y_max + 1, dtype=float)
        n_i = max(len(i_uni), 1)
        s_codes, s_uni = pd.factorize(r_codes.astype(np.int64) * n_i + i_codes)
        n_s = len(s_uni)
        values = np.full((n_s + 1, len(years)), np.nan)
        if len(year):
            flat = s_codes.astype(np.int64) * len(years) + (year - y_min).astype(np.int64)
            if np.bincount(flat, minlength=values.size).max(initial=0) > 1:
                # The last row of a duplicate year wins (a store's current values have none: checked, not sorted).
                last = ~pd.Series(flat).duplicated(keep="last").to_numpy()
                flat, value = flat[last], value[last]
            values.ravel()[flat] = value

        indicator = _lookup_codes(inp.frame, "indicator", i_uni)

        def rows(region_col: str, indicator: np.ndarray) -> np.ndarray:
            r = _lookup_codes(inp.frame, region_col, r_uni)
            found = pd.Index(s_uni).get_indexer(np.where((r >= 0) & (indicator >= 0), r * n_i + indicator, -1))
            return np.where(found < 0, n_s, found)

        own = rows("region", indicator)
        relative = inp.kind == "relative"
        ref = np.full(inp.n, n_s)
        if relative.any():
            # The reference may be another indicator (国有企业研发强度 > 全市规上工业企业研发强度).
            named = pd.Index(i_uni).get_indexer(pd.Index(inp.ref_indicator).astype(object))
            ref_indicator = np.where(inp.ref_indicator != "", named, indicator)
            ref = np.where(relative, rows("relative_to_region", ref_indicator), n_s)
        latest = float(year.max()) if len(year) else np.nan
        return cls(years=years, values=values, own=own, ref=ref, latest_year=latest)
