"""Parent targets against the sum of their children (X区: 100 teams = 30 + 30 + 30 + 10)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from tracker.methodology.arrays import _NEAR


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
