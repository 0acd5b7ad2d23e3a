"""The methodology engine: schedule (序时进度), anticipated (趋势研判) and final (终期评估) verdicts of plan targets.

Pure functions over pandas/numpy; no I/O, no streamlit. docs/methodology.md gives every formula and decision.

    targets (one row per target) ─┐
    actuals (region, indicator,   ├─ verdict_table ─→ one row per target: resolved b, T, a; e, E_t, c, r,
             year, value)         │                   schedule_status, trend_status, projection, note
    statuses (qualitative)       ─┘

The work is vectorised: actuals become a dense matrix (series × years), each target gathers its row, and every
formula runs on whole columns. Notes are message codes with parameters (tracker.i18n renders them in a language).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from tracker.thresholds import DEFAULT_THRESHOLDS, Thresholds
from tracker.verdicts import SCHEDULE_LABELS, TREND_LABELS

KINDS = (
    "level", "approx", "range", "floor_stretch", "growth", "doubling",
    "per_year", "cumulative", "coverage", "relative", "qualitative",
)  # fmt: skip
COMPARATORS = (">=", ">", "=", "<=", "<", "≈", "between")
_COMPARATOR_ALIASES = {"≥": ">=", "≤": "<=", "~": "≈", "≈≈": "≈", "approx": "≈", "range": "between", "==": "="}
_DIRECTION_ALIASES = {"up": 1.0, "positive": 1.0, "+1": 1.0, "1": 1.0, "down": -1.0, "negative": -1.0, "-1": -1.0}

# sdg-build replaces a zero base value or target by this number (ProgressMeasure.py); kept for the same statuses.
SDG_BUILD_ZERO_SUBSTITUTE = 0.001
# The planned path of a target whose indicator names none (docs/methodology.md §3).
DEFAULT_PATH = "linear"
# Two numbers this close count as equal when a comparator is checked (sums of flows such as 0.1 + 0.2).
_NEAR = {"rtol": 1e-9, "atol": 1e-12}

OUTPUT_COLUMNS = (
    "target_id", "plan_id", "region", "indicator", "kind", "comparator", "direction", "unit",
    "as_of", "latest_year", "latest_value", "baseline_year_used", "baseline_value_used",
    "target_year", "target_value_used", "target_band_lo", "target_band_hi", "stretch_value", "path_used",
    "elapsed", "expected_value", "target_completion", "increment_completion", "schedule_ratio", "schedule_status",
    "schedule_label",
    "observed_cagr", "required_cagr", "trend_ratio", "trend_status", "trend_label",
    "projected_value", "projected_gap", "required_growth", "required_change",
    "stretch_met", "stretch_completion", "years_met", "years_with_data", "ref_value", "relative_ratio",
    "post_plan_year", "post_plan_value", "final", "note",
)  # fmt: skip
_YEAR_COLUMNS = (
    "as_of", "latest_year", "baseline_year_used", "target_year", "years_met", "years_with_data", "post_plan_year",
)  # fmt: skip


# ─────────────────────────────────────────────────────────────────── the planned path ──


def expected_on_path(b, T, elapsed, *, geometric: bool):
    """E_t on the planned path: b·(T/b)^e when geometric (and b, T > 0), else b + e·(T − b); scalars or arrays."""
    b, T, elapsed, geometric = (np.asarray(v) for v in (b, T, elapsed, geometric))
    with np.errstate(all="ignore"):
        geo = geometric & (b > 0) & (T > 0)
        result = np.where(geo, b * np.power(T / b, elapsed), b + elapsed * (T - b))
    return float(result) if result.ndim == 0 else result


# ─────────────────────────────────────────── anticipated verdict (sdg-build ProgressMeasure) ──


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


def _pick(conditions, choices, default) -> np.ndarray:
    """np.select for strings, straight into an object array (np.select would build fixed-width unicode first)."""
    labels = np.array([*choices, default], dtype=object)
    return labels[np.select(conditions, np.arange(len(choices)), len(choices))]


# ─────────────────────────────────────────────────────────────────── the verdict table ──


def verdict_table(
    targets: pd.DataFrame,
    actuals: pd.DataFrame,
    *,
    as_of: int | None = None,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
    statuses: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One row per target (same order): resolved baseline and target, both verdicts, projection and a note.

    as_of: ignore actuals after this year; None → the latest year with any actual.
    """
    inp = _resolve_inputs(targets, thresholds)
    if as_of is not None and statuses is not None and "set_at" in statuses.columns:
        # An assessment made after the as-of year was not known then.
        statuses = statuses[pd.to_datetime(statuses["set_at"]).dt.year <= as_of]
    grid = _Grid.build(actuals, as_of, inp)
    as_of_used = float(as_of) if as_of is not None else grid.latest_year
    out = _empty_output(inp, as_of_used)
    notes = _Notes(inp.n)
    unknown = ~_isin(inp.kind, KINDS)
    notes.add(unknown, "unknown_kind")

    cap = np.where(np.isfinite(inp.t1), np.fmin(as_of_used, inp.t1), as_of_used)
    qual = inp.kind == "qualitative"
    per_year = ~qual & (inp.basis == "per_year")
    level = ~qual & ~per_year
    if level.any():
        _evaluate_levels(np.flatnonzero(level), inp, grid, cap, as_of_used, out, notes, thresholds)
    if per_year.any():
        _evaluate_per_year(np.flatnonzero(per_year), inp, grid, cap, as_of_used, out, notes, thresholds)
    if qual.any():
        _evaluate_qualitative(np.flatnonzero(qual), inp, statuses, as_of_used, out, notes)
    out["note"] = notes.values
    return _assemble(out)


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


