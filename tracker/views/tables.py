"""The tables the dashboard pages show, with their headings in the reader's language. Numbers stay numbers, so
that a column sorts by value; what the cell shows comes from the one formatter (3,584, 84.4%, — for none)."""

from __future__ import annotations

import pandas as pd
from pandas.io.formats.style import Styler

from tracker.formatting import MISSING, is_missing, number, percent
from tracker.i18n import describe_target, t
from tracker.methodology.verdicts import BEHIND_STATUSES, schedule_label


def overview_table(table: pd.DataFrame, lang: str = "zh", *, with_region: bool = False) -> Styler:
    """The overview's verdict table, one row per target in the given order (with_region: a plan of several
    regions names each row's region after the indicator)."""
    baseline = [None if pd.isna(r.baseline_value_used) else f"{number(r.baseline_value_used)} ({int(r.baseline_year_used)})"
                for r in table.itertuples()]
    # The verdicts right after the target: on a 1366-pixel laptop they must be on screen without scrolling.
    frame = pd.DataFrame({
        t("col_indicator", lang): table["indicator"],
        **({t("col_region", lang): table["region"]} if with_region else {}),
        t("col_target", lang): [describe_target(r, lang) for r in table.to_dict("records")],
        t("col_schedule", lang): table["schedule_label"],
        t("col_trend", lang): table["trend_label"],
        t("col_latest", lang): table["latest_value"],
        t("col_year_actual", lang): table["latest_year"],
        t("col_target_completion", lang): table["target_completion"],
        t("col_increment_completion", lang): table["increment_completion"],
        t("col_schedule_ratio", lang): table["schedule_ratio"],
        t("col_baseline", lang): baseline,
        t("col_year", lang): table["target_year"],
        t("col_unit", lang): table["unit"],
        t("col_section", lang): table["section"].map(lambda s: " · ".join(section_parts(s))),
    })
    return _shown(frame, lang, years=("col_year", "col_year_actual"), numbers=("col_latest",),
                  percents=("col_target_completion", "col_increment_completion", "col_schedule_ratio"))


def ranking_table(ranking: pd.DataFrame, lang: str = "zh") -> Styler:
    """The comparison's ranking as the page shows it."""
    frame = pd.DataFrame({
        t("col_rank", lang): ranking["rank"],
        t("col_region", lang): ranking["region"],
        t("col_plan", lang): ranking["plan_name"],
        t("col_target", lang): [describe_target(r, lang) for r in ranking.to_dict("records")],
        t("col_year", lang): ranking["target_year"],
        t("col_target_value", lang): ranking["target_value_used"],
        t("col_latest", lang): ranking["latest_value"],
        t("col_year_actual", lang): ranking["latest_year"],
        t("col_target_completion", lang): ranking["target_completion"],
        t("col_schedule", lang): ranking["schedule_label"],
        t("col_trend", lang): ranking["trend_label"],
    })
    return _shown(frame, lang, years=("col_rank", "col_year", "col_year_actual"),
                  numbers=("col_target_value", "col_latest"),
                  percents=("col_target_completion",))


def every_plan_table(story, plan: pd.Series, lang: str = "zh") -> pd.DataFrame:
    """The target's region and indicator in this plan and every other one, by target year (story.other_plans)."""
    own = pd.DataFrame([{
        "plan_name": f"{plan['short_name'] or plan['title']}{t('this_plan', lang)}",
        "period": f"{int(plan['start_year'])}–{int(plan['target_year'])}",
        "target_year": story.target_year, "target": describe_target(story.target, lang),
        "schedule_label": story.verdict["schedule_label"],
    }])
    rows = pd.concat([own, story.other_plans.drop(columns=["plan_id", "target_id", "value"])], ignore_index=True)
    rows = rows.sort_values("target_year", kind="stable")
    return pd.DataFrame({
        t("col_plan", lang): rows["plan_name"], t("col_period", lang): rows["period"],
        t("col_year", lang): rows["target_year"].astype(int), t("col_target", lang): rows["target"],
        t("col_schedule", lang): rows["schedule_label"],
    })


def _shown(frame: pd.DataFrame, lang: str, *, years=(), numbers=(), percents=()) -> Styler:
    """frame with the display of each number column set, and — for every empty cell (never "None")."""
    def year(value) -> str:
        return MISSING if is_missing(value) else str(int(value))

    formats = {**{t(k, lang): year for k in years}, **{t(k, lang): number for k in numbers},
               **{t(k, lang): percent for k in percents}}
    return frame.style.format(formats, na_rep=MISSING).format(na_rep=MISSING, subset=[
        c for c in frame.columns if c not in formats])


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


# Verdicts an official looks for first when asking "what lags" (mid-course and final).
BEHIND = BEHIND_STATUSES   # not 待评估: unknown is not behind


def section_parts(section) -> list[str]:
    """'第六章 … / 一、… / 专栏17 高校创新能力提升 / 4.…' → its chapter and any 专栏 on its path: what the plan's
    reader names a part by."""
    if not isinstance(section, str) or not section:
        return []
    parts = [p.strip() for p in section.split(" / ")]
    return list(dict.fromkeys([parts[0], *(p for p in parts[1:] if p.startswith("专栏"))]))


def section_options(targets: pd.DataFrame) -> list[str]:
    """The chapters and 专栏 of a plan's targets, in document order."""
    return list(dict.fromkeys(part for s in pd.unique(targets["section"]) for part in section_parts(s)))


def filter_verdicts(table: pd.DataFrame, *, sections=(), statuses=(), regions=(), indicators=()) -> pd.DataFrame:
    """The rows in any of the chosen sections, statuses, regions and indicators (an empty choice keeps every
    row)."""
    keep = pd.Series(True, index=table.index)
    if sections:
        wanted = set(sections)
        chosen = {s: bool(wanted & set(section_parts(s))) for s in pd.unique(table["section"])}
        keep &= table["section"].map(chosen).fillna(False).astype(bool)
    if statuses:
        keep &= table["schedule_status"].isin(list(statuses))
    if regions:
        keep &= table["region"].isin(list(regions))
    if indicators:
        keep &= table["indicator"].isin(list(indicators))
    return table[keep]


def group_table(groups: pd.DataFrame, column: str, lang: str = "zh") -> pd.DataFrame:
    """service.by_group as the overview shows it: the region (or indicator), the share behind, then a count per
    verdict under its label."""
    verdicts = [c for c in groups.columns if c not in (column, "total", "behind", "behind_share")]
    return pd.DataFrame({
        t("col_region" if column == "region" else "col_indicator", lang): groups[column],
        t("col_targets", lang): groups["total"],
        t("col_behind", lang): groups["behind"],
        t("col_behind_share", lang): groups["behind_share"],
        **{schedule_label(code, lang): groups[code] for code in verdicts},
    })
