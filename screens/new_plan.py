"""新增规划: bring in a plan's text, review the proposed targets, commit the plan; correct or retire one added here."""

import datetime as dt

import pandas as pd
import streamlit as st
from streamlit.errors import StreamlitPageNotFoundError

import ui
from tracker import commands
from tracker.access.actions import Action
from tracker.i18n import KIND_LABELS, label
from tracker.i18n.labels import COMPARATOR_SIGNS, REVIEW_LABELS
from tracker.intake import UnreadableDocument, propose_targets, read_document, read_pasted, review
from tracker.intake.indicator_table import read_indicator_table, template_bytes

PAGE = "new-plan"
EDITOR = "np_editor"
SOURCES = ("file", "paste", "table")


def read_source():
    """Step 1: the document (an upload, pasted text or the indicator table) read into text, kept in the session."""
    st.subheader(ui.t("np_step_source"))
    labels = {"file": ui.t("np_source_file"), "paste": ui.t("np_source_paste"), "table": ui.t("np_source_table")}
    source = st.radio(ui.t("np_source_kind"), SOURCES, format_func=labels.get, horizontal=True, key="np_source")
    upload = pasted = None
    if source == "file":
        upload = st.file_uploader(ui.t("np_upload"), type=["docx", "pdf", "txt", "html", "htm"], key="np_file")
    elif source == "paste":
        pasted = st.text_area(ui.t("np_paste"), height=200, key="np_paste", help=ui.t("np_paste_help"))
    else:
        st.download_button(ui.t("np_template"), template_bytes(), file_name="主要指标表模板.xlsx", key="np_template",
                           mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        upload = st.file_uploader(ui.t("np_upload"), type=["xlsx"], key="np_table")
    if st.button(ui.t("np_read"), key="np_read", type="primary"):
        try:
            if source == "paste":
                document = read_pasted(pasted or "")
            elif upload is None:
                st.warning(ui.t("np_no_text_yet"))
                return
            elif source == "table":
                document = ("table", upload.name, upload.getvalue())
            else:
                document = read_document(upload.name, upload.getvalue())
        except UnreadableDocument as exc:
            st.error(exc.message(ui.lang()))
            return
        for key in ("np_table_rows", EDITOR, "np_meta_defaults"):
            st.session_state.pop(key, None)
        st.session_state["np_document"] = document


def plan_meta(document, store) -> review.PlanMeta:
    """Step 2: what the plan is; the defaults are guessed from the text."""
    st.subheader(ui.t("np_step_meta"))
    regions = store.regions()["region"].tolist()
    text = document[1] if isinstance(document, tuple) else document.text
    defaults = st.session_state.setdefault("np_meta_defaults", review.guess_meta(text, regions))
    a, b, c = st.columns([3, 1, 1])
    title = a.text_input(ui.t("np_meta_title"), value=defaults["title"], key="np_m_title")
    short_name = b.text_input(ui.t("np_meta_short_name"), value=defaults["short_name"], key="np_m_short")
    region = c.text_input(ui.t("np_meta_region"), value=defaults["region"], key="np_m_region")
    d, e, f, g, h = st.columns(5)
    body = d.text_input(ui.t("np_meta_issuing_body"), key="np_m_body")
    issued = e.date_input(ui.t("np_meta_issued_on"), value=None, key="np_m_issued",
                          min_value=dt.date(1949, 1, 1), max_value=dt.date(2100, 12, 31))
    start = f.number_input(ui.t("np_meta_start_year"), 1949, 2100, int(defaults["start_year"]), key="np_m_start")
    end = g.number_input(ui.t("np_meta_target_year"), 1949, 2100, int(defaults["target_year"]), key="np_m_end")
    base = h.number_input(ui.t("np_meta_base_year"), 1949, 2100, int(defaults["base_year"]), key="np_m_base")
    return review.PlanMeta(title=title, short_name=short_name, region=region, start_year=int(start),
                           target_year=int(end), base_year=int(base), issuing_body=body or None, issued_on=issued)


def proposals(document, meta: review.PlanMeta, names: review.Names):
    """The document's text and the review table, proposed once per document and plan period."""
    key = (id(document), meta.start_year, meta.target_year)
    if st.session_state.get("np_table_key") != key:
        if isinstance(document, tuple):
            try:
                text_doc, found = read_indicator_table(document[1], document[2], plan_start=meta.start_year,
                                                       plan_end=meta.target_year, indicators=names)
            except UnreadableDocument as exc:
                st.error(exc.message(ui.lang()))
                return None, None
        else:
            text_doc = document
            found = propose_targets(document.text, plan_start=meta.start_year, plan_end=meta.target_year,
                                    indicators=names.for_extraction(), regions=names.regions["region"].tolist())
        st.session_state["np_text_doc"] = text_doc
        st.session_state["np_table_rows"] = review.review_table(found, names, meta.region, ui.lang())
        st.session_state["np_table_key"] = key
        st.session_state.pop(EDITOR, None)
        st.caption(ui.t("np_document_read", name=text_doc.name or review.PASTED_NAME, chars=len(text_doc.text),
                        n=len(found)))
    return st.session_state["np_text_doc"], st.session_state["np_table_rows"]


def column_config(names: review.Names) -> dict:
    cfg = st.column_config
    lang = ui.lang()

    def words(code) -> str:     # the choices in words; the table keeps the codes
        if code in KIND_LABELS:
            return label(KIND_LABELS, code, lang)
        if code in REVIEW_LABELS:
            return label(REVIEW_LABELS, code, lang)
        return COMPARATOR_SIGNS.get(code, code) if isinstance(code, str) else ""

    col = {c: ui.t(f"np_col_{c}") for c in review.COLUMNS}
    indicators = sorted(names.indicators["indicator"].tolist())
    return {
        "accept": cfg.CheckboxColumn(col["accept"], width="small"),
        "role": cfg.SelectboxColumn(col["role"], options=list(review.ROLES), required=True, format_func=words),
        "indicator": cfg.TextColumn(col["indicator"], width="medium", help=", ".join(indicators[:40]) + " …"),
        "subject": cfg.TextColumn(col["subject"]),
        "region": cfg.TextColumn(col["region"]),
        "kind": cfg.SelectboxColumn(col["kind"], options=list(review.KINDS), format_func=words),
        "comparator": cfg.SelectboxColumn(col["comparator"], options=list(review.COMPARATORS), format_func=words),
        **{c: cfg.NumberColumn(col[c], format="%g") for c in review.NUMBER_COLUMNS},
        "unit": cfg.TextColumn(col["unit"], width="small"),
        "target_year": cfg.NumberColumn(col["target_year"], format="%d", min_value=1949, max_value=2100),
        "baseline_year": cfg.NumberColumn(col["baseline_year"], format="%d", min_value=1949, max_value=2100),
        "binding": cfg.SelectboxColumn(col["binding"], options=list(review.BINDINGS)),
        "relative_to": cfg.TextColumn(col["relative_to"]),
        "basis": cfg.SelectboxColumn(col["basis"], options=["level", "per_year", "cumulative"], format_func=words),
        "indicator_unit": cfg.TextColumn(col["indicator_unit"], width="small"),
        "direction": cfg.SelectboxColumn(col["direction"], options=list(review.DIRECTIONS), format_func=words,
                                         help=ui.t("np_direction_help")),
        "path_kind": cfg.SelectboxColumn(col["path_kind"], options=list(review.PATH_KINDS), format_func=words,
                                         help=ui.t("np_path_help")),
        "section": cfg.TextColumn(col["section"]),
        "quote": cfg.TextColumn(col["quote"], width="large"),
        "offset": cfg.NumberColumn(col["offset"], format="%d"),
        "confidence": cfg.ProgressColumn(col["confidence"], min_value=0.0, max_value=1.0, format="%.2f"),
        "reasons": cfg.TextColumn(col["reasons"], width="medium"),
        "match": cfg.TextColumn(col["match"], width="small"),
    }


def review_rows(table: pd.DataFrame, names: review.Names, key: str = EDITOR) -> pd.DataFrame:
    """Step 3: the proposals as an editable table; confidence, reasons and the match are shown, not edited."""
    shown = table.set_axis(range(1, len(table) + 1))      # numbered as the checks name the rows
    edited = st.data_editor(shown, key=key, hide_index=False, width="stretch", num_rows="dynamic", placeholder="",
                            column_order=review.COLUMNS, column_config=column_config(names),
                            disabled=["confidence", "reasons", "match"])
    return review.normalise(edited)


def show_context(text: str, table: pd.DataFrame) -> None:
    """The chosen row's sentence highlighted in the text around it."""
    if table.empty:
        return
    row = st.number_input(ui.t("np_col_row"), 1, len(table), 1, key="np_context_row")
    r = table.iloc[int(row) - 1]
    before, quote, after = review.context(text, None if pd.isna(r["offset"]) else int(r["offset"]), r["quote"])
    with st.container(border=True):
        st.caption(ui.t("np_context", row=int(row)))
        st.markdown(f"…{escape(before)}**:orange-background[{escape(quote)}]**{escape(after)}…")


def escape(text: str) -> str:
    """Text shown inside markdown as written (no emphasis, links or line breaks of its own)."""
    flat = " ".join((text or "").split())
    for char in "\\`*_[]()#+-!|<>$~:":
        flat = flat.replace(char, "\\" + char)
    return flat


def show_problems(problems: list[review.Problem]) -> None:
    st.subheader(ui.t("np_problems"))
    errors = sum(p.severity == "error" for p in problems)
    if errors:
        st.error(ui.t("np_errors", n=errors))
    elif problems:
        st.info(ui.t("np_warnings_only", n=len(problems)))
    else:
        st.success(ui.t("np_all_clear"))
    if problems:
        frame = review.problems_frame(problems, ui.lang())
        frame["severity"] = frame["severity"].map(lambda s: ui.t(f"np_severity_{s}"))
        st.dataframe(frame.rename(columns={c: ui.t(f"np_col_{c}") for c in frame.columns}), hide_index=True,
                     width="stretch", key="np_problems_table")


def commit(store, user, meta, table, text_doc, names, problems) -> None:
    """Step 4: what will be written, a confirmation, the commit."""
    st.subheader(ui.t("np_step_commit"))
    if review.has_errors(problems):
        return
    rows = review.build_plan(meta, table, text_doc, names, plan_id="preview", reviewer=user.username,
                             now=dt.datetime.now())
    st.info(ui.t("np_summary", plan=meta.title, **rows.counts()))
    sure = st.checkbox(ui.t("np_confirm"), key="np_sure")
    if st.button(ui.t("np_commit"), type="primary", disabled=not sure, key="np_commit"):
        try:
            done = commands.create_plan(store, user, meta, table, text_doc)
        except review.ReviewRejected as exc:
            show_problems(exc.problems)
            return
        ui.flash(PAGE, ui.t("np_committed", plan=done.title, plan_id=done.plan_id, **done.counts))
        st.session_state["np_done"] = done.plan_id
        for key in ("np_document", "np_table_rows", "np_table_key", "np_text_doc", EDITOR, "np_sure",
                    "np_meta_defaults", "np_paste"):
            st.session_state.pop(key, None)
        st.rerun()


def new_plan(store, user) -> None:
    read_source()
    document = st.session_state.get("np_document")
    if document is None:
        st.caption(ui.t("np_no_text_yet"))
        return
    names = review.Names.from_store(store)
    meta = plan_meta(document, store)
    text_doc, table = proposals(document, meta, names)
    if table is None:
        return
    st.subheader(ui.t("np_step_review"))
    st.caption(ui.t("np_review_hint"))
    edited = review_rows(table, names)
    show_context(text_doc.text, edited)
    problems = review.check_review(meta, edited, text_doc.text, names,
                                   same_document=store.plans_with_text(review.text_sha256(text_doc.text)))
    show_problems(problems)
    commit(store, user, meta, edited, text_doc, names, problems)


def manage(store, user) -> None:
    """Correct one target of a plan added here (a new revision, the old row archived), or retire the plan."""
    st.divider()
    st.subheader(ui.t("np_manage"))
    retired = st.toggle(ui.t("np_show_retired"), key="np_show_retired")
    plans = store.reviewed_plans(include_retired=retired)
    if plans.empty:
        st.caption(ui.t("np_manage_none"))
        return
    labels = {r.plan_id: f"{r.short_name}({r.plan_id},{ui.t('np_status_' + (r.status or 'active'))})"
              for r in plans.itertuples()}
    plan_id = st.selectbox(ui.t("np_manage_plan"), list(labels), format_func=labels.get, key="np_manage_plan")
    plan = plans.set_index("plan_id").loc[plan_id]
    targets = store.targets(plan_id)
    st.subheader(ui.t("np_correct_title"))
    choices = ["", *targets["target_id"]]
    subjects = dict(zip(targets["target_id"], targets["indicator"], strict=True))
    target_id = st.selectbox(ui.t("np_correct_target"), choices, key="np_correct_target",
                             format_func=lambda i: f"{i} {subjects[i]}" if i else ui.t("np_correct_new"))
    start = (review.row_of_target(targets.set_index("target_id").loc[target_id].to_dict() | {"target_id": target_id})
             if target_id else {c: None for c in review.COLUMNS} | {"accept": True, "role": "target",
                                                                     "region": plan["region"], "direction": "up"})
    names = review.Names.from_store(store)
    one = st.data_editor(review.normalise(pd.DataFrame([start])), key=f"np_correct_row_{plan_id}_{target_id}",
                         hide_index=True, placeholder="", width="stretch", num_rows="fixed", column_order=review.COLUMNS[1:26],
                         column_config=column_config(names))
    reason = st.text_input(ui.t("np_correct_reason"), key="np_correct_reason")
    a, b = st.columns(2)
    try:
        if a.button(ui.t("np_correct_save"), key="np_correct_save", type="primary"):
            row = review.normalise(one).iloc[0].to_dict()
            done = commands.correct_plan_target(store, user, plan_id, row, reason=reason, target_id=target_id or None)
            ui.flash(PAGE, ui.t("np_corrected", plan=done.title, revision=done.revision,
                                target_id=done.counts.get("target_id")))
            st.rerun()
        if target_id and b.button(ui.t("np_withdraw"), key="np_withdraw"):
            commands.withdraw_plan_target(store, user, plan_id, target_id, reason=reason)
            ui.flash(PAGE, ui.t("np_withdrawn", target_id=target_id))
            st.rerun()
    except review.ReviewRejected as exc:
        for problem in exc.problems:
            st.error(problem.message(ui.lang()))
    correct_details(store, user, plan_id, plan)
    retire(store, user, plan_id, plan)
    history = review.plan_history(store.plan_events(plan_id), store.target_archive(plan_id), ui.lang())
    if not history.empty:
        st.subheader(ui.t("np_history"))
        st.dataframe(pd.DataFrame({
            ui.t("np_history_at"): history["at"].dt.strftime("%Y-%m-%d %H:%M"), ui.t("np_history_who"): history["who"],
            ui.t("np_history_what"): history["what"], ui.t("np_history_detail"): history["detail"],
        }), hide_index=True, width="stretch", key="np_archive")


def correct_details(store, user, plan_id: str, plan: pd.Series) -> None:
    """The plan's own details (title, short name, region, period, issuing body, date), corrected with a reason."""
    st.subheader(ui.t("np_meta_title_correct"))
    old = review.meta_of(plan)
    regions = store.regions()["region"].tolist()
    with st.form(f"np_meta_form_{plan_id}", border=False):
        a, b, c = st.columns([3, 1, 1])
        title = a.text_input(ui.t("np_meta_title"), value=old.title)
        short_name = b.text_input(ui.t("np_meta_short_name"), value=old.short_name, key=f"np_fix_short:{plan_id}")
        region = c.selectbox(ui.t("np_meta_region"), regions,
                             index=regions.index(old.region) if old.region in regions else 0)
        d, e, f, g, h = st.columns(5)
        body = d.text_input(ui.t("np_meta_issuing_body"), value=old.issuing_body or "")
        issued = e.date_input(ui.t("np_meta_issued_on"), value=old.issued_on, min_value=dt.date(1949, 1, 1),
                              max_value=dt.date(2100, 12, 31))
        start = f.number_input(ui.t("np_meta_start_year"), 1949, 2100, old.start_year)
        end = g.number_input(ui.t("np_meta_target_year"), 1949, 2100, old.target_year, key=f"np_fix_end:{plan_id}")
        base = h.number_input(ui.t("np_meta_base_year"), 1949, 2100, old.base_year or old.start_year - 1)
        reason = st.text_input(ui.t("np_meta_reason"), key=f"np_fix_reason:{plan_id}")
        saved = st.form_submit_button(ui.t("np_meta_save"))
    if not saved:
        return
    meta = review.PlanMeta(title=title, short_name=short_name, region=region, start_year=int(start),
                           target_year=int(end), base_year=int(base), issuing_body=body or None, issued_on=issued,
                           doc_type=old.doc_type)
    try:
        done = commands.correct_plan_meta(store, user, plan_id, meta, reason=reason)
    except review.ReviewRejected as exc:
        for problem in exc.problems:
            st.error(problem.message(ui.lang()))
        return
    fields = "、".join(ui.t(f"np_meta_{f}") for f in done.counts["changed"])
    ui.flash(PAGE, ui.t("np_meta_corrected", plan=done.title, revision=done.revision, fields=fields))
    st.rerun()


def retire(store, user, plan_id: str, plan: pd.Series) -> None:
    st.subheader(ui.t("np_retire_title"))
    active = (plan["status"] or "active") != "retired"
    reason = st.text_input(ui.t("np_retire_reason"), key="np_retire_reason")
    if st.button(ui.t("np_retire" if active else "np_reactivate"), key="np_retire"):
        try:
            commands.retire_plan(store, user, plan_id, reason=reason, retired=active)
        except review.ReviewRejected as exc:
            st.error(exc.problems[0].message(ui.lang()))
            return
        ui.flash(PAGE, ui.t("np_retired" if active else "np_reactivated", plan=plan["title"]))
        st.rerun()


def main() -> None:
    st.title(ui.t("np_title"))
    st.caption(ui.t("np_intro"))
    user = ui.require(Action.ADD_PLANS)
    store = ui.get_store()           # read directly: this page writes
    ui.show_flash(PAGE)
    done = st.session_state.get("np_done")
    if done:
        try:
            st.page_link("screens/overview.py", label=ui.t("np_open_overview"), icon=":material/dashboard:",
                         query_params={"plan": done})
        except StreamlitPageNotFoundError:      # the page run on its own (tests), outside the app's navigation
            st.markdown(f"[{ui.t('np_open_overview')}](./?plan={done})")
    new_plan(store, user)
    manage(store, user)


main()
