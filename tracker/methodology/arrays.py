"""Small vectorised helpers the engine shares: code columns, lookups, comparator checks."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from tracker.methodology.inputs import _Grid

# Two numbers this close count as equal when a comparator is checked (sums of flows such as 0.1 + 0.2).
_NEAR = {"rtol": 1e-9, "atol": 1e-12}


def _pick(conditions, choices, default) -> np.ndarray:
    """np.select for strings, straight into an object array (np.select would build fixed-width unicode first)."""
    labels = np.array([*choices, default], dtype=object)
    return labels[np.select(conditions, np.arange(len(choices)), len(choices))]


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


def _years_str(arr: np.ndarray) -> np.ndarray:
    """Years as text ("2016"), "?" where missing; vectorised."""
    out = np.full(len(arr), "?", dtype=object)
    ok = np.isfinite(arr)
    out[ok] = arr[ok].astype(np.int64).astype(str).astype(object)
    return out
