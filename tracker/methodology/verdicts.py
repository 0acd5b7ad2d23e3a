"""Status codes of the two verdicts and their Chinese and English labels (the one place for their wording)."""

from __future__ import annotations

import pandas as pd

from tracker.i18n import label

# Schedule verdict (序时进度): code → (Chinese, English).
SCHEDULE_LABELS: dict[str, tuple[str, str]] = {
    "achieved": ("已达标", "Achieved"),
    "on_track": ("正常", "On track"),
    "lagging": ("滞后", "Lagging"),
    "severely_lagging": ("严重滞后", "Severely lagging"),
    "regressing": ("逆向", "Moving backwards"),
    "no_data": ("无数据", "No data"),
    "completed_stretch": ("已完成力争目标", "Stretch target met"),
    "completed": ("已完成", "Completed"),
    "not_completed": ("未完成", "Not completed"),
    "pending_evaluation": ("待评估", "Awaiting final data"),
    "no_baseline": ("缺基期值", "No baseline"),
    "invalid_baseline": ("基期值无效", "Invalid baseline"),
    "no_target": ("缺目标值", "No target value"),
    "qualitative": ("待人工评估", "Awaiting assessment"),
}

# Anticipated verdict (趋势研判): code → (Chinese, English); the codes are sdg-build's without "_progress".
TREND_LABELS: dict[str, tuple[str, str]] = {
    "target_achieved": ("已达标", "Target achieved"),
    "substantial": ("有望实现", "Substantial progress"),
    "moderate": ("需加速", "Moderate progress, needs acceleration"),
    "limited": ("进展有限", "Limited progress"),
    "deterioration": ("倒退", "Deterioration"),
    "insufficient": ("无法判断", "Insufficient data"),
    "ended": ("规划期已结束", "Plan period over"),
}

# The order statuses are counted and listed in: final evaluation first, then mid-course from best to worst, then
# the rows that cannot be judged. KPI cards, the status chart and the heatmap legend all use it.
SCHEDULE_ORDER: tuple[str, ...] = (
    "completed_stretch", "completed", "not_completed", "pending_evaluation",
    "achieved", "on_track", "lagging", "severely_lagging", "regressing",
    "qualitative", "no_data", "no_baseline", "invalid_baseline", "no_target",
)  # fmt: skip
FINAL_STATUSES = frozenset({"completed_stretch", "completed", "not_completed", "pending_evaluation"})
# The verdicts that count as behind (只看滞后, the share behind per region): 待评估 is not behind, it is not known.
BEHIND_STATUSES: tuple[str, ...] = ("lagging", "severely_lagging", "regressing", "not_completed")
# Worst first, for "most behind first": behind, then ahead or done, then the verdicts that cannot be judged.
SEVERITY_ORDER: tuple[str, ...] = (
    "regressing", "severely_lagging", "not_completed", "lagging", "on_track", "achieved", "completed",
    "completed_stretch", "pending_evaluation", "qualitative", "no_data", "no_baseline", "invalid_baseline",
    "no_target",
)  # fmt: skip

# 三色预警 of the units that deliver targets: green on schedule or done, yellow behind, red far behind, reversing or
# not completed; a verdict that cannot be judged (无数据, 待评估, a qualitative target not yet assessed) has no light.
WARNING_LIGHTS: dict[str, tuple[str, ...]] = {
    "red": ("regressing", "severely_lagging", "not_completed"),
    "yellow": ("lagging",),
    "green": ("achieved", "on_track", "completed", "completed_stretch"),
}
LIGHT_OF_STATUS: dict[str, str] = {code: light for light, codes in WARNING_LIGHTS.items() for code in codes}


def warning_light(code: str | None) -> str:
    """red | yellow | green for a schedule code, none when it cannot be judged."""
    return LIGHT_OF_STATUS.get(code or "", "none")


# Traffic-light colour of each code, for pages and PNG exports.
STATUS_COLOURS: dict[str, str] = {
    "achieved": "#1a9850",
    # Final statuses have colours of their own, so a heatmap or chart never mixes 未完成 with 严重滞后.
    "completed_stretch": "#00441b",
    "completed": "#006d2c",
    "pending_evaluation": "#9ecae1",
    "ended": "#bdbdbd",
    "target_achieved": "#1a9850",
    "on_track": "#66bd63",
    "substantial": "#66bd63",
    "lagging": "#fee08b",
    "moderate": "#fee08b",
    "severely_lagging": "#d73027",
    "limited": "#fc8d59",
    "not_completed": "#762a83",
    "regressing": "#a50026",
    "deterioration": "#a50026",
    "no_data": "#bdbdbd",
    "no_baseline": "#bdbdbd",
    "invalid_baseline": "#bdbdbd",
    "no_target": "#bdbdbd",
    "insufficient": "#bdbdbd",
    "qualitative": "#9e9ac8",
}


def status_counts(codes) -> dict[str, int]:
    """Targets per status in SCHEDULE_ORDER (statuses typed by a person last); only statuses that occur."""
    counts = pd.Series(codes, dtype=object).value_counts()
    order = [c for c in SCHEDULE_ORDER if c in counts.index] + sorted(c for c in counts.index if c not in SCHEDULE_ORDER)
    return {code: int(counts[code]) for code in order}


def schedule_label(code: str, lang: str = "zh") -> str:
    """The label of a schedule code; an unknown code (e.g. a status typed by a person) is shown as is."""
    return _label(SCHEDULE_LABELS, code, lang)


def trend_label(code: str, lang: str = "zh") -> str:
    """The label of an anticipated-verdict code."""
    return _label(TREND_LABELS, code, lang)


def _label(table: dict[str, tuple[str, str]], code: str, lang: str) -> str:
    return label(table, code, lang)
