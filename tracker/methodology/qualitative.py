"""Qualitative targets: the status a person set, as of the year it was set."""

from __future__ import annotations

import numpy as np
import pandas as pd

from tracker.methodology.arrays import _isin, _pick
from tracker.methodology.inputs import _Inputs
from tracker.methodology.notes import _Notes


def _evaluate_qualitative(idx, inp: _Inputs, statuses, as_of_used, out, notes: _Notes):
    """Qualitative targets: the status a person set (with their note); none set → awaiting assessment."""
    ids = inp.frame["target_id"].to_numpy(dtype=object)[idx] if "target_id" in inp.frame.columns else None
    status = np.full(len(idx), "qualitative", dtype=object)
    if statuses is not None and len(statuses) and ids is not None:
        if "set_at" in statuses.columns:
            statuses = statuses.sort_values("set_at", kind="stable")
        st = statuses.drop_duplicates("target_id", keep="last").set_index("target_id")
        found = pd.Series(ids).map(st["status"]).to_numpy(dtype=object)
        has = pd.notna(found)
        status = np.where(has, found, status).astype(object)
        for col, code in (("note", "assessment_note"), ("set_by", "assessed_by")):
            if col in st.columns:
                text = pd.Series(ids).map(st[col]).to_numpy(dtype=object)
                ok = pd.notna(text) & (pd.Series(text).astype(str).str.strip() != "").to_numpy()
                notes.add(ok, code, idx=idx, text=text)
    out["schedule_status"][idx] = status
    done = _isin(status, ("achieved", "completed"))
    out["trend_status"][idx] = _pick([done], ["target_achieved"], "insufficient")
    with np.errstate(invalid="ignore"):
        ended = np.isfinite(inp.t1[idx]) & (as_of_used > inp.t1[idx])
    out["final"][idx] = ended | _isin(status, ("completed", "not_completed"))
    notes.add(status == "qualitative", "qualitative_unassessed", idx=idx)
