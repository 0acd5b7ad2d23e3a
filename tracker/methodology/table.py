"""The verdict table: one row per target, every kind judged by its own module, assembled in fixed columns."""

from __future__ import annotations

import numpy as np
import pandas as pd

from tracker.methodology.arrays import _isin
from tracker.methodology.flows import _evaluate_per_year
from tracker.methodology.inputs import KINDS, _Grid, _Inputs, _resolve_inputs
from tracker.methodology.levels import _evaluate_levels
from tracker.methodology.notes import _Notes
from tracker.methodology.qualitative import _evaluate_qualitative
from tracker.methodology.thresholds import DEFAULT_THRESHOLDS, Thresholds
from tracker.methodology.verdicts import SCHEDULE_LABELS, TREND_LABELS

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


def verdict_table(
    targets: pd.DataFrame,
    actuals: pd.DataFrame,
    *,
    as_of: int | None = None,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
    statuses: pd.DataFrame | None = None,
    latest_year: int | None = None,
) -> pd.DataFrame:
    """One row per target (same order): resolved baseline and target, both verdicts, projection and a note.

    as_of: ignore actuals after this year; None → the latest year with any actual. latest_year: that year, when
    actuals hold only the series these targets read (so that "latest data" means the same year for one target
    as for the whole plan).
    """
    inp = _resolve_inputs(targets, thresholds)
    if as_of is not None and statuses is not None and "set_at" in statuses.columns:
        # An assessment made after the as-of year was not known then.
        statuses = statuses[pd.to_datetime(statuses["set_at"]).dt.year <= as_of]
    grid = _Grid.build(actuals, as_of, inp)
    as_of_used = float(as_of) if as_of is not None else float(latest_year) if latest_year is not None \
        else grid.latest_year
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
