"""Who delivers what: the 牵头单位/责任单位 of targets, the filter by unit on every page, and the 责任单位 view —
each unit's targets with their verdicts and 三色预警, the units furthest behind first."""

from __future__ import annotations

import pandas as pd

from tracker.methodology.verdicts import SEVERITY_ORDER, WARNING_LIGHTS, warning_light

LIGHTS = ("red", "yellow", "green", "none")


def unit_names(units: pd.DataFrame, target_ids=None) -> list[str]:
    """The units named for the given targets (all when None), in the order the texts first name them."""
    rows = units if target_ids is None else units[units["target_id"].isin(target_ids)]
    return pd.unique(rows.sort_values(["role", "seq"], kind="stable")["unit_name"]).tolist()


def targets_of(units: pd.DataFrame, names, role: str | None = None) -> set[str]:
    """The targets any of the named units leads or is responsible for (role: only as lead or responsible)."""
    rows = units[units["unit_name"].isin(list(names))]
    if role is not None:
        rows = rows[rows["role"] == role]
    return set(rows["target_id"])


def filter_by_units(table: pd.DataFrame, units: pd.DataFrame, names) -> pd.DataFrame:
    """The rows of a verdict (or target) table whose target one of the named units delivers; all when none named."""
    names = list(names)
    if not names:
        return table
    return table[table["target_id"].isin(targets_of(units, names))]


def with_units(table: pd.DataFrame, units: pd.DataFrame) -> pd.DataFrame:
    """table with lead_units and responsible_units: the names joined with 、 (empty where the plan names none)."""
    joined = (units.sort_values("seq", kind="stable").groupby(["target_id", "role"])["unit_name"]
              .agg("、".join).unstack("role"))
    out = table.copy()
    for role in ("lead", "responsible"):
        column = joined[role] if role in joined.columns else pd.Series(dtype=object)
        out[f"{role}_units"] = out["target_id"].map(column)
    return out


def unit_summary(table: pd.DataFrame, units: pd.DataFrame) -> pd.DataFrame:
    """One row per unit of the targets in table (a judged verdict table): its roles, how many targets, how many
    in each light, and the share red or yellow; the units with most red first, then most yellow."""
    rows = units[units["target_id"].isin(table["target_id"])].merge(
        table[["target_id", "schedule_status"]], on="target_id")
    if rows.empty:
        return pd.DataFrame(columns=["unit_name", "lead", "responsible", "total", *LIGHTS, "behind_share"])
    rows = rows.assign(light=rows["schedule_status"].map(warning_light))
    # A unit leading and responsible for one target counts it once.
    per_target = rows.drop_duplicates(["unit_name", "target_id"])
    counts = per_target.pivot_table(index="unit_name", columns="light", values="target_id", aggfunc="count",
                                    fill_value=0).reindex(columns=list(LIGHTS), fill_value=0)
    roles = rows.pivot_table(index="unit_name", columns="role", values="target_id", aggfunc="nunique",
                             fill_value=0).reindex(columns=["lead", "responsible"], fill_value=0)
    summary = roles.join(counts)
    summary["total"] = per_target.groupby("unit_name")["target_id"].nunique()
    judged = summary["total"] - summary["none"]
    summary["behind_share"] = ((summary["red"] + summary["yellow"]) / judged).where(judged > 0)
    order = pd.Series(pd.unique(rows.sort_values("seq", kind="stable")["unit_name"])).reset_index()
    summary = summary.join(order.set_index(0)["index"].rename("first_named"))
    summary = summary.sort_values(["red", "yellow", "behind_share", "first_named"],
                                  ascending=[False, False, False, True], na_position="last")
    return summary.reset_index()[["unit_name", "lead", "responsible", "total", *LIGHTS, "behind_share"]]


def unit_targets(table: pd.DataFrame, units: pd.DataFrame, name: str) -> pd.DataFrame:
    """The targets of one unit with its role in each and their light, the furthest behind first."""
    own = units[units["unit_name"] == name].groupby("target_id")["role"].agg(
        lambda roles: "lead" if "lead" in set(roles) else "responsible")
    rows = table[table["target_id"].isin(own.index)].copy()
    rows["unit_role"] = rows["target_id"].map(own)
    rows["light"] = rows["schedule_status"].map(warning_light)
    severity = {code: n for n, code in enumerate(SEVERITY_ORDER)}
    rows["_order"] = rows["schedule_status"].map(severity).fillna(len(severity))
    return rows.sort_values(["_order", "target_id"], kind="stable").drop(columns="_order").reset_index(drop=True)


__all__ = ["LIGHTS", "WARNING_LIGHTS", "filter_by_units", "targets_of", "unit_names", "unit_summary",
           "unit_targets", "with_units"]
