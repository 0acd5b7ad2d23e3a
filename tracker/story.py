"""The story of one target for the indicator page: what the chart draws and the verdicts in plain words."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd

from tracker import progress
from tracker.i18n import describe_target
from tracker.service import verdicts_for
from tracker.store import Store
from tracker.thresholds import Thresholds


@dataclass(frozen=True)
class IndicatorStory:
    target: dict                      # the target row (targets_full)
    verdict: dict                     # its row of the verdict table
    indicator: str
    unit: str
    target_year: int
    actuals: pd.DataFrame             # year, value, is_provisional, hover (revisions)
    path: pd.DataFrame                # year, value: the planned path from baseline to target
    targets: pd.DataFrame             # year, value, label: the target and its milestones
    baseline: tuple[int, float] | None
    band: tuple[float, float, str] | None
    projection: pd.DataFrame | None   # year, value: from the latest value to the target year
    gap_text: str
    explanation: list[str] = field(default_factory=list)
    quotes: pd.DataFrame | None = None
    history: pd.DataFrame | None = None


def _fmt(value, unit: str = "") -> str:
    """2 decimals for small numbers, none from 1,000 up (3,584家, not 3,583.95家)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    text = f"{value:,.2f}".rstrip("0").rstrip(".") if abs(value) < 1e3 else f"{value:,.0f}"
    return f"{text}{unit}" if unit else text


def _pct(value) -> str:
    return "—" if value is None or (isinstance(value, float) and math.isnan(value)) else f"{value * 100:.1f}%"


def build_story(store: Store, target_id: str, *, as_of: int | None = None,
                thresholds: Thresholds | None = None, lang: str = "zh") -> IndicatorStory:
    """Everything the indicator page shows for one target (thresholds None: the ones in force)."""
    thresholds = thresholds or store.thresholds()
    targets = store.targets()
    row = targets[targets["target_id"] == target_id]
    if row.empty:
        raise KeyError(target_id)
    target = row.iloc[0].to_dict()
    actuals = store.actuals_current()
    verdict = verdicts_for(row.reset_index(drop=True), actuals, store.target_statuses(), as_of=as_of,
                           thresholds=thresholds, lang=lang).iloc[0].to_dict()
    unit = target["unit"] or ""
    history = store.actuals_history(target["region"], target["indicator"])
    series = _actual_series(history, as_of)

    b, t0 = verdict["baseline_value_used"], verdict["baseline_year_used"]
    T, t1 = verdict["target_value_used"], int(target["target_year"])
    path = pd.DataFrame(columns=["year", "value"])
    if not (pd.isna(b) or pd.isna(T) or pd.isna(t0)) and t1 > t0 and target["basis"] == "level":
        years = list(range(int(t0), t1 + 1))
        geometric = verdict.get("path_used") == "geometric"
        path = pd.DataFrame({"year": years, "value": [
            progress.expected_on_path(b, T, (y - t0) / (t1 - t0), geometric=geometric) for y in years]})

    group = target.get("milestone_group")
    milestones = targets[targets["milestone_group"] == group] if isinstance(group, str) else row
    milestone_rows = verdicts_for(milestones.reset_index(drop=True), actuals, None, as_of=as_of,
                                  thresholds=thresholds, lang=lang)
    marks = pd.DataFrame({
        "year": milestone_rows["target_year"].astype(int),
        "value": milestone_rows["target_value_used"],
        "label": [describe_target(r, lang) for r in milestone_rows.to_dict("records")],
    }).dropna(subset=["value"])

    band = None
    if target["kind"] == "floor_stretch" and not pd.isna(target["stretch_value"]):
        band = (target["target_value"], target["stretch_value"], "达标—力争" if lang == "zh" else "floor–stretch")
    elif target["kind"] == "range" and not pd.isna(target["target_value_hi"]):
        band = (target["target_value"], target["target_value_hi"], "目标区间" if lang == "zh" else "target range")

    projection, gap_text = None, ""
    if not pd.isna(verdict["projected_value"]) and not pd.isna(verdict["latest_year"]) \
            and int(verdict["latest_year"]) < t1:
        projection = pd.DataFrame({"year": [int(verdict["latest_year"]), t1],
                                   "value": [verdict["latest_value"], verdict["projected_value"]]})
        if not pd.isna(verdict["projected_gap"]):
            gap_text = gap_sentence(verdict, unit, lang)

    baseline = None if pd.isna(b) or pd.isna(t0) else (int(t0), float(b))
    quotes = store.target_quotes(target_id)
    return IndicatorStory(
        target=target, verdict=verdict, indicator=target["indicator"], unit=unit, target_year=t1,
        actuals=series, path=path, targets=marks, baseline=baseline, band=band, projection=projection,
        gap_text=gap_text, explanation=explain(verdict, unit, lang), quotes=quotes, history=history,
    )


