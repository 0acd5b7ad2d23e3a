"""Values that are numbers but hardly the intended ones, and values that overwrite what a plan states.

A value twenty times or more off its reference — the value it replaces, else the same series' nearest other year
(in the file or the database), else, for a percentage, the indicator's usual level across regions — is an error
until the clerk confirms it: 0.0157 typed for R&D intensity 1.57 % is the typical case (an Excel percentage cell
read as a fraction). Replacing a figure stated in a plan text (the seed batch) needs its own confirmation, because
the plan's number is what the verdicts were first built on. Confirmed, both stay in the report as warnings.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from tracker.formatting import exact
from tracker.i18n.messages import PARAM_SEPARATOR as SEP

UNUSUAL_FACTOR = 20.0       # 3× is a jump worth a look (a warning); 20× and more is a slip of unit or decimal point
SEED_BATCH_ID = "seed"      # tracker.db.writes.SEED_BATCH_ID: the values the plan documents state
KEY = ["region", "indicator", "year"]


def unusual_values(rows: pd.DataFrame, current: pd.DataFrame, *, confirmed: bool) -> pd.DataFrame:
    """One problem per new or changed value beyond UNUSUAL_FACTOR of its reference (index: the rows' index)."""
    changing = rows[rows["change"].isin(["new", "changed"]) & (rows["value"] > 0)]
    if changing.empty:
        return _empty()
    reference = _references(changing, rows, current)
    ratio = changing["value"] / reference["reference"]
    far = reference["reference"].gt(0) & ((ratio > UNUSUAL_FACTOR) | (ratio < 1 / UNUSUAL_FACTOR))
    far = far.fillna(False).astype(bool)
    if not far.any():
        return _empty()
    sub, ref = changing[far], reference[far]
    factor = (sub["value"] / ref["reference"]).map(lambda r: f"{max(r, 1 / r):,.0f}")
    fraction = (sub["unit"] == "%") & (sub["value"] < 1) & (ref["reference"] >= 1)
    params = ("value=" + sub["value"].map(exact) + SEP + "unit=" + sub["unit"].fillna("")
              + SEP + "reference=" + ref["reference"].map(exact)
              + SEP + "year=" + ref["year"].astype("str").replace("<NA>", "") + SEP + "factor=" + factor
              + SEP + "percent=" + (sub["value"] * 100).map(exact).where(fraction, ""))
    return pd.DataFrame({
        "sheet": sub["sheet"], "row": sub["row"], "column": sub["column"], "cell": sub["cell"],
        "level": "warning" if confirmed else "error",
        "code": pd.Series(np.where(ref["year"].isna(), "unusual_scale", "unusual_value"), index=sub.index)
        + ("_confirmed" if confirmed else ""), "params": params,
    }, index=sub.index)


def stated_replacements(rows: pd.DataFrame, *, confirmed: bool) -> pd.DataFrame:
    """One problem per value that changes or withdraws a value stated in a plan text."""
    sub = rows[rows["change"].isin(["changed", "withdrawn"]) & (rows["old_batch_id"] == SEED_BATCH_ID)]
    if sub.empty:
        return _empty()
    params = "old=" + sub["old_value"].map(exact) + SEP + "unit=" + sub["unit"].fillna("")
    return pd.DataFrame({
        "sheet": sub["sheet"], "row": sub["row"], "column": sub["column"], "cell": sub["cell"],
        "level": "warning" if confirmed else "error",
        "code": "replaces_stated_confirmed" if confirmed else "replaces_stated", "params": params,
    }, index=sub.index)


def _references(changing: pd.DataFrame, rows: pd.DataFrame, current: pd.DataFrame) -> pd.DataFrame:
    """reference value and its year per changing row: the replaced value, the series' nearest other year, or (for
    a percentage, year NA) the indicator's median across the database."""
    out = pd.DataFrame({"reference": changing["old_value"].astype(float), "year": changing["year"].astype("Int64")},
                       index=changing.index)
    out.loc[~(out["reference"] > 0), ["reference", "year"]] = [np.nan, pd.NA]
    known = pd.concat([
        rows.loc[rows["value"].notna(), KEY + ["value"]],
        current.loc[current["value"].notna(), KEY + ["value"]],
    ]).drop_duplicates(KEY, keep="first")
    known = known[known["value"] > 0].assign(year=lambda k: k["year"].astype("int64")).sort_values("year")
    need = changing[out["reference"].isna()]
    if not need.empty and not known.empty:
        left = need[KEY].assign(year=need["year"].astype("int64"), _i=need.index).sort_values("year")
        right = known.rename(columns={"value": "near", "year": "near_year"}).assign(year=lambda k: k["near_year"])
        near = pd.merge_asof(left, right[["region", "indicator", "year", "near", "near_year"]], on="year",
                             by=["region", "indicator"], direction="nearest", allow_exact_matches=False)
        near = near.set_index("_i")
        out.loc[near.index, "reference"] = near["near"]
        out.loc[near.index, "year"] = near["near_year"].astype("Int64")
    need = changing[out["reference"].isna() & (changing["unit"] == "%")]
    if not need.empty:
        medians = current[current["value"] > 0].groupby("indicator")["value"].median()
        out.loc[need.index, "reference"] = need["indicator"].map(medians)
    return out


def _empty() -> pd.DataFrame:
    return pd.DataFrame(columns=["sheet", "row", "column", "cell", "level", "code", "params"])