def _text(df: pd.DataFrame, col: str, default: str, aliases: dict[str, str] | None = None) -> np.ndarray:
    """A short code column (kind, basis …) as stripped strings; missing → default. Factorised: few distinct values."""
    if col not in df.columns:
        return np.full(len(df), default, dtype=object)
    codes, uniques = pd.factorize(df[col])
    labels = [str(u).strip() for u in uniques]
    if aliases:
        labels = [aliases.get(label, label) for label in labels]
    labels = np.array([*labels, default], dtype=object)
    return labels[codes]  # code −1 (missing) picks the default at the end


def _raw_text(df: pd.DataFrame, col: str) -> np.ndarray:
    """A name column as given (names are matched exactly, as the gateway stores them); missing → ""."""
    if col not in df.columns:
        return np.full(len(df), "", dtype=object)
    codes, uniques = pd.factorize(df[col])
    return np.array([*uniques, ""], dtype=object)[codes]


def _lookup_codes(df: pd.DataFrame, col: str, uniques: pd.Index) -> np.ndarray:
    """Position of each row's name in ``uniques`` (−1 when absent); looked up once per distinct name."""
    if col not in df.columns:
        return np.full(len(df), -1, dtype=np.int64)
    codes, names = pd.factorize(df[col])
    found = (
        pd.Index(uniques).get_indexer(pd.Index(names).astype(object)) if len(names) else np.array([], dtype=np.int64)
    )
    return np.append(found, -1).astype(np.int64)[codes]


def _isin(arr: np.ndarray, values) -> np.ndarray:
    """np.isin for arrays of strings, by hashing (np.isin sorts Python objects, which is slow)."""
    return pd.Series(arr, dtype=object).isin(list(values)).to_numpy()


def _num(df: pd.DataFrame, col: str) -> np.ndarray:
    if col not in df.columns:
        return np.full(len(df), np.nan)
    return pd.to_numeric(df[col], errors="coerce").to_numpy(dtype=float, na_value=np.nan)


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


def _direction_scalar(direction) -> float:
    if isinstance(direction, str):
        key = direction.strip().lower()
        if key not in _DIRECTION_ALIASES:
            raise ValueError(f"direction must be 'up' or 'down', not {direction!r}")
        return _DIRECTION_ALIASES[key]
    return -1.0 if float(direction) < 0 else 1.0


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
            last = ~pd.Series(flat).duplicated(keep="last").to_numpy()  # the last row of a duplicate year wins
            values.ravel()[flat[last]] = value[last]

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


