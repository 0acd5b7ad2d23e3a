"""数据上传: download a template, upload a file, read every problem with its cell, see the changes, confirm, commit."""

import datetime as dt
import hashlib

import pandas as pd
import streamlit as st

import ui
from tracker import commands
from tracker.access.actions import Action
from tracker.actuals.display import changes_table, problems_table
from tracker.actuals.excel import TemplateSpec, long_template, wide_template
from tracker.actuals.upload import UnreadableFile, check_upload
from tracker.actuals.validate import VINTAGES
from tracker.actuals.worker import start_reader

FILE_TYPES = ["xlsx", "xlsm", "xls", "csv"]


def templates(store, plans) -> None:
    with st.expander(ui.t("templates")):
        st.caption(ui.t("templates_intro"))
        names = dict(zip(plans["plan_id"], plans["short_name"], strict=True))
        a, b = st.columns([3, 1])
        ids = list(names)
        wanted = ui.wanted_plan()      # the plan the other pages have open
        plan_id = a.selectbox(ui.t("plan"), ids, index=ids.index(wanted) if wanted in ids else 0,
                              format_func=names.get, key="upload_template_plan")
        this_year = dt.date.today().year
        last = int(plans.set_index("plan_id").loc[plan_id, "target_year"])
        years = ui.data_years(plans.set_index("plan_id").loc[plan_id])
        year = b.number_input(ui.t("template_year"), years[-1], this_year, min(last, this_year - 1),
                              key=f"upload_template_year_{plan_id}")
        spec = TemplateSpec.from_store(store, plan_id, int(year))
        c, d = st.columns(2)
        xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        # Built only when clicked: openpyxl takes a while and the page reruns on every widget change.
        c.download_button(ui.t("download_long"), lambda: long_template(spec), file_name=f"{plan_id}-长表模板.xlsx",
                          mime=xlsx, on_click="ignore", key="upload_download_long", icon=":material/download:")
        d.download_button(ui.t("download_wide"), lambda: wide_template(spec), file_name=f"{plan_id}-宽表模板.xlsx",
                          mime=xlsx, on_click="ignore", key="upload_download_wide", icon=":material/download:")


def options(store) -> dict:
    user = ui.current_user()
    st.caption(ui.t("entered_as", user=user.label))
    with st.expander(ui.t("upload_options")):
        regions = [""] + store.regions()["region"].tolist()
        a, b, c = st.columns(3)
        auto, unstated = ui.t("auto"), ui.t("vintage_none")    # labels fixed now: format_func may run later
        region = a.selectbox(ui.t("default_region"), regions, key="upload_region", format_func=lambda r: r or auto)
        years = [0, *ui.data_years(plans=store.plans())]
        year = b.selectbox(ui.t("default_year"), years, key="upload_year", format_func=lambda y: str(y) if y else auto)
        vintage = c.radio(ui.t("vintage"), ["", *VINTAGES], key="upload_vintage", horizontal=True,
                          format_func=lambda v: v or unstated, help=ui.t("vintage_help"))
        d, e = st.columns(2)
        reason = d.text_input(ui.t("reason"), key="upload_reason", help=ui.t("reason_help")).strip()
        note = e.text_input(ui.t("note"), key="upload_note").strip()
    return {"user": user, "default_region": region or None, "default_year": year or None,
            "default_vintage": vintage or None, "default_reason": reason or None, "note": note or None,
            **confirmations()}


def confirmations() -> dict:
    """The clerk's answers to the checks that ask for one (the boxes are shown by ask_confirmations)."""
    return {"confirm_unusual": bool(st.session_state.get("upload_confirm_unusual")),
            "confirm_stated": bool(st.session_state.get("upload_confirm_stated"))}


def ask_confirmations(check) -> None:
    """A box for each kind of value that needs a yes: unusual values, values that replace a plan's own figures."""
    for kind, codes in (("unusual", ("unusual_value", "unusual_scale")), ("stated", ("replaces_stated",))):
        if any(check.needs(c) or check.needs(f"{c}_confirmed") for c in codes):
            st.checkbox(ui.t(f"confirm_{kind}"), key=f"upload_confirm_{kind}", help=ui.t(f"confirm_{kind}_help"))


def run_check(store, name: str, data: bytes, opts: dict, sheet: str | None, *, reuse: bool = False):
    """Read and validate; with reuse, the last result for the same file and options is kept for this session
    (a 100,000-row file takes seconds, and every click reruns the page)."""
    keys = ("default_region", "default_year", "default_vintage", "default_reason", "confirm_unusual",
            "confirm_stated")
    token = (hashlib.sha256(data).hexdigest(), name, sheet, *(opts[k] for k in keys))
    cached = st.session_state.get("upload_cache")
    if reuse and cached and cached[0] == token:
        return cached[1]
    check = check_upload(store, name, data, sheet=sheet, **{k: opts[k] for k in keys})
    st.session_state["upload_cache"] = (token, check)
    return check


