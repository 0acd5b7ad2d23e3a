"""The tables the dashboard pages show, with their headings in the reader's language: numbers stay numbers (so
that a column sorts), percentages are × 100 for the pages' "%.1f%%" columns, text cells use the one formatter."""

from __future__ import annotations

import pandas as pd

from tracker.formatting import number
from tracker.i18n import describe_target, t


def overview_table(table: pd.DataFrame, lang: str = "zh") -> pd.DataFrame:
    """The sortable table: numbers stay numbers so that sorting works; percentages × 100."""
    baseline = [None if pd.isna(r.baseline_value_used) else f"{number(r.baseline_value_used)} ({int(r.baseline_year_used)})"
                for r in table.itertuples()]
    return pd.DataFrame({
        t("col_indicator", lang): table["indicator"],
        t("col_target", lang): [describe_target(r, lang) for r in table.to_dict("records")],
        t("col_year", lang): table["target_year"],
        t("col_baseline", lang): baseline,
        t("col_latest", lang): table["latest_value"],
        t("col_year_actual", lang): table["latest_year"],
        t("col_target_completion", lang): table["target_completion"] * 100,
        t("col_increment_completion", lang): table["increment_completion"] * 100,
        t("col_schedule_ratio", lang): table["schedule_ratio"] * 100,
        t("col_schedule", lang): table["schedule_label"],
        t("col_trend", lang): table["trend_label"],
        t("col_unit", lang): table["unit"],
    })


def ranking_table(ranking: pd.DataFrame, lang: str = "zh") -> pd.DataFrame:
    """The comparison's ranking as the page shows it: numbers stay numbers; percentages × 100."""
    return pd.DataFrame({
        t("col_region", lang): ranking["region"],
        t("col_plan", lang): ranking["plan_name"],
        t("col_target", lang): [describe_target(r, lang) for r in ranking.to_dict("records")],
        t("col_year", lang): ranking["target_year"],
        t("col_target_value", lang): ranking["target_value_used"],
        t("col_latest", lang): ranking["latest_value"],
        t("col_year_actual", lang): ranking["latest_year"],
        t("col_target_completion", lang): ranking["target_completion"] * 100,
        t("col_schedule", lang): ranking["schedule_label"],
        t("col_trend", lang): ranking["trend_label"],
    })


def target_labels(targets: pd.DataFrame, lang: str = "zh") -> dict[str, str]:
    """The picker label of every target: '3. 研究与试验发展经费投入强度 · ≥ 2.5% · 2020'. Where one indicator has
    several targets in a region of the plan (X区's four bases, a milestone per year), the label adds what tells
    them apart: the last part of the section, then the target year, then the id."""
    rows = targets.to_dict("records")
    base = {r["target_id"]: (f"{r['number']}. {r['indicator']}" if "number" in r else r["indicator"]) for r in rows}
    key = {r["target_id"]: (r["region"], r["indicator"]) for r in rows}
    repeated = pd.Series(list(key.values())).value_counts()
    labels = {}
    for r in rows:
        parts = [base[r["target_id"]]]
        section = r.get("section")
        if repeated[key[r["target_id"]]] > 1 and isinstance(section, str) and section:
            parts.append(section.split(" / ")[-1])
        parts.append(describe_target(r, lang))
        if pd.notna(r.get("target_year")):
            parts.append(str(int(r["target_year"])))
        labels[r["target_id"]] = " · ".join(parts)
    counts = pd.Series(list(labels.values())).value_counts()
    return {tid: f"{label} · {tid}" if counts[label] > 1 else label for tid, label in labels.items()}
