"""The methodology engine (a package; docs/methodology.md gives every formula and decision): schedule (序时进度), anticipated (趋势研判) and final (终期评估) verdicts of plan targets.

Pure functions over pandas/numpy; no I/O, no streamlit. The parts, one module each: path (the planned path and
targets derived from a baseline), inputs (targets as arrays, actuals as a grid), levels (baseline, latest value,
target resolution, schedule and final verdicts, completion, projection, relative targets), flows (yearly targets),
qualitative, trend (sdg-build's anticipated verdict), notes (message codes), table (the assembled verdict table),
decomposition (parent against children).

    targets (one row per target) ─┐
    actuals (region, indicator,   ├─ verdict_table ─→ one row per target: resolved b, T, a; e, E_t, c, r,
             year, value)         │                   schedule_status, trend_status, projection, note
    statuses (qualitative)       ─┘

The work is vectorised: actuals become a dense matrix (series × years), each target gathers its row, and every
formula runs on whole columns. Notes are message codes with parameters (tracker.i18n renders them in a language).
"""

from tracker.methodology.decomposition import check_decomposition
from tracker.methodology.inputs import COMPARATORS, KINDS
from tracker.methodology.notes import NOTE_SEPARATOR, PARAM_SEPARATOR
from tracker.methodology.path import DEFAULT_PATH, derived_target_value, expected_on_path
from tracker.methodology.table import OUTPUT_COLUMNS, verdict_table
from tracker.methodology.trend import TrendResult, assess_trend

__all__ = [
    "COMPARATORS", "DEFAULT_PATH", "KINDS", "NOTE_SEPARATOR", "OUTPUT_COLUMNS", "PARAM_SEPARATOR", "TrendResult",
    "assess_trend", "check_decomposition", "derived_target_value", "expected_on_path", "verdict_table",
]  # fmt: skip