class _Notes:
    """Explanations as message codes with parameters, several per row; rendered in a language by
    tracker.i18n.render_notes (the engine writes no prose of its own).

    Encoding: notes are separated by NOTE_SEPARATOR, a note's code and its ``key=value`` parameters by
    PARAM_SEPARATOR — control characters that never occur in names, years or a person's note.
    """

    def __init__(self, n: int):
        self.values = np.full(n, "", dtype=object)

    def add(self, mask: np.ndarray, code: str, idx: np.ndarray | None = None, **params) -> None:
        """Append note ``code`` where ``mask`` holds; ``idx`` maps mask positions to output rows.

        A parameter is a string, a numeric array (shown as whole numbers: years, counts) or an array of strings;
        arrays are aligned with ``mask`` and only the selected entries are formatted.
        """
        sel = np.flatnonzero(mask)
        if len(sel) == 0:
            return
        text = np.full(len(sel), code, dtype=object)
        for key, value in params.items():
            if isinstance(value, str):
                part = _clean(value)
            elif value.dtype.kind in "fiu":
                part = _years_str(value[sel])
            else:
                part = pd.Series(value[sel], dtype=object).astype(str).map(_clean).to_numpy(dtype=object)
            text = text + f"{PARAM_SEPARATOR}{key}=" + part
        rows = sel if idx is None else idx[sel]
        cur = self.values[rows]
        sep = np.where(cur == "", "", NOTE_SEPARATOR).astype(object)
        self.values[rows] = cur + sep + text


NOTE_SEPARATOR = "\x1e"
PARAM_SEPARATOR = "\x1f"


def _clean(text: str) -> str:
    """A parameter without the separators (a person's note may contain anything)."""
    return text.replace(NOTE_SEPARATOR, " ").replace(PARAM_SEPARATOR, " ")


def _years_str(arr: np.ndarray) -> np.ndarray:
    """Years as text ("2016"), "?" where missing; vectorised."""
    out = np.full(len(arr), "?", dtype=object)
    ok = np.isfinite(arr)
    out[ok] = arr[ok].astype(np.int64).astype(str).astype(object)
    return out


def _empty_output(inp: _Inputs, as_of_used: float) -> dict[str, np.ndarray]:
    n = inp.n
    f = inp.frame
    out: dict[str, np.ndarray] = {col: np.full(n, np.nan) for col in OUTPUT_COLUMNS}
    for col in ("target_id", "plan_id", "region", "indicator", "unit"):
        out[col] = f[col] if col in f.columns else np.full(n, None, dtype=object)  # passed through untouched
    out["kind"] = inp.kind
    out["comparator"] = inp.comparator.copy()
    out["comparator"][inp.kind == "qualitative"] = None
    out["direction"] = inp.d.astype(np.int64)
    out["as_of"] = np.full(n, as_of_used)
    out["target_year"] = inp.t1
    out["stretch_value"] = np.where(inp.kind == "floor_stretch", inp.stretch, np.nan)
    out["path_used"] = np.full(n, None, dtype=object)
    out["schedule_status"] = np.full(n, "no_data", dtype=object)
    out["trend_status"] = np.full(n, "insufficient", dtype=object)
    out["stretch_met"] = np.full(n, None, dtype=object)
    out["final"] = np.zeros(n, dtype=bool)
    return out


def _meets(x, comp, T, lo, hi, d) -> np.ndarray:
    """Whether x satisfies the target's comparator; x is one value per target or a (targets × years) matrix.

    ≈ and between are bands [lo, hi]; beyond the band on the good side still counts (above hi when higher is
    better), as the GUIDE rules for ranges.
    """
    if x.ndim == 2:
        comp, T, lo, hi, d = (v[:, None] for v in (comp, T, lo, hi, d))
    with np.errstate(invalid="ignore"):
        near = np.isclose(x, T, **_NEAR)
        above, below = (x > T) & ~near, (x < T) & ~near
        band_up = (x > lo) | np.isclose(x, lo, **_NEAR)
        band_down = (x < hi) | np.isclose(x, hi, **_NEAR)
        band = np.where(d > 0, band_up, band_down)
    result = np.select(
        [comp == ">=", comp == ">", comp == "=", comp == "<=", comp == "<", (comp == "≈") | (comp == "between")],
        [above | near, above, near, below | near, below, band],
        False,
    )
    return result & ~np.isnan(x)


def _gather(grid: _Grid, rows: np.ndarray) -> np.ndarray:
    return grid.values[rows]


