"""指标详情: one target's story — baseline, target, planned path, actual values, projection, sources, revisions."""

import pandas as pd
import streamlit as st

import ui
from tracker.formatting import MISSING
from tracker.methodology.verdicts import schedule_label
from tracker.reports import bundle, charts, snapshot
from tracker.reports.cells import markdown_literal
from tracker.reports.naming import target_parts
from tracker.views import service, tables

# A plan with more targets than this is picked in two steps, region then target: one list of 180,000 labels would
# take seconds to build and could not be searched by eye.
PICK_BY_REGION_FROM = 1000


def pick_target(targets: pd.DataFrame, version: str, plan_id: str, as_of: int | None) -> str:
    """Target picker, kept in the URL as ?target=…; the overview links here with it.

    Without a target in the URL it opens the first target with values after its base year: a chart with data
    says more than the plan's first sentence.
    """
    wanted = ui.selected("target")
    if not (targets["target_id"] == wanted).any():
        verdicts = ui.load_verdicts(version, plan_id, as_of, ui.lang())
        moving = verdicts.loc[service.with_progress(verdicts), "target_id"]
        wanted = moving.iloc[0] if len(moving) else targets["target_id"].iloc[0]
    if len(targets) > PICK_BY_REGION_FROM:
        regions = pd.unique(targets["region"]).tolist()
        home = targets.loc[targets["target_id"] == wanted, "region"].iloc[0]
        region = st.selectbox(ui.t("col_region"), regions, index=regions.index(home), key="indicator_region")
        targets = targets[targets["region"] == region]
        if region != home:
            wanted = targets["target_id"].iloc[0]
    ids = targets["target_id"].tolist()
    labels = tables.target_labels(targets, ui.lang())
    target_id = st.selectbox(ui.t("pick_target"), ids, index=ids.index(wanted),
                             format_func=labels.get, key=ui.lang_key("indicator_target"))
    ui.remember("target", target_id)
    return target_id


def show_sources(story) -> None:
    st.subheader(ui.t("quotes_title"))
    for q in story.quotes.itertuples():
        role = ui.t("quote_source") if q.role == "source" else ui.t("quote_restated")
        st.markdown(f"> {markdown_literal(' '.join(q.quote.split()))}\n\n— {role} · 《{markdown_literal(q.plan_title)}》 · "
                    f"`{service.document_label(q.seed_file)}`")
    target = story.target
    if isinstance(target.get("assumption"), str):
        st.caption(ui.t("labelled", label=ui.t("col_assumption"), value=target["assumption"]))


def show_other_plans(story, plan: pd.Series) -> None:
    """Where other plans (the next 五年规划, a work plan within this one) target the same series."""
    if story.other_plans is None or story.other_plans.empty:
        return
    st.markdown(f"**{ui.t('other_plans_title')}**")
    st.caption(ui.t("other_plans_caption", region=story.target["region"]))
    st.dataframe(tables.every_plan_table(story, plan, ui.lang()), hide_index=True, width="stretch",
                 column_config={ui.t("col_year"): st.column_config.NumberColumn(format="%d")})


def show_history(story) -> None:
    st.subheader(ui.t("history_title"))
    history = story.history
    if history is None or history.empty:
        st.caption(ui.t("no_history"))
        return
    st.dataframe(pd.DataFrame({
        ui.t("col_year_actual"): history["year"],
        ui.t("col_value"): history["value"],
        ui.t("col_unit"): history["unit"],
        ui.t("col_current"): history["is_current"],
        ui.t("col_vintage"): history["vintage"],
        ui.t("col_reason"): history["reason"],
        ui.t("col_source"): history["source"],
        ui.t("col_batch"): history["batch_id"],
        ui.t("col_entered_by"): history["entered_by"],
        ui.t("col_entered_at"): history["entered_at"],
    }), hide_index=True, placeholder=MISSING, width="stretch", column_config={
        ui.t("col_year_actual"): st.column_config.NumberColumn(format="%d"),
    })


