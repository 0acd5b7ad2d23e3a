"""The thresholds of the methodology, in one place (docs/methodology.md shows them; the app lists the ones in force)."""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Thresholds:
    """Cut-off values of the schedule (序时进度) and anticipated (趋势研判) verdicts.

    Ratios are plain fractions (0.95 = 95 %); the no-target growth thresholds are annual growth rates as
    fractions (0.015 = 1.5 % a year); ``approx_tolerance`` is relative (0.05 = ±5 %).
    """

    # Schedule verdict: r = (a − b)/(E_t − b).
    schedule_on_track: float = 0.95  # r ≥ this → 正常
    schedule_lagging: float = 0.80  # this ≤ r < on_track → 滞后; below → 严重滞后
    # Anticipated verdict with a numeric target: R = d·CAGR_obs/|CAGR_req| (sdg-build defaults).
    trend_substantial: float = 0.95  # R ≥ this → 有望实现
    trend_moderate: float = 0.60  # this ≤ R < substantial → 需加速
    trend_limited: float = 0.0  # this ≤ R < moderate → 进展有限; below → 倒退
    # Anticipated verdict without a target: d·CAGR_obs (sdg-build defaults).
    no_target_substantial: float = 0.015
    no_target_moderate: float = 0.005
    no_target_limited: float = 0.0
    # Default relative tolerance of 左右 targets when the catalogue gives none.
    approx_tolerance: float = 0.05
    # Ratios within this distance of a threshold count as on it: (1.015/1 − 1) is 0.014999999999999902 in
    # binary floating point and must still read as 1.5 %.
    boundary_epsilon: float = 1e-9

    def as_dict(self) -> dict[str, float]:
        """The values as a plain dict (for the CLI and JSON export)."""
        return asdict(self)

    def describe(self) -> list[tuple[str, float, str, str]]:
        """(name, value, Chinese description, English description) for the methodology page."""
        return [(name, getattr(self, name), zh, en) for name, (zh, en) in THRESHOLD_DESCRIPTIONS.items()]


THRESHOLD_DESCRIPTIONS: dict[str, tuple[str, str]] = {
    "schedule_on_track": ("序时进度比 r ≥ 该值为“正常”", "schedule ratio r at or above: on track"),
    "schedule_lagging": ("r 不低于该值为“滞后”,低于为“严重滞后”", "r at or above: lagging; below: severely lagging"),
    "trend_substantial": (
        "有目标时增长比 R ≥ 该值为“有望实现”",
        "with a target, growth ratio R at or above: substantial",
    ),
    "trend_moderate": ("R 不低于该值为“需加速”", "R at or above: moderate (needs acceleration)"),
    "trend_limited": ("R 不低于该值为“进展有限”,低于为“倒退”", "R at or above: limited; below: deterioration"),
    "no_target_substantial": (
        "无目标时年均增长率 ≥ 该值为“有望实现”",
        "without a target, directed CAGR at or above: substantial",
    ),
    "no_target_moderate": (
        "无目标时年均增长率不低于该值为“需加速”",
        "without a target, directed CAGR at or above: moderate",
    ),
    "no_target_limited": (
        "无目标时年均增长率不低于该值为“进展有限”",
        "without a target, directed CAGR at or above: limited",
    ),
    "approx_tolerance": ("“左右”目标的默认相对容差", "default relative tolerance of approximate (左右) targets"),
    "boundary_epsilon": ("阈值边界的浮点容差", "floating-point tolerance at threshold boundaries"),
}

DEFAULT_THRESHOLDS = Thresholds()
