"""The thresholds of the methodology, in one place (docs/methodology.md shows them; the app lists the ones in force)."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from tracker.i18n.labels import THRESHOLD_DESCRIPTIONS


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



DEFAULT_THRESHOLDS = Thresholds()