def summary(check) -> None:
    read, counts = check.read, check.validation.counts
    if read.layout:
        st.caption(ui.t("read_summary", sheet=read.sheet, layout=ui.t(f"layout_{read.layout}"), row=read.header_row))
    problems = check.problems
    cols = st.columns(6)
    cols[0].metric(ui.t("metric_values"), counts.get("values", 0))
    cols[1].metric(ui.t("metric_errors"), int((problems["level"] == "error").sum()))
    cols[2].metric(ui.t("metric_warnings"), int((problems["level"] == "warning").sum()))
    cols[3].metric(ui.t("metric_new"), counts.get("new", 0))
    cols[4].metric(ui.t("metric_changed"), counts.get("changed", 0))
    cols[5].metric(ui.t("metric_unchanged"), counts.get("unchanged", 0))


def show_problems(check) -> None:
    problems = check.problems
    ui.problem_banner(problems)
    if not problems.empty:
        st.subheader(ui.t("problems_title"))
        st.dataframe(problems_table(problems, ui.lang()), hide_index=True, width="stretch", key="upload_problems",
                     column_config={ui.t("tbl_message"): st.column_config.TextColumn(width="large")})


def show_changes(check) -> None:
    changes = check.validation.changes
    if changes.empty:
        if not check.has_errors:
            st.info(ui.t("no_changes"))
        return
    st.subheader(ui.t("changes_title_blocked" if check.has_errors else "changes_title"))
    st.dataframe(changes_table(changes, ui.lang()), hide_index=True, width="stretch", key="upload_changes")


# What the clerk confirms: each change with the value it replaces.
CONFIRMED = ["region", "indicator", "year", "value", "old_value"]


def confirm_key(changes: pd.DataFrame) -> str:
    """The confirmation box's key, one per table of changes: a recomputed table gets a new, unticked box (the tick
    was given for the table it stood under)."""
    digest = pd.util.hash_pandas_object(changes[CONFIRMED], index=False).to_numpy().tobytes()
    return CONFIRM_PREFIX + hashlib.sha256(digest).hexdigest()[:12]


CONFIRM_PREFIX = "upload_confirm:"


def confirm_and_commit(store, check, opts: dict, name: str, data: bytes, sheet: str | None) -> None:
    n = len(check.validation.changes)
    if check.has_errors or n == 0:
        return
    if st.session_state.pop("upload_stale", False):
        st.warning(ui.t("stale"))
    agreed = st.checkbox(ui.t("confirm", n=n), key=confirm_key(check.validation.changes))
    if st.button(ui.t("commit"), type="primary", key="upload_commit", disabled=not agreed):
        fresh = run_check(store, name, data, opts, sheet)   # the database may have moved since the preview
        if fresh.has_errors or not fresh.validation.changes[CONFIRMED].reset_index(drop=True).equals(
                check.validation.changes[CONFIRMED].reset_index(drop=True)):
            st.session_state["upload_stale"] = True    # shown again, recomputed, to be confirmed again
            st.rerun()
        try:
            # committed as the clerk saw it: the command layer refuses it if a value it compared with has moved
            batch_id = commands.commit_validation(store, opts["user"], check.validation, kind="upload",
                                                  note=opts["note"], file_name=name, file_sha256=fresh.read.sha256)
        # locked, or changed by someone else, a moment ago: nothing written
        except (commands.LockedError, commands.ChangedMeanwhile) as exc:
            st.error(str(exc))
            return
        st.session_state["upload_committed"] = (fresh.read.sha256, batch_id)
        st.session_state["upload_flash"] = ui.saved_message(opts["user"], batch_id, n)
        for key in [k for k in st.session_state if str(k).startswith(CONFIRM_PREFIX)] + [
                "upload_confirm_unusual", "upload_confirm_stated"]:
            st.session_state.pop(key, None)   # a confirmation holds for the file it was given for only
        st.rerun()


def main() -> None:
    st.title(ui.t("upload_title"))
    st.caption(ui.t("upload_intro"))
    ui.require(Action.WRITE_ACTUALS)
    if "upload_flash" in st.session_state:
        st.success(st.session_state.pop("upload_flash"))
    store = ui.get_store()
    start_reader()              # the reading subprocesses' fork server imports while the clerk picks a file
    plans = store.plans()
    if plans.empty:
        st.info(ui.t("empty_db"))
        return
    templates(store, plans)
    opts = options(store)
    uploaded = st.file_uploader(ui.t("upload_file"), type=FILE_TYPES, key="upload_file")
    if uploaded is None:
        return
    name, data = uploaded.name, uploaded.getvalue()
    committed = st.session_state.get("upload_committed")
    sheet = st.session_state.get("upload_sheet") or None
    try:
        check = run_check(store, name, data, opts, sheet, reuse=True)
    except UnreadableFile as exc:
        st.error(ui.t("unreadable", msg=exc.message(ui.lang())))
        return
    if len(check.read.sheets) > 1:
        detect = ui.t("sheet_auto")
        st.selectbox(ui.t("sheet"), ["", *check.read.sheets], key="upload_sheet", format_func=lambda s: s or detect)
    if committed and committed[0] == check.read.sha256:
        st.info(ui.t("committed_file", batch=committed[1]))
        return
    summary(check)
    show_problems(check)
    ask_confirmations(check)
    show_changes(check)
    confirm_and_commit(store, check, opts, name, data, sheet)


main()