def _first_last(present: np.ndarray):
    """(has any, first year index, last year index) of each row's True cells."""
    has = present.any(axis=1)
    first = present.argmax(axis=1)
    last = present.shape[1] - 1 - present[:, ::-1].argmax(axis=1)
    return has, first, last


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

    own = _gather(grid, grid.own[idx])
    series = own.copy()
    rel = kind == "relative"
    ref = _gather(grid, grid.ref[idx]) if rel.any() else np.full_like(own, np.nan)
    if rel.any():
        with np.errstate(all="ignore"):
            series[rel] = np.where(ref[rel] > 0, own[rel] / ref[rel], np.nan)
    cum_inc = (basis == "cumulative") & (measure == "increment")
    if cum_inc.any():
        flows = own[cum_inc]
        covered = (inp.start[idx][cum_inc][:, None] <= Y) & ~np.isnan(flows)
        sums = np.cumsum(np.where(covered, flows, 0.0), axis=1)
        series[cum_inc] = np.where(covered, sums, np.nan)

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
        schedule = _pick(
            [
                T_cause == "no_baseline",
                T_cause == "invalid_baseline",
                T_cause == "no_target",
                ended & has_final_value & stretch_met,
                ended & has_final_value & achieved,
                ended & has_final_value,
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
                "no_baseline", "invalid_baseline", "no_target", "completed_stretch", "completed", "not_completed",
                "pending_evaluation", "no_data", "no_baseline", "achieved", "no_data", "regressing", "on_track",
                "on_track", "lagging",
            ],
            "severely_lagging",
        )  # fmt: skip
    pending = ended & ~has_final_value & (T_cause == "")
    notes.add(pending & has_a, "target_year_missing_latest", idx=idx, year=t1, latest=t)
    notes.add(pending & ~has_a, "target_year_missing", idx=idx, year=t1)

    # The two completion readings, on the value that is judged: the target year's once the plan has ended.
    judged = np.where(ended, has_final_value, moved)
    increment, of_target = _completions(kind, cumulative, d, a, b, T, judged, trend["cagr_observed"],
                                        inp.growth[idx])

    # Projection to t1 at the observed CAGR — the growth the trend verdict is judged on, so that the verdict and
    # the projection tell one story — or the average yearly change for sums and non-positive values.
    with np.errstate(all="ignore"):
        span = t - t0
        remaining = t1 - t
        moving = moved & ~ended
        at_cagr = (b > 0) & (a > 0) & ~cumulative
        projected = np.where(at_cagr, a * np.power(a / b, remaining / span), a + (a - b) / span * remaining)
        projected = np.where(moving, projected, np.nan)
        projected = np.where(kind == "coverage", np.minimum(projected, T), projected)  # nothing covers more than all
        future = after_base & (remaining > 0) & ~ended & ~achieved  # nothing is required of a met target
        required_growth = np.where(
            future & (a > 0) & (T > 0) & ~cumulative, np.power(T / a, 1.0 / remaining) - 1.0, np.nan
        )
        required_change = np.where(future, (T - a) / remaining, np.nan)

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
        notes.add(rel & other, "relative_ratio_other", idx=idx, region=inp.ref_region[idx],
                  indicator=inp.ref_indicator[idx])
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
        of_target = np.where(kind == "growth", np.where(judged & (growth > 0), cagr_observed / growth, np.nan),
                             of_target)
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
        T = np.where(growth, np.where(b > 0, b * np.power(1.0 + g, t1 - t0), np.nan), T)
        cause = np.where(growth & ~np.isfinite(g), "no_target", cause)

        doubling = (kind == "doubling") & ~np.isfinite(T_raw)
        T = np.where(doubling, np.where(b > 0, inp.multiple[idx] * b, np.nan), T)

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


def _evaluate_qualitative(idx, inp: _Inputs, statuses, as_of_used, out, notes: _Notes):
    """Qualitative targets: the status a person set (with their note); none set → awaiting assessment."""
    ids = inp.frame["target_id"].to_numpy(dtype=object)[idx] if "target_id" in inp.frame.columns else None
    status = np.full(len(idx), "qualitative", dtype=object)
    if statuses is not None and len(statuses) and ids is not None:
        if "set_at" in statuses.columns:
            statuses = statuses.sort_values("set_at", kind="stable")
        st = statuses.drop_duplicates("target_id", keep="last").set_index("target_id")
        found = pd.Series(ids).map(st["status"]).to_numpy(dtype=object)
        has = pd.notna(found)
        status = np.where(has, found, status).astype(object)
        for col, code in (("note", "assessment_note"), ("set_by", "assessed_by")):
            if col in st.columns:
                text = pd.Series(ids).map(st[col]).to_numpy(dtype=object)
                ok = pd.notna(text) & (pd.Series(text).astype(str).str.strip() != "").to_numpy()
                notes.add(ok, code, idx=idx, text=text)
    out["schedule_status"][idx] = status
    done = _isin(status, ("achieved", "completed"))
    out["trend_status"][idx] = _pick([done], ["target_achieved"], "insufficient")
    with np.errstate(invalid="ignore"):
        ended = np.isfinite(inp.t1[idx]) & (as_of_used > inp.t1[idx])
    out["final"][idx] = ended | _isin(status, ("completed", "not_completed"))
    notes.add(status == "qualitative", "qualitative_unassessed", idx=idx)