def gap_sentence(v: dict, unit: str, lang: str = "zh") -> str:
    """'预计2020年 2.3%,比目标低 0.2个百分点' — the sign put into words, by the indicator's direction."""
    gap = v["projected_gap"] * (v.get("direction") or 1)       # > 0: better than the target
    diff_unit = ("个百分点" if lang == "zh" else " pp") if unit == "%" else unit
    projected = _fmt(v["projected_value"], unit)
    if lang == "zh":
        word = "超出目标" if gap >= 0 else "距目标还差"
        return f"预计{int(v['target_year'])}年 {projected},{word} {_fmt(abs(v['projected_gap']), diff_unit)}"
    word = "above target by" if gap >= 0 else "short of target by"
    return f"Projected {int(v['target_year'])}: {projected}, {word} {_fmt(abs(v['projected_gap']), diff_unit)}"


def _actual_series(history: pd.DataFrame, as_of: int | None) -> pd.DataFrame:
    """Current values with their revisions as hover text; provisional (快报) values marked."""
    if history.empty:
        return pd.DataFrame(columns=["year", "value", "is_provisional", "hover"])
    rows = []
    for year, group in history.groupby("year"):
        if as_of is not None and year > as_of:
            continue
        current = group[group["is_current"] & group["value"].notna()]
        if current.empty:
            continue
        cur = current.iloc[0]
        lines = [f"{'当前' if r.is_current else '曾为'} {_fmt(r.value)} · {r.vintage or ''} · {r.entered_by} "
                 f"{pd.Timestamp(r.entered_at):%Y-%m-%d}" + (f" · {r.reason}" if isinstance(r.reason, str) else "")
                 for r in group.itertuples()]
        rows.append({"year": int(year), "value": float(cur["value"]), "is_provisional": cur["vintage"] == "快报",
                     "hover": "<br>".join(lines)})
    return pd.DataFrame(rows, columns=["year", "value", "is_provisional", "hover"])


def explain(v: dict, unit: str, lang: str = "zh") -> list[str]:
    """The verdicts in plain sentences, e.g. 按序时进度2018年应达到…,实际…,完成序时进度的…%."""
    lines = []
    if pd.isna(v.get("latest_value")):
        return ["尚无实际值:请在“数据填报”页录入或上传。" if lang == "zh"
                else "No actual value yet: enter or upload one on the data-entry pages."]
    year = int(v["latest_year"])
    if lang == "zh":
        if not pd.isna(v.get("expected_value")):
            lines.append(f"按序时进度{year}年应达到 {_fmt(v['expected_value'], unit)},实际 {_fmt(v['latest_value'], unit)},"
                         f"完成序时进度的 {_pct(v['schedule_ratio'])}——{v['schedule_label']}。")
        else:
            lines.append(f"{year}年实际 {_fmt(v['latest_value'], unit)}——{v['schedule_label']}。")
        if not pd.isna(v.get("completion")):
            lines.append(f"目标完成率 {_pct(v['completion'])}(从基期 {_fmt(v['baseline_value_used'], unit)} "
                         f"到目标 {_fmt(v['target_value_used'], unit)})。")
        if not pd.isna(v.get("observed_cagr")):
            lines.append(f"基期以来年均增长 {_pct(v['observed_cagr'])}"
                         + (f",实现目标需年均 {_pct(v['required_cagr'])}" if not pd.isna(v.get("required_cagr")) else "")
                         + f"——趋势研判:{v['trend_label']}。")
        if not pd.isna(v.get("projected_value")) and not pd.isna(v.get("projected_gap")):
            lines.append(f"按当前趋势,{gap_sentence(v, unit, lang)}。")
        if not pd.isna(v.get("required_growth")):
            lines.append(f"从最新值出发,此后每年需增长 {_pct(v['required_growth'])} 才能如期实现。")
    else:
        if not pd.isna(v.get("expected_value")):
            lines.append(f"On schedule, {year} should reach {_fmt(v['expected_value'], unit)}; actual "
                         f"{_fmt(v['latest_value'], unit)}, {_pct(v['schedule_ratio'])} of scheduled progress — "
                         f"{v['schedule_label']}.")
        else:
            lines.append(f"{year} actual {_fmt(v['latest_value'], unit)} — {v['schedule_label']}.")
        if not pd.isna(v.get("completion")):
            lines.append(f"Completion {_pct(v['completion'])} of the way from baseline to target.")
        if not pd.isna(v.get("observed_cagr")):
            lines.append(f"Observed annual growth {_pct(v['observed_cagr'])}; anticipated: {v['trend_label']}.")
        if not pd.isna(v.get("projected_value")) and not pd.isna(v.get("projected_gap")):
            lines.append(f"At the current trend: {gap_sentence(v, unit, lang)}.")
        if not pd.isna(v.get("required_growth")):
            lines.append(f"Growth needed per year from the latest value: {_pct(v['required_growth'])}.")
    if isinstance(v.get("note"), str) and v["note"]:
        lines.append(("说明:" if lang == "zh" else "Note: ") + v["note"])
    return lines