def show_assessment(story) -> None:
    """A qualitative target's current status, who set it when, and the evidence given."""
    with st.container(border=True):
        st.markdown(f"**{ui.t('assessment_title')}**")
        a = story.assessment
        if a is None:
            st.caption(ui.t("assessment_none"))
            return
        st.text(ui.t("assessment_line", status=schedule_label(a["status"], ui.lang()), by=a["set_by"],
                     at=f"{pd.Timestamp(a['set_at']):%Y-%m-%d %H:%M}"))
        if isinstance(a.get("note"), str) and a["note"]:
            st.text(ui.t("assessment_evidence", note=a["note"]))


def assess_qualitative(story, as_of: int | None) -> None:
    """Editors set the status of a qualitative target; everyone sees the current one in the verdicts above."""
    from tracker.access.actions import Action, allowed
    from tracker.commands import QUALITATIVE_STATUSES
    from tracker.commands import assess_qualitative as assess

    user = ui.current_user()
    if story.target["kind"] != "qualitative" or not allowed(user, Action.ASSESS_QUALITATIVE):
        return
    store = ui.get_store()
    st.subheader(ui.t("qualitative_title"))
    st.caption(ui.t("qualitative_help"))
    with st.form("indicator_qualitative"):
        status = st.selectbox(ui.t("qualitative_status"), QUALITATIVE_STATUSES, key="indicator_q_status",
                              format_func=lambda code: schedule_label(code, ui.lang()))
        note = st.text_input(ui.t("qualitative_note"), key="indicator_q_note")
        if st.form_submit_button(ui.t("qualitative_save")):
            before = ui.load_verdicts(ui.version(), story.target["plan_id"], as_of, ui.lang())
            assess(store, user, story.target["target_id"], status, note.strip() or None)
            after = ui.load_verdicts(ui.version(), story.target["plan_id"], as_of, ui.lang())
            ui.flash("indicator-detail", ui.t("qualitative_saved_as", status=schedule_label(status, ui.lang())),
                     service.verdict_moves(before, after))
            st.rerun()


def main() -> None:
    st.title(ui.t("nav_indicator"))
    ui.show_flash("indicator-detail")
    all_targets = ui.load_targets(ui.version())
    wanted = st.query_params.get("target")
    linked = all_targets.loc[all_targets["target_id"] == wanted, "plan_id"]
    if len(linked):   # a link names the target: open its plan
        ui.remember("plan", linked.iloc[0])
    header = ui.plan_and_year("indicator")
    if header is None:
        return
    version, plan, as_of = header
    lang = ui.lang()
    plan_targets = ui.load_targets(version, plan.name)
    pickable = ui.unit_filter(plan_targets, "indicator_units")
    target_id = pick_target(pickable if len(pickable) else plan_targets, version, plan.name, as_of)
    story = ui.load_story(version, target_id, as_of, lang)
    st.caption(" · ".join([story.target["region"], plan["title"],
                           ui.t("labelled", label=ui.t("col_schedule"), value=story.verdict["schedule_label"]),
                           ui.t("labelled", label=ui.t("col_trend"), value=story.verdict["trend_label"])]))
    if story.no_chart_reason:
        st.info(ui.t(story.no_chart_reason))
    else:
        # Parts tell apart the targets of one region and indicator: only those need reading.
        same = plan_targets[(plan_targets["region"] == story.target["region"])
                            & (plan_targets["indicator"] == story.target["indicator"])]
        part = target_parts(same).get(target_id, "")
        fig = charts.get_indicator_chart(story, lang, charts.plain(bundle.indicator_title(story, part, lang)))
        st.plotly_chart(fig, config=ui.CHART_CONFIG, key="indicator_chart")
        caption = bundle.indicator_caption(plan, story, as_of, lang, part=part, pending=ui.include_pending())
        ui.png_download(lambda: snapshot.figure_png(fig, caption=caption),
                        key="indicator_png",
                        file_name=f"{plan.name}-{bundle.indicator_file_name(story.target['number'], story)}")
        show_other_plans(story, plan)
    if story.target["kind"] == "qualitative":
        show_assessment(story)
    st.subheader(ui.t("explanation_title"))
    for line in story.explanation:
        st.markdown(f"- {markdown_literal(line)}")      # a line may quote an editor's evidence note
    assess_qualitative(story, as_of)
    show_sources(story)
    show_history(story)


main()