def _assemble(out: dict[str, np.ndarray]) -> pd.DataFrame:
    zh_s = {k: v[0] for k, v in SCHEDULE_LABELS.items()}
    zh_t = {k: v[0] for k, v in TREND_LABELS.items()}
    out["schedule_label"] = _map_codes(out["schedule_status"], zh_s)
    out["trend_label"] = _map_codes(out["trend_status"], zh_t)
    frame = {}
    for col in OUTPUT_COLUMNS:
        v = out[col]
        if col in _YEAR_COLUMNS:
            frame[col] = pd.array(np.where(np.isfinite(v), v, np.nan), dtype="Int64")
        elif col == "stretch_met":
            frame[col] = pd.array(v, dtype="boolean")
        elif isinstance(v, np.ndarray) and v.dtype == object:
            frame[col] = pd.Series(v, dtype=object)  # no inference into Arrow strings: 100k rows, ~10 columns
        else:
            frame[col] = v
    return pd.DataFrame(frame)


def _map_codes(codes: np.ndarray, labels: dict[str, str]) -> np.ndarray:
    """Codes → labels; an unknown code (a status typed by a person) stays as it is."""
    keys, uniques = pd.factorize(pd.Series(codes, dtype=object))
    mapped = np.array([labels.get(u, u) for u in uniques] + [None], dtype=object)
    return mapped[keys]


# ─────────────────────────────────────────────────────────── decomposed targets ──


def check_decomposition(targets: pd.DataFrame, verdicts: pd.DataFrame | None = None) -> pd.DataFrame:
    """Parent targets against the sum of their children (X区: 100 teams = 30 + 30 + 30 + 10).

    The parent column is ``parent_target_id`` (the database's name), ``parent_id`` or ``parent``. One row per
    parent with the target sums and, when ``verdicts`` (verdict_table's output) is given, the latest values' sums.
    """
    cols = ["parent_id", "parent_target", "children_target_sum", "n_children", "target_difference", "target_check"]
    parent_col = next((c for c in ("parent_target_id", "parent_id", "parent") if c in targets.columns), None)
    if parent_col is None:
        return pd.DataFrame(columns=cols)
    t = targets.assign(_tv=pd.to_numeric(targets["target_value"], errors="coerce"))
    children = t[t[parent_col].notna() & (t[parent_col].astype(str) != "")]
    if children.empty:
        return pd.DataFrame(columns=cols)
    sums = children.groupby(parent_col).agg(children_target_sum=("_tv", "sum"), n_children=("_tv", "size"))
    parents = t.set_index("target_id")["_tv"]
    res = sums.reset_index().rename(columns={parent_col: "parent_id"})
    res["parent_target"] = res["parent_id"].map(parents)
    res["target_difference"] = res["children_target_sum"] - res["parent_target"]
    near = np.isclose(res["children_target_sum"], res["parent_target"], **_NEAR)
    res["target_check"] = np.where(
        res["parent_target"].isna(),
        "no_parent",
        np.where(near, "equal", np.where(res["target_difference"] > 0, "exceeds", "short")),
    )
    if verdicts is not None:
        latest = verdicts.set_index("target_id")["latest_value"]
        kids = children.assign(_lv=children["target_id"].map(latest))
        lsum = kids.groupby(parent_col)["_lv"].sum(min_count=1)
        res["children_latest_sum"] = res["parent_id"].map(lsum)
        res["parent_latest"] = res["parent_id"].map(latest)
        cols = cols + ["parent_latest", "children_latest_sum"]
    return res[cols]
