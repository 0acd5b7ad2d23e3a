"""A reporting round (填报任务): for a plan and a year, the values due from each unit, which have arrived, which
are missing and from whom.

A value is due for every quantitative target of the plan whose period covers the year: one per series (region,
indicator), whatever the number of targets on it. Its units are the targets' 牵头单位 and 责任单位 (a series without
named units is the planning office's own, NO_UNIT). A value has arrived when a value entered by a person counts for
that series and year (a plan's own text stating it does not count as a report), approved or waiting for review
(a returned value has not arrived: the unit sends it again); who entered it, and when, is kept.

A series of a unit below a region (an industry base: a region whose parent the plan also targets) is asked of that
unit too, so each base gets its own sheet beside the departments.
"""

from __future__ import annotations

import pandas as pd

from tracker.actuals.validate import QUALITATIVE_UNITS

NO_UNIT = ""            # the series of targets whose plan names no unit: the planning office collects them itself
DUE_COLUMNS = ["region", "indicator", "unit", "lead_units", "responsible_units", "region_unit", "received", "review_status", "value",
               "entered_by", "entered_at", "batch_id"]


def round_years(plan: pd.Series) -> list[int]:
    """The years a plan's values are reported for: after its base year up to its target year."""
    first = int(plan["base_year"]) + 1 if pd.notna(plan.get("base_year")) else int(plan["start_year"])
    return list(range(first, max(int(plan["target_year"]), first) + 1))


def values_due(targets: pd.DataFrame, indicators: pd.DataFrame, units: pd.DataFrame, current: pd.DataFrame,
               year: int, sub_units=()) -> pd.DataFrame:
    """One row per series due for year (targets: the plan's; current: Store.current_values()), with its units, whether
    it has arrived and the entry that counts: region, indicator, unit (of measure), lead_units and responsible_units
    (tuples of names), received, review_status (pending | approved, None when missing), value, entered_by, entered_at,
    batch_id; region_unit: the series' region when it is one of sub_units (a unit below a region, such as an
    industry base: its value is asked of the unit itself too), else "". Missing first, then in plan order."""
    unit_of = indicators.set_index("indicator")["unit"]
    own = targets[(targets["kind"] != "qualitative") & (targets["target_year"].fillna(year) >= year)].copy()
    own["unit"] = own["indicator"].map(unit_of)
    own = own[~own["unit"].isin(QUALITATIVE_UNITS)]
    if own.empty:
        return pd.DataFrame(columns=DUE_COLUMNS)
    named = units[units["target_id"].isin(own["target_id"])].merge(own[["target_id", "region", "indicator"]])
    names = {}
    for role in ("lead", "responsible"):
        rows = named[named["role"] == role].sort_values("seq", kind="stable")
        names[role] = rows.groupby(["region", "indicator"])["unit_name"].agg(lambda n: tuple(dict.fromkeys(n)))
    series = own.drop_duplicates(["region", "indicator"])[["region", "indicator", "unit"]].set_index(
        ["region", "indicator"])
    for role in ("lead", "responsible"):
        series[f"{role}_units"] = pd.Series([names[role].get(key, ()) for key in series.index], index=series.index,
                                            dtype=object)
    entered = current[(current["year"] == year) & (current["entered_by"].notna())
                      & (current["batch_id"] != "seed")].set_index(["region", "indicator"])
    series = series.join(entered[["value", "review_status", "entered_by", "entered_at", "batch_id"]], how="left")
    series["received"] = series["value"].notna()
    out = series.reset_index()
    wanted = set(sub_units)
    out["region_unit"] = out["region"].where(out["region"].isin(wanted), "")
    out["_order"] = range(len(out))
    return out.sort_values(["received", "_order"], kind="stable")[DUE_COLUMNS].reset_index(drop=True)


def units_of_row(row) -> tuple[str, ...]:
    """The units a due value is asked of: the unit below a region it is of (a base), its lead units and responsible
    units (NO_UNIT when it names none)."""
    base = (row.region_unit,) if getattr(row, "region_unit", "") else ()
    names = tuple(dict.fromkeys((*base, *row.lead_units, *row.responsible_units)))
    return names or (NO_UNIT,)


def by_unit(due: pd.DataFrame) -> pd.DataFrame:
    """Per unit: how many values are due from it (as lead or responsible), received and missing; the units with
    most missing first, the planning office's own last."""
    rows = [{"unit_name": name, "received": row.received} for row in due.itertuples() for name in units_of_row(row)]
    if not rows:
        return pd.DataFrame(columns=["unit_name", "due", "received", "missing"])
    frame = pd.DataFrame(rows)
    out = frame.groupby("unit_name", sort=False)["received"].agg(due="count", received="sum").reset_index()
    out["received"] = out["received"].astype(int)
    out["missing"] = out["due"] - out["received"]
    out["_own"] = out["unit_name"] == NO_UNIT
    return out.sort_values(["_own", "missing"], ascending=[True, False], kind="stable").drop(columns="_own") \
        .reset_index(drop=True)


def due_from(due: pd.DataFrame, unit_name: str) -> pd.DataFrame:
    """The values due from one unit (NO_UNIT: those of targets naming no unit)."""
    return due[[unit_name in units_of_row(row) for row in due.itertuples()]].reset_index(drop=True)


def unit_workbook(spec, due: pd.DataFrame, unit_name: str) -> bytes:
    """The long template of the round's plan and year (spec: tracker.actuals.excel.TemplateSpec) pre-filled with the
    series due from one unit: sent out, filled in, and taken back through the normal upload."""
    from dataclasses import replace

    from tracker.actuals.excel import long_template

    wanted = due_from(due, unit_name)[["region", "indicator"]]
    pairs = spec.pairs.merge(wanted, on=["region", "indicator"])
    who = unit_name or "规划办自行收集"
    return long_template(replace(spec, pairs=pairs, plan_title=f"{spec.plan_title} · {spec.year}年 · {who}"))


def round_zip(spec, due: pd.DataFrame) -> bytes:
    """Every unit's workbook of the round in one ZIP, a file per unit named after it."""
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in by_unit(due)["unit_name"]:
            archive.writestr(f"{spec.year}年-{name or '规划办自行收集'}.xlsx", unit_workbook(spec, due, name))
    return buffer.getvalue()
