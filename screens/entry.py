"""数据填报: type in the actual values of one plan, region and year; checked as you type, saved as one batch."""

import datetime as dt

import pandas as pd
import streamlit as st

import ui
from tracker import commands
from tracker.access.actions import Action, allowed
from tracker.actuals.display import changes_table, problems_table
from tracker.actuals.validate import VINTAGES, Reference, entry_grid, entry_rows, validate
from tracker.views import service

EDITOR = "entry_table"


def pick_scope(store, plans: pd.DataFrame) -> tuple[str, str, int, pd.DataFrame]:
    """Plan, region and year; the editor starts afresh whenever one of them changes."""
    names = dict(zip(plans["plan_id"], plans["short_name"], strict=True))
    a, b, c = st.columns([3, 2, 1])
    ids = list(names)
    wanted = ui.wanted_plan()          # the plan the other pages have open
    plan_id = a.selectbox(ui.t("plan"), ids, index=ids.index(wanted) if wanted in ids else 0, format_func=names.get,
                          key="entry_plan")
    targets = store.targets(plan_id)
    regions = list(dict.fromkeys(targets["region"]))
    region = b.selectbox(ui.t("region"), regions, key="entry_region")
    plan = plans.set_index("plan_id").loc[plan_id]
    this_year = dt.date.today().year
    years = ui.data_years(plan)
    default = min(int(plan["target_year"]), this_year - 1)
    year = c.selectbox(ui.t("year"), years, index=years.index(default) if default in years else 0, key="entry_year")
    scope = (plan_id, region, year)
    if st.session_state.get("entry_scope") != scope:
        st.session_state.pop(EDITOR, None)
        st.session_state["entry_scope"] = scope
    return plan_id, region, year, targets


def batch_fields() -> tuple[str | None, str | None, str | None, str | None]:
    b, c = st.columns([1, 2])
    unstated = ui.t("vintage_none")    # the label fixed now: format_func may run after the language is read again
    vintage = b.radio(ui.t("vintage"), ["", *VINTAGES], key="entry_vintage", horizontal=True,
                      format_func=lambda v: v or unstated, help=ui.t("vintage_help")) or None
    source = c.text_input(ui.t("source"), key="entry_source", help=ui.t("source_help")).strip() or None
    d, e = st.columns(2)
    reason = d.text_input(ui.t("reason"), key="entry_reason", help=ui.t("reason_help")).strip() or None
    note = e.text_input(ui.t("note"), key="entry_note").strip() or None
    return vintage, source, reason, note


def edit(grid: pd.DataFrame) -> pd.DataFrame:
    cfg = st.column_config
    return st.data_editor(
        grid, key=EDITOR, hide_index=True, width="stretch", num_rows="fixed", placeholder="",
        column_order=["indicator", "unit", "previous", "value", "vintage", "source", "reason",
                      "current_source", "current_batch"],
        disabled=["indicator", "unit", "previous", "current_source", "current_batch"],
        column_config={
            "indicator": cfg.TextColumn(ui.t("col_indicator"), width="medium"),
            "unit": cfg.TextColumn(ui.t("col_unit"), width="small"),
            "previous": cfg.NumberColumn(ui.t("col_previous"), format="localized"),
            "value": cfg.TextColumn(ui.t("col_value"), help=ui.t("col_value_help")),
            "vintage": cfg.SelectboxColumn(ui.t("vintage"), options=list(VINTAGES)),
            "source": cfg.TextColumn(ui.t("source")),
            "reason": cfg.TextColumn(ui.t("reason")),
            "current_source": cfg.TextColumn(ui.t("col_current_source")),
            "current_batch": cfg.TextColumn(ui.t("col_current_batch")),
        },
    )


def show_check(validation) -> None:
    problems = validation.problems
    ui.problem_banner(problems)
    if not problems.empty:
        st.dataframe(problems_table(problems, ui.lang()), hide_index=True, width="stretch", key="entry_problems",
                     column_config={ui.t("tbl_message"): st.column_config.TextColumn(width="large")})
    changes = validation.changes
    if changes.empty:
        if not validation.has_errors:
            st.info(ui.t("no_changes"))
    else:
        st.subheader(ui.t("changes_title_blocked" if validation.has_errors else "changes_title"))
        st.dataframe(changes_table(changes, ui.lang()), hide_index=True, width="stretch", key="entry_changes")


def ask_confirmations(validation) -> None:
    """A box for each kind of value that needs a yes: unusual values, values that replace a plan's own figures."""
    found = set(validation.problems["code"])
    for kind, codes in (("unusual", {"unusual_value", "unusual_scale"}), ("stated", {"replaces_stated"})):
        if found & (codes | {f"{c}_confirmed" for c in codes}):
            st.checkbox(ui.t(f"confirm_{kind}"), key=f"entry_confirm_{kind}", help=ui.t(f"confirm_{kind}_help"))


