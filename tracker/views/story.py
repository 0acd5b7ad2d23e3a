"""The story of one target for the indicator page: what the chart draws and the verdicts in plain words."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from tracker import methodology
from tracker.formatting import difference_unit, is_missing, number, percent
from tracker.i18n import describe_target, t
from tracker.methodology.thresholds import Thresholds
from tracker.views.read_model import Snapshot
from tracker.views.service import verdicts_for


@dataclass(frozen=True)
class IndicatorStory:
    target: dict                      # the target row (targets_full)
    verdict: dict                     # its row of the verdict table
    indicator: str
    unit: str
    target_year: int
    actuals: pd.DataFrame             # year, value, is_provisional, after_plan, hover (revisions)
    path: pd.DataFrame                # year, value: the planned path from baseline to target
    targets: pd.DataFrame             # year, value, label: the target and its milestones
    baseline: tuple[int, float] | None
    band: tuple[float, float, str] | None
    projection: pd.DataFrame | None   # year, value: from the latest value to the target year
    gap_text: str
    explanation: list[str] = field(default_factory=list)
    quotes: pd.DataFrame | None = None
    history: pd.DataFrame | None = None
    reference: pd.DataFrame | None = None     # year, value: the other region's series a relative target is set on
    reference_label: str = ""
    assessment: dict | None = None            # the latest assessment of a qualitative target (status, note, by, at)
    # The same region's targets for the same indicator in the other plans (十三五 → 十四五 → 十五五, a work plan within
    # them): plan_id, plan_name, period, target_id, target_year, target (in words), value (the resolved level, for
    # the chart; none for a growth rate or a yearly amount), schedule_label, in target-year order.
    other_plans: pd.DataFrame | None = None

    @property
    def no_chart_reason(self) -> str | None:
        """Why the chart would say nothing (a catalogue key), or None when it has something to draw."""
        if self.target["kind"] == "qualitative":
            return "no_chart_qualitative"
        points = [self.actuals, self.path, self.targets, self.reference]
        if self.baseline is None and not any(frame is not None and len(frame) for frame in points):
            return "no_chart_nothing"
        return None


def read_story(store, snap: Snapshot, target_id: str, *, as_of: int | None = None,
               lang: str = "zh") -> IndicatorStory:
    """build_story with the two per-target reads it needs from the store: the revisions and the quotes."""
    target = snap.target(target_id).iloc[0]
    history = store.actuals_history(target["region"], target["indicator"])
    return build_story(snap, target_id, history=history, quotes=store.target_quotes(target_id), as_of=as_of,
                       lang=lang)


def build_story(snap: Snapshot, target_id: str, *, history: pd.DataFrame, quotes: pd.DataFrame | None = None,
                as_of: int | None = None, thresholds: Thresholds | None = None, lang: str = "zh",
                plan_verdicts: pd.DataFrame | None = None) -> IndicatorStory:
    """Everything the indicator page shows for one target (thresholds None: the ones in force).

    history: every revision of the target's series (store.actuals_history); quotes: its sentences.
    plan_verdicts: the labelled verdict table of the target's plan for the same year, thresholds and language,
    when the caller has it (the plan ZIP): the story then reads its rows instead of judging the target again.
    """
    thresholds = thresholds or snap.thresholds
    targets = snap.targets
    row = snap.target(target_id)
    target = row.iloc[0].to_dict()
    actuals = snap.actuals
    if plan_verdicts is None:
        verdict = verdicts_for(row, actuals, snap.statuses, stated=snap.stated, as_of=as_of, thresholds=thresholds,
                               lang=lang).iloc[0].to_dict()
    else:
        verdict = plan_verdicts[plan_verdicts["target_id"] == target_id].iloc[0].to_dict()
    unit = target["unit"] or ""
    series = _actual_series(history, as_of, int(target["target_year"]), lang)

    b, t0 = verdict["baseline_value_used"], verdict["baseline_year_used"]
    T, t1 = verdict["target_value_used"], int(target["target_year"])
    path = pd.DataFrame(columns=["year", "value"])
    if not (pd.isna(b) or pd.isna(T) or pd.isna(t0)) and t1 > t0 and target["basis"] == "level":
        years = list(range(int(t0), t1 + 1))
        geometric = verdict.get("path_used") == "geometric"
        path = pd.DataFrame({"year": years, "value": [
            methodology.expected_on_path(b, T, (y - t0) / (t1 - t0), geometric=geometric) for y in years]})

    group = target.get("milestone_group")
    milestones = targets[targets["milestone_group"] == group] if isinstance(group, str) else row
    if plan_verdicts is not None:
        milestone_rows = plan_verdicts[plan_verdicts["target_id"].isin(milestones["target_id"])]
    else:
        milestone_rows = verdicts_for(milestones.reset_index(drop=True), actuals, None, as_of=as_of,
                                      thresholds=thresholds, lang=lang)
    marks = pd.DataFrame({
        "year": milestone_rows["target_year"].astype(int),
        "value": milestone_rows["target_value_used"],
        "label": [describe_target(r, lang) for r in milestone_rows.to_dict("records")],
    }).dropna(subset=["value"])

    band = None
    if target["kind"] == "floor_stretch" and not pd.isna(target["stretch_value"]):
        band = (target["target_value"], target["stretch_value"], t("band_floor_stretch", lang))
    elif target["kind"] == "range" and not pd.isna(target["target_value_hi"]):
        band = (target["target_value"], target["target_value_hi"], t("band_range", lang))

    projection, gap_text = None, ""
    if not pd.isna(verdict["projected_value"]) and not pd.isna(verdict["latest_year"]) \
            and int(verdict["latest_year"]) < t1:
        projection = pd.DataFrame({"year": [int(verdict["latest_year"]), t1],
                                   "value": [verdict["latest_value"], verdict["projected_value"]]})
        if not pd.isna(verdict["projected_gap"]):
            gap_text = gap_sentence(verdict, unit, lang)

    baseline = None if pd.isna(b) or pd.isna(t0) else (int(t0), float(b))
    reference, reference_label = _reference_series(snap, target, as_of, lang)
    return IndicatorStory(
        target=target, verdict=verdict, indicator=target["indicator"], unit=unit, target_year=t1,
        actuals=series, path=path, targets=marks, baseline=baseline, band=band, projection=projection,
        gap_text=gap_text, explanation=explain(verdict, unit, lang, series[series["after_plan"]]), quotes=quotes,
        history=history, reference=reference, reference_label=reference_label,
        assessment=_latest_assessment(snap, target_id),
        other_plans=other_plan_targets(snap, target, as_of=as_of, thresholds=thresholds, lang=lang),
    )


OTHER_PLAN_COLUMNS = ["plan_id", "plan_name", "period", "target_id", "target_year", "target", "value",
                      "schedule_label"]


def other_plan_targets(snap: Snapshot, target: dict, *, as_of: int | None = None,
                       thresholds: Thresholds | None = None, lang: str = "zh") -> pd.DataFrame:
    """The target's region and indicator in every other plan that is not retired, judged as of the same year.

    Plans that follow each other state targets for one series of values: the 十四五 plan's baseline is the 十三五
    plan's final year. Each keeps its own verdict; the chart draws their levels beside this plan's.
    """
    targets = snap.targets
    same = targets[(targets["region"] == target["region"]) & (targets["indicator_id"] == target["indicator_id"])
                   & (targets["plan_id"] != target["plan_id"]) & (targets["kind"] != "qualitative")]
    retired = snap.plans.index[snap.plans["status"].fillna("active") == "retired"] \
        if "status" in snap.plans.columns else []
    same = same[~same["plan_id"].isin(retired)]
    if same.empty:
        return pd.DataFrame(columns=OTHER_PLAN_COLUMNS)
    judged = verdicts_for(same.reset_index(drop=True), snap.actuals, snap.statuses, stated=snap.stated, as_of=as_of,
                          thresholds=thresholds or snap.thresholds, lang=lang)
    plans = snap.plans.reindex(judged["plan_id"])
    level = (judged["basis"] == "level") & ~judged["kind"].isin(["growth"])
    frame = pd.DataFrame({
        "plan_id": judged["plan_id"],
        "plan_name": plans["short_name"].fillna(plans["title"]).to_numpy(),
        "period": [f"{int(a)}–{int(b)}" if not (pd.isna(a) or pd.isna(b)) else ""
                   for a, b in zip(plans["start_year"], plans["target_year"], strict=True)],
        "target_id": judged["target_id"],
        "target_year": judged["target_year"].astype(int),
        "target": [describe_target(r, lang) for r in judged.to_dict("records")],
        "value": judged["target_value_used"].where(level),
        "schedule_label": judged["schedule_label"],
    })
    return frame.sort_values(["target_year", "plan_id"], kind="stable").reset_index(drop=True)


def _reference_series(snap: Snapshot, target: dict, as_of: int | None, lang: str) -> tuple[pd.DataFrame | None, str]:
    """A relative target's yardstick: the other region's values of the same (or the named) indicator."""
    region = target.get("relative_to_region")
    if target["kind"] != "relative" or not isinstance(region, str):
        return None, ""
    indicator = target.get("relative_to_indicator")
    indicator = indicator if isinstance(indicator, str) and indicator else target["indicator"]
    actuals = snap.actuals
    rows = actuals[(actuals["region"] == region) & (actuals["indicator"] == indicator) & actuals["value"].notna()]
    if as_of is not None:
        rows = rows[rows["year"] <= as_of]
    label = t("trace_reference", lang, region=region) if indicator == target["indicator"] else \
        t("trace_reference_other", lang, region=region, indicator=indicator)
    return rows[["year", "value"]].astype({"year": int}).sort_values("year").reset_index(drop=True), label


def _latest_assessment(snap: Snapshot, target_id: str) -> dict | None:
    statuses = snap.statuses[snap.statuses["target_id"] == target_id]
    return None if statuses.empty else statuses.iloc[-1].to_dict()


def gap_sentence(v: dict, unit: str, lang: str = "zh") -> str:
    """'预计2020年 2.3%,距目标还差 0.2个百分点' — the sign put into words, by the indicator's direction."""
    better = v["projected_gap"] * (v.get("direction") or 1) >= 0
    key = "gap_above" if better else "gap_below"
    return t(key, lang).format(year=int(v["target_year"]), projected=number(v["projected_value"], unit),
                               gap=number(abs(v["projected_gap"]), difference_unit(unit, lang)))


