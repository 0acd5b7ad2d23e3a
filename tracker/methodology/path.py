"""The planned path (序时进度): linear by default, geometric for growth targets; targets derived from a baseline."""

from __future__ import annotations

import numpy as np

# The planned path of a target whose indicator names none (docs/methodology.md §3).
DEFAULT_PATH = "linear"


def expected_on_path(b, T, elapsed, *, geometric: bool):
    """E_t on the planned path: b·(T/b)^e when geometric (and b, T > 0), else b + e·(T − b); scalars or arrays."""
    b, T, elapsed, geometric = (np.asarray(v) for v in (b, T, elapsed, geometric))
    with np.errstate(all="ignore"):
        geo = geometric & (b > 0) & (T > 0)
        result = np.where(geo, b * np.power(T / b, elapsed), b + elapsed * (T - b))
    return float(result) if result.ndim == 0 else result


def derived_target_value(kind, baseline, *, multiple, growth, years):
    """The target a text fixes through its baseline: 翻番 multiple × b; 年均增长 b·(1 + g)^years (g a fraction).

    Scalars or arrays; NaN where the baseline is missing or not positive, and for every other kind. The ETL (for
    the catalogue's stated target values) and the engine (for baselines from actuals) both use this one rule.
    """
    kind, b, multiple, growth, years = (np.asarray(v) for v in (kind, baseline, multiple, growth, years))
    with np.errstate(all="ignore"):
        b = b.astype(float)
        value = np.where(
            kind == "doubling", multiple * b, np.where(kind == "growth", b * np.power(1.0 + growth, years), np.nan)
        )
        value = np.where(b > 0, value, np.nan)
    return float(value) if value.ndim == 0 else value
