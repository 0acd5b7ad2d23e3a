"""数据审核: the values editors submitted, approved or returned with a reason; a plan's year approved and locked at
once; locked years, and unlocking one (a reason required, audited)."""

import pandas as pd
import streamlit as st

import ui
from tracker import commands
from tracker.access.actions import Action
from tracker.actuals.display import pending_table
from tracker.formatting import MISSING
from tracker.views import reporting

ALL = ""           # the plan filter's "every plan"


def plan_names() -> dict[str, str]:
    plans = ui.load_plans(ui.version())
    return dict(zip(plans["plan_id"], plans["short_name"], strict=True))


def done(message: str) -> None:
    st.session_state["review_flash"] = message
    for key in ("review_grid", "review_reason", "review_unlock_reason"):
        st.session_state.pop(key, None)
    st.rerun()


def pending_values(store, user, names: dict[str, str], pending: pd.DataFrame) -> None:
    st.subheader(ui.t("review_pending_title"))
    if pending.empty:
        st.success(ui.t("review_none_pending"))
        return
    plan_id = st.selectbox(ui.t("plan"), [ALL, *names], key=ui.lang_key("review_plan"),
                           format_func=lambda p: ui.t("review_all_plans") if p == ALL else names[p])
    if plan_id != ALL:
        pending = pending[pending["plan_ids"].fillna("").str.split(",").map(lambda ids: plan_id in ids)]
    if pending.empty:
        st.info(ui.t("review_none_pending_plan"))
        return
    shown = pending_table(pending, ui.lang(), names)
    pick = ui.t("review_col_pick")
    shown.insert(0, pick, False)
    edited = st.data_editor(shown, hide_index=True, width="stretch", key="review_grid",
                            disabled=[c for c in shown.columns if c != pick],
                            column_config={pick: st.column_config.CheckboxColumn(pick, default=False)})
    chosen = pending["actual_id"][edited[pick].to_numpy()].tolist()
    everything = st.checkbox(ui.t("review_pick_all", n=len(pending)), key="review_all")
    ids = pending["actual_id"].tolist() if everything else chosen
    st.caption(ui.t("review_chosen", n=len(ids)))
    a, b = st.columns([1, 3], vertical_alignment="bottom")
    if a.button(ui.t("review_approve", n=len(ids)), key="review_approve", type="primary", disabled=not ids):
        count = commands.approve_values(store, user, ids)
        done(ui.t("review_approved", n=count))
    reason = b.text_input(ui.t("review_reason"), key="review_reason", placeholder=ui.t("review_reason_hint")).strip()
    if st.button(ui.t("review_return", n=len(ids)), key="review_return", disabled=not (ids and reason)):
        count = commands.return_values(store, user, ids, reason=reason)
        done(ui.t("review_returned", n=count))


def plan_year(store, user, names: dict[str, str], pending: pd.DataFrame) -> None:
    """Approve a plan's year and lock it; the plan and year of the oldest pending value are offered first."""
    st.subheader(ui.t("review_year_title"))
    st.caption(ui.t("review_year_intro"))
    plans = ui.load_plans(ui.version()).set_index("plan_id")
    first = pending.iloc[0] if len(pending) else None
    first_plan = str(first["plan_ids"]).split(",")[0] if first is not None and first["plan_ids"] else None
    ids = list(names)
    a, b = st.columns([3, 1])
    plan_id = a.selectbox(ui.t("plan"), ids, index=ids.index(first_plan) if first_plan in ids else 0,
                          format_func=names.get, key="review_year_plan")
    years = reporting.round_years(plans.loc[plan_id])
    waiting_years = pending.loc[pending["plan_ids"].fillna("").str.split(",").map(lambda p: plan_id in p), "year"]
    default = int(waiting_years.iloc[0]) if len(waiting_years) and int(waiting_years.iloc[0]) in years \
        else len(years) and years[-1]
    locked = set(store.locked_years(plan_id)["year"].astype(int))
    year = b.selectbox(ui.t("year"), years, index=years.index(default), key=f"review_year_{plan_id}",
                       format_func=lambda y: ui.t("review_year_option_locked", year=y) if y in locked else str(y))
    if year in locked:
        st.info(ui.t("review_year_locked", year=year))
        return
    waiting = store.pending_count(plan_id, year)
    label = ui.t("review_year_button", year=year, n=waiting) if waiting else ui.t("review_year_lock_only", year=year)
    if st.button(label, key="review_year_approve", type="primary" if waiting else "secondary"):
        count = commands.approve_plan_year(store, user, plan_id, year)
        done(ui.t("review_year_done", plan=names[plan_id], year=year, n=count))


def locked_years(store, user, names: dict[str, str]) -> None:
    st.subheader(ui.t("review_locked_title"))
    locks = store.locked_years()
    if locks.empty:
        st.caption(ui.t("review_none_locked"))
        return
    st.dataframe(pd.DataFrame({
        ui.t("plan"): locks["plan_id"].map(lambda p: names.get(p, p)),
        ui.t("year"): locks["year"],
        ui.t("review_col_locked_by"): locks["set_by"],
        ui.t("review_col_locked_at"): locks["set_at"],
    }), hide_index=True, width="stretch", placeholder=MISSING, key="review_locks")
    pairs = list(zip(locks["plan_id"], locks["year"].astype(int), strict=True))
    a, b = st.columns([2, 3], vertical_alignment="bottom")
    plan_id, year = a.selectbox(ui.t("review_unlock_pick"), pairs, key="review_unlock_pick",
                                format_func=lambda p: f"{names.get(p[0], p[0])} · {p[1]}")
    reason = b.text_input(ui.t("review_unlock_reason"), key="review_unlock_reason").strip()
    if st.button(ui.t("review_unlock", year=year), key="review_unlock", disabled=not reason):
        commands.unlock_year(store, user, plan_id, year, reason=reason)
        done(ui.t("review_unlocked", plan=names.get(plan_id, plan_id), year=year))


def main() -> None:
    st.title(ui.t("nav_review"))
    st.caption(ui.t("review_intro"))
    user = ui.require(Action.REVIEW_VALUES)
    if "review_flash" in st.session_state:
        st.success(st.session_state.pop("review_flash"))
    store = ui.get_store()
    names = plan_names()
    pending = store.pending_revisions()
    pending_values(store, user, names, pending)
    plan_year(store, user, names, pending)
    locked_years(store, user, names)


main()