def _actual_series(history: pd.DataFrame, as_of: int | None, target_year: int, lang: str = "zh") -> pd.DataFrame:
    """Current values with their revisions as hover text; provisional (快报) values and post-plan years marked."""
    columns = ["year", "value", "is_provisional", "after_plan", "hover"]
    if history.empty:
        return pd.DataFrame(columns=columns)
    rows = []
    for year, group in history.groupby("year"):
        if as_of is not None and year > as_of:
            continue
        current = group[group["is_current"] & group["value"].notna()]
        if current.empty:
            continue
        cur = current.iloc[0]
        lines = [t("hover_current" if r.is_current else "hover_earlier", lang, value=number(r.value))
                 + f" · {r.vintage or ''} · {r.entered_by} {pd.Timestamp(r.entered_at):%Y-%m-%d}"
                 + (f" · {r.reason}" if isinstance(r.reason, str) else "") for r in group.itertuples()]
        rows.append({"year": int(year), "value": float(cur["value"]), "is_provisional": cur["vintage"] == "快报",
                     "after_plan": int(year) > target_year, "hover": "<br>".join(lines)})
    return pd.DataFrame(rows, columns=columns)


def explain(v: dict, unit: str, lang: str = "zh", after_plan: pd.DataFrame | None = None) -> list[str]:
    """The verdicts in plain sentences, e.g. 按序时进度2018年应达到…,实际…,完成序时进度的…%.

    Once the plan has ended only the final evaluation is told: no schedule, trend, projection or required growth
    for a year that has passed.
    """
    if v.get("kind") == "qualitative":
        lines = [t("story_qualitative", lang).format(label=v["schedule_label"])]
    elif v.get("final"):
        lines = _explain_final(v, unit, lang)
    elif is_missing(v.get("latest_value")):
        lines = [t("story_no_value", lang)]
    else:
        lines = _explain_midcourse(v, unit, lang)
    if after_plan is not None and len(after_plan):
        values = t("list_separator", lang).join(t("year_value", lang, year=int(r.year), value=number(r.value, unit))
                                                for r in after_plan.itertuples())
        lines.append(t("story_after_plan", lang).format(values=values))
    if isinstance(v.get("note"), str) and v["note"]:
        lines.append(t("story_note", lang).format(note=v["note"]))
    return lines


