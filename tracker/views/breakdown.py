"""Targets decomposed over units below their region (X区's 协同创新团队: 100 for the district, 30+30+30+10 for its four
industry bases): each unit's target is judged on its own values; here the parent's own value is checked, year by
year, against the sum of its units' values.

A decomposition is a parent target whose children are targets on the same indicator in regions whose parent region
is the parent target's region (the catalogue's regions.yaml hierarchy). A split over indicators (X区's platforms:
national + municipal) is not one. Only additive indicators are summed: a percentage of four bases does not add up to
the district's.
"""

from __future__ import annotations

import pandas as pd

# Units whose values do not add up across units.
NOT_ADDITIVE_UNITS = frozenset({"%", "‰", "个百分点", "倍"})
# Relative tolerance of "equal": values are typed in with a few decimals.
TOLERANCE = 1e-6

COLUMNS = ["parent_target_id", "region", "indicator", "unit", "year", "parent_value", "children_sum", "reported",
           "children", "missing_units", "status"]


def region_parents(regions: pd.DataFrame) -> dict[str, str | None]:
    """region → its parent region (Store.regions())."""
    return dict(zip(regions["region"], regions["parent_region"], strict=True))


def units_below(region_parents: dict[str, str | None], regions) -> list[str]:
    """The regions whose parent is one of regions: the units below them (X区's bases, a city's districts)."""
    wanted = set(regions)
    return [name for name, parent in region_parents.items() if parent in wanted]


def decompositions(targets: pd.DataFrame, region_parents: dict[str, str | None]) -> pd.DataFrame:
    """parent_target_id, child target_id and child region of every decomposition over units in targets."""
    children = targets[targets["parent_target_id"].notna()]
    parents = targets.set_index("target_id")
    rows = []
    for child in children.itertuples():
        if child.parent_target_id not in parents.index:
            continue
        parent = parents.loc[child.parent_target_id]
        if (child.indicator == parent["indicator"] and region_parents.get(child.region) == parent["region"]
                and parent["unit"] not in NOT_ADDITIVE_UNITS and parent["kind"] != "qualitative"):
            rows.append({"parent_target_id": child.parent_target_id, "target_id": child.target_id,
                         "child_region": child.region})
    return pd.DataFrame(rows, columns=["parent_target_id", "target_id", "child_region"])


def sum_checks(targets: pd.DataFrame, actuals: pd.DataFrame, region_parents: dict[str, str | None],
               as_of: int | None = None) -> pd.DataFrame:
    """Per decomposed parent target and year with any value (of the parent or a unit), up to as_of and the target
    year: the parent's own value, the sum of its units' values, how many of them reported, which did not, and
    status — consistent (every unit reported, the sum equals the parent's value), mismatch (every unit reported, the
    sum differs), incomplete (a unit has not reported), no_parent_value (every unit reported, the parent has no
    value of its own: the sum is what it would be)."""
    pairs = decompositions(targets, region_parents)
    if pairs.empty:
        return pd.DataFrame(columns=COLUMNS)
    parents = targets.set_index("target_id")
    values = actuals.set_index(["region", "indicator", "year"])["value"]
    rows = []
    for parent_id, group in pairs.groupby("parent_target_id", sort=False):
        parent = parents.loc[parent_id]
        units = list(dict.fromkeys(group["child_region"]))
        regions = {parent["region"], *units}
        last = int(parent["target_year"]) if pd.notna(parent["target_year"]) else None
        if as_of is not None:
            last = min(last, as_of) if last is not None else as_of
        mine = actuals[(actuals["indicator"] == parent["indicator"]) & actuals["region"].isin(regions)]
        first = int(parent["start_year"]) if pd.notna(parent.get("start_year")) else None
        years = sorted(y for y in mine["year"].unique() if (last is None or y <= last) and (first is None or y >= first))
        for year in years:
            got = {u: values.get((u, parent["indicator"], year)) for u in units}
            reported = {u: v for u, v in got.items() if v is not None and pd.notna(v)}
            own = values.get((parent["region"], parent["indicator"], year))
            total = float(sum(reported.values())) if reported else None
            if len(reported) < len(units):
                status = "incomplete"
            elif own is None or pd.isna(own):
                status = "no_parent_value"
            elif abs(float(own) - total) <= TOLERANCE * max(1.0, abs(float(own))):
                status = "consistent"
            else:
                status = "mismatch"
            rows.append({
                "parent_target_id": parent_id, "region": parent["region"], "indicator": parent["indicator"],
                "unit": parent["unit"], "year": int(year),
                "parent_value": None if own is None or pd.isna(own) else float(own), "children_sum": total,
                "reported": len(reported), "children": len(units),
                "missing_units": tuple(u for u in units if u not in reported), "status": status,
            })
    return pd.DataFrame(rows, columns=COLUMNS)
