"""The read model: one consistent read of what every view needs, taken once per data version.

Pages, exports and the command line build their views from a Snapshot instead of each reading whole tables
again: the overview, the plan ZIP's 70 charts and `tracker status` all see the same state of the data, even while
someone uploads values meanwhile.

    store ── Snapshot.read ──→ Snapshot(plans, targets, actuals, statuses, thresholds, version)
                                   │  (frames are shared: views copy before they change anything)
                                   └→ service / story / report views → pages, exports, CLI
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from tracker.methodology.thresholds import Thresholds


@dataclass(frozen=True)
class Snapshot:
    """Everything the views read, as of one data version.

    plans: one row per plan, indexed by plan_id. targets: targets_full in plan and document order, with
    ``number`` — the target's 1-based position in its plan, the 序号 of the evaluation table, the ZIP's file
    names and the indicator page. actuals: the current value of every (region, indicator, year), those four
    columns only. stated: the current values a plan's text states, with that plan (source_plan_id) and source.
    statuses: every assessment of a qualitative target, oldest first. include_pending: whether values waiting for
    review count (False, the default: approved values only); pending: region, indicator and year of every value
    waiting for review (whichever values count), for the pages' note.
    """

    version: str
    plans: pd.DataFrame
    targets: pd.DataFrame
    actuals: pd.DataFrame
    stated: pd.DataFrame
    statuses: pd.DataFrame
    thresholds: Thresholds
    include_pending: bool = False
    pending: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=["region", "indicator", "year"]))
    _by_plan: dict = field(default_factory=dict, compare=False, repr=False)   # plan_targets, taken once

    @classmethod
    def read(cls, store, *, pending: bool = False) -> Snapshot:
        """Read the inputs of every view in one transaction (one query each); pending: values waiting for review
        count too."""
        frames = store.read_model_frames(pending=pending)
        targets = frames["targets"]
        targets = targets.assign(number=targets.groupby("plan_id", sort=False).cumcount() + 1)
        return cls(
            version=frames["version"],
            plans=frames["plans"].set_index("plan_id", drop=False),
            targets=targets,
            actuals=frames["actuals"],
            stated=frames["stated"],
            statuses=frames["statuses"],
            thresholds=store.thresholds(),
            include_pending=pending,
            pending=frames["pending"],
        )

    def plan(self, plan_id: str) -> pd.Series:
        """The plan's row (KeyError for an unknown plan)."""
        return self.plans.loc[plan_id]

    def plan_targets(self, plan_id: str | None) -> pd.DataFrame:
        """The plan's targets in document order (every target when None), indexed from 0 (taken once per plan:
        a province's plan is 180,000 rows)."""
        if plan_id is None:
            return self.targets
        if plan_id not in self._by_plan:
            rows = np.flatnonzero((self.targets["plan_id"] == plan_id).to_numpy())
            # Targets are read in plan order, so a plan's rows are one block: a slice shares them, a filter would
            # copy 180,000 rows of text.
            contiguous = len(rows) and rows[-1] - rows[0] + 1 == len(rows)
            part = self.targets.iloc[rows[0]:rows[-1] + 1] if contiguous else self.targets.iloc[rows]
            self._by_plan[plan_id] = part.reset_index(drop=True)
        return self._by_plan[plan_id]

    def target(self, target_id: str) -> pd.DataFrame:
        """The one-row frame of a target (KeyError when unknown)."""
        row = self.targets[self.targets["target_id"] == target_id]
        if row.empty:
            raise KeyError(target_id)
        return row.reset_index(drop=True)

    def pending_count(self, plan_id: str | None = None) -> int:
        """How many values wait for review among the series the plan targets (all of them when None)."""
        if plan_id is None or self.pending.empty:
            return len(self.pending)
        series = self.plan_targets(plan_id)[["region", "indicator"]].drop_duplicates()
        return len(self.pending.merge(series, on=["region", "indicator"]))

    @property
    def latest_year(self) -> int | None:
        """The latest year with any current value."""
        years = self.actuals["year"].dropna()
        return int(years.max()) if len(years) else None