def _explain_final(v: dict, unit: str, lang: str) -> list[str]:
    year = int(v["target_year"])
    if v["schedule_status"] == "pending_evaluation":
        lines = [t("story_pending", lang).format(year=year)]
        if not is_missing(v.get("latest_value")):
            lines.append(t("story_pending_latest", lang).format(year=int(v["latest_year"]),
                                                                actual=number(v["latest_value"], unit)))
        return lines
    if is_missing(v.get("latest_value")) or is_missing(v.get("target_value_used")):
        return [t("story_actual", lang).format(year=year, actual=number(v.get("latest_value"), unit),
                                               label=v["schedule_label"])]
    lines = [t("story_final", lang).format(year=year, actual=number(v["latest_value"], unit),
                                           target=number(v["target_value_used"], unit), label=v["schedule_label"])]
    lines += _completion_lines(v, unit, lang)
    gap = (v["target_value_used"] - v["latest_value"]) * (v.get("direction") or 1)
    if v["schedule_status"] == "not_completed" and gap > 0 and v.get("basis") != "per_year":
        lines.append(t("story_final_short", lang).format(gap=number(gap, difference_unit(unit, lang))))
    return lines


def _explain_midcourse(v: dict, unit: str, lang: str) -> list[str]:
    year = int(v["latest_year"])
    if v["schedule_status"] == "no_data" and not is_missing(v.get("baseline_year_used")) \
            and year == int(v["baseline_year_used"]):
        return [t("story_only_base", lang).format(year=year, value=number(v["latest_value"], unit))]
    if not is_missing(v.get("expected_value")) and not is_missing(v.get("schedule_ratio")):
        lines = [t("story_schedule", lang).format(year=year, expected=number(v["expected_value"], unit),
                                                  actual=number(v["latest_value"], unit),
                                                  ratio=percent(v["schedule_ratio"]), label=v["schedule_label"])]
    else:
        lines = [t("story_actual", lang).format(year=year, actual=number(v["latest_value"], unit),
                                                label=v["schedule_label"])]
    lines += _completion_lines(v, unit, lang)
    if not is_missing(v.get("observed_cagr")) and v.get("kind") != "growth":
        required = "" if is_missing(v.get("required_cagr")) else \
            t("story_trend_required", lang).format(required=percent(v["required_cagr"]))
        lines.append(t("story_trend", lang).format(observed=percent(v["observed_cagr"]), required=required,
                                                   label=v["trend_label"]))
    elif v.get("kind") == "growth" and v.get("trend_status") != "insufficient":
        lines.append(t("story_trend", lang).format(observed=percent(v.get("observed_cagr")), required="",
                                                   label=v["trend_label"]))
    if not is_missing(v.get("projected_value")) and not is_missing(v.get("projected_gap")):
        gap = gap_sentence(v, unit, lang)
        short = v["projected_gap"] * (v.get("direction") or 1) < 0
        if short and v.get("trend_status") == "substantial" and not is_missing(v.get("trend_ratio")):
            # R ≥ 0.95 reads 有望实现 while the projection, at the same growth, ends just short: say why.
            gap += t("story_projection_within", lang).format(ratio=f"{v['trend_ratio']:.2f}")
        key = "story_projection_cumulative" if v.get("basis") == "cumulative" else "story_projection"
        lines.append(t(key, lang).format(gap=gap))
    if not is_missing(v.get("required_growth")):
        lines.append(t("story_required", lang).format(growth=percent(v["required_growth"])))
    return lines


def _completion_lines(v: dict, unit: str, lang: str) -> list[str]:
    of_target, increment = v.get("target_completion"), v.get("increment_completion")
    if v.get("kind") == "growth":
        if is_missing(of_target):
            return []
        planned = v.get("growth_rate")
        return [t("story_growth_completion", lang).format(
            observed=percent(v.get("observed_cagr")), planned=percent(None if is_missing(planned) else planned / 100),
            of_target=percent(of_target))]
    if is_missing(of_target) and is_missing(increment):
        return []
    target = number(v.get("target_value_used"), unit)
    if is_missing(increment) or is_missing(v.get("baseline_value_used")):
        return [t("story_completion_target_only", lang).format(of_target=percent(of_target), target=target)]
    return [t("story_completion", lang).format(of_target=percent(of_target), increment=percent(increment),
                                               target=target, baseline=number(v["baseline_value_used"], unit))]