# The session key of the check the clerk was last shown (region, indicator, year, old_batch_id of each row).
SEEN = "entry_seen_check"


def shown_check(seen: pd.DataFrame | None, validation) -> pd.DataFrame:
    """The compared values to hold the save to: those the clerk was shown, and for rows the clerk has not been shown
    yet (an edit and the click in one rerun) those of this check."""
    rows = validation.rows[commands.CHECKED]
    if seen is None:
        return rows
    key = ["region", "indicator", "year"]
    now, before = rows.set_index(key).index, seen.set_index(key).index
    return pd.concat([seen[before.isin(now)], rows[~now.isin(before)]], ignore_index=True)


def moved_under_edits(seen: pd.DataFrame | None, grid: pd.DataFrame, region: str, year: int) -> list[str]:
    """The values the clerk was editing (seen: the last check shown, with each row's value in the table then) that
    the table now shows differently: someone else saved them, and the redrawn table dropped the clerk's edits."""
    if seen is None or seen.empty:
        return []
    here = seen[(seen["region"] == region) & (seen["year"] == year)]
    now = here["indicator"].map(grid.drop_duplicates("indicator").set_index("indicator")["value"])
    changed = here[now.notna() & (now.astype(str) != here["shown"].astype(str))]
    return [f"{r.indicator}({int(r.year)}年)" for r in changed.itertuples()]


def save(store, validation, user, note: str | None, plan_id: str, *, checked_against=None) -> None:
    """Write the batch, then confirm it where the clerk is looking: what was saved and the verdicts it moved."""
    # An editor's values wait for review: the verdicts they move are those they will move once approved.
    waits = not allowed(user, Action.REVIEW_VALUES)
    before = ui.load_verdicts(ui.version(pending=waits or None), plan_id, None, ui.lang())
    try:
        batch_id = commands.commit_validation(store, user, validation, kind="entry", note=note,
                                              checked_against=checked_against)
    # locked or changed by someone since the check: nothing written
    except (commands.LockedError, commands.ChangedMeanwhile) as exc:
        st.error(str(exc))
        return
    after = ui.load_verdicts(ui.version(pending=waits or None), plan_id, None, ui.lang())
    ui.flash("data-entry", ui.saved_message(user, batch_id, len(validation.changes)),
             service.verdict_moves(before, after), once_approved=waits)
    for key in (EDITOR, "entry_confirm_unusual", "entry_confirm_stated"):
        st.session_state.pop(key, None)      # a confirmation holds for the values it was given for only
    st.rerun()


def main() -> None:
    st.title(ui.t("entry_title"))
    st.caption(ui.t("entry_intro"))
    user = ui.require(Action.WRITE_ACTUALS)
    store = ui.get_store()           # read directly, not through cached loaders: values change on this page
    plans = store.plans()
    if plans.empty:
        st.info(ui.t("empty_db"))
        return
    plan_id, region, year, targets = pick_scope(store, plans)
    st.caption(ui.t("entered_as", user=user.label))
    vintage, source, reason, note = batch_fields()
    ref = Reference.from_store(store)
    grid = entry_grid(ref, targets, region, year)
    if grid.empty:
        st.info(ui.t("entry_no_indicators"))
        return
    edited = edit(grid)
    raw = entry_rows(grid, edited, region, year, default_source=source)
    ui.show_flash("data-entry")            # below the table: where the clerk's eyes are after 保存
    if raw.empty:
        moved = moved_under_edits(st.session_state.pop(SEEN, None), grid, region, year)
        if moved:     # the table was redrawn with someone else's values, which cleared the clerk's edits
            st.warning(ui.t("entry_changed_meanwhile", values=ui.t("list_separator").join(moved)),
                       icon=":material/sync_problem:")
        st.caption(ui.t("entry_hint"))
        return
    validation = validate(raw, ref, default_vintage=vintage, default_reason=reason,
                          confirm_unusual=bool(st.session_state.get("entry_confirm_unusual")),
                          confirm_stated=bool(st.session_state.get("entry_confirm_stated")))
    show_check(validation)
    ask_confirmations(validation)
    ready = not validation.has_errors and not validation.changes.empty
    # What the clerk was shown before this rerun: a value someone else changed since is refused at 保存
    seen = st.session_state.get(SEEN)
    st.session_state[SEEN] = validation.rows[commands.CHECKED].assign(
        shown=validation.rows["indicator"].map(grid.drop_duplicates("indicator").set_index("indicator")["value"]))
    if st.button(ui.t("entry_save"), type="primary", disabled=not ready, key="entry_save"):
        st.session_state.pop(SEEN, None)
        save(store, validation, user, note, plan_id,
             checked_against=shown_check(None if seen is None else seen[commands.CHECKED], validation))


main()
