"""目标目录: every target of a plan with its kind, years, values and the quote it came from."""

import pandas as pd
import streamlit as st

import ui
from tracker import i18n


def pick_plan(plans: pd.DataFrame) -> pd.Series:
    """Plan picker, kept in the URL (?plan=…) so a link opens the same plan."""
    ids = plans["plan_id"].tolist()
    wanted = st.query_params.get("plan", "cq_sti_13fyp")
    names = dict(zip(plans["plan_id"], plans["short_name"], strict=True))
    plan_id = st.selectbox(ui.t("plan"), ids, index=ids.index(wanted) if wanted in ids else 0,
                           format_func=names.get, key="catalogue_plan")
    st.query_params["plan"] = plan_id
    return plans.set_index("plan_id").loc[plan_id]


def show_plan_header(plan: pd.Series, targets: pd.DataFrame, checks: pd.DataFrame, stated: pd.DataFrame) -> None:
    horizon = f"{plan['start_year']}–{plan['target_year']}" if plan["start_year"] != plan["target_year"] \
        else f"{plan['target_year']}"
    issued = plan["issued_on"].date().isoformat() if not pd.isna(plan["issued_on"]) else "—"
    st.subheader(plan["title"])
    st.caption(f"{ui.t('plan_region')}: {plan['region']} · {ui.t('plan_issued')}: {issued} · "
               f"{ui.t('plan_horizon')}: {horizon} · {ui.t('plan_seed')}: seeds/{plan['seed_file']}")
    a, b, c = st.columns(3)
    a.metric(ui.t("targets_count"), len(targets))
    b.metric(ui.t("stated_values"), len(stated))
    c.metric(ui.t("checks_flagged"), int((checks["status"] != "ok").sum()))


def filter_targets(targets: pd.DataFrame) -> pd.DataFrame:
    lang = ui.lang()
    left, right = st.columns([1, 2])
    kinds = left.multiselect(ui.t("kind_filter"), list(i18n.KIND_LABELS), placeholder=ui.t("all_kinds"),
                             format_func=lambda k: i18n.label(i18n.KIND_LABELS, k, lang), key="catalogue_kinds")
    text = right.text_input(ui.t("search"), key="catalogue_search").strip()
    shown = targets if not kinds else targets[targets["kind"].isin(kinds)]
    if text:
        hit = (shown["indicator"].str.contains(text, regex=False)
               | shown["quote"].str.contains(text, regex=False)
               | shown["subject"].fillna("").str.contains(text, regex=False))
        shown = shown[hit]
    return shown


def catalogue_table(targets: pd.DataFrame) -> pd.DataFrame:
    lang = ui.lang()
    baseline = [
        "" if pd.isna(r.baseline_value) else f"{r.baseline_value:g} ({int(r.baseline_year)})"
        for r in targets.itertuples()
    ]
    # Most telling columns first, so that a 1366-pixel laptop shows indicator, target, year and quote at once.
    return pd.DataFrame({
        ui.t("col_indicator"): targets["indicator"],
        ui.t("col_target"): [i18n.describe_target(r, lang) for r in targets.to_dict("records")],
        ui.t("col_year"): targets["target_year"],
        ui.t("col_kind"): [i18n.label(i18n.KIND_LABELS, k, lang) for k in targets["kind"]],
        ui.t("col_baseline"): baseline,
        ui.t("col_quote"): targets["quote"].map(lambda q: " ".join(q.split())),
        ui.t("col_region"): targets["region"],
        ui.t("col_binding"): targets["binding"],
        ui.t("col_subject"): targets["subject"],
        ui.t("col_section"): targets["section"],
        ui.t("col_parent"): targets["parent_target_id"],
        ui.t("col_assumption"): targets["assumption"],
        ui.t("col_target_id"): targets["target_id"],
    })


def show_details(stated: pd.DataFrame, checks: pd.DataFrame, notes: pd.DataFrame) -> None:
    lang = ui.lang()
    with st.expander(f"{ui.t('stated_values_title')} ({len(stated)})"):
        st.dataframe(pd.DataFrame({
            ui.t("col_indicator"): stated["indicator"], ui.t("col_region"): stated["region"],
            ui.t("col_year_actual"): stated["year"], ui.t("col_value"): stated["value"],
            ui.t("col_unit"): stated["unit"], ui.t("col_quote"): stated["quote"].map(lambda q: " ".join(q.split())),
            ui.t("col_note"): stated["note"],
        }), hide_index=True, width="stretch")
    with st.expander(f"{ui.t('checks_title')} ({len(checks)})", expanded=bool((checks["status"] != "ok").any())):
        st.dataframe(pd.DataFrame({
            ui.t("col_check_kind"): [i18n.label(i18n.CHECK_LABELS, k, lang) for k in checks["check_kind"]],
            ui.t("col_status"): [i18n.label(i18n.CHECK_LABELS, s, lang) for s in checks["status"]],
            ui.t("col_message"): checks["message"],
        }), hide_index=True, width="stretch")
    with st.expander(f"{ui.t('notes_title')} ({len(notes)})"):
        st.dataframe(pd.DataFrame({
            ui.t("col_category"): [i18n.label(i18n.CHECK_LABELS, c, lang) for c in notes["category"]],
            ui.t("col_target_id"): notes["target_id"],
            ui.t("col_message"): notes["message"],
        }), hide_index=True, width="stretch")


def main() -> None:
    st.title(ui.t("nav_catalogue"))
    st.caption(ui.t("catalogue_intro"))
    stamp = ui.build_stamp()
    plans = ui.load_plans(stamp)
    if plans.empty:
        st.info(ui.t("empty_db"))
        return
    plan = pick_plan(plans)
    targets = ui.load_targets(stamp, plan.name)
    checks, notes = ui.load_plan_notes(stamp, plan.name)
    stated = ui.load_seed_actuals(plan.name)
    show_plan_header(plan, targets, checks, stated)
    shown = filter_targets(targets)
    if shown.empty:
        st.info(ui.t("no_match"))
    else:
        table = catalogue_table(shown)
        st.dataframe(table, hide_index=True, width="stretch", height=520, key="catalogue_table", column_config={
            ui.t("col_indicator"): st.column_config.TextColumn(width="medium"),
            ui.t("col_target"): st.column_config.TextColumn(width="medium"),
            ui.t("col_year"): st.column_config.NumberColumn(width="small", format="%d"),
            ui.t("col_kind"): st.column_config.TextColumn(width="small"),
            ui.t("col_quote"): st.column_config.TextColumn(width="large"),
        })
        st.download_button(ui.t("download_csv"), table.to_csv(index=False).encode("utf-8-sig"),
                           file_name=f"{plan.name}-targets.csv", mime="text/csv")
    show_details(stated, checks, notes)


main()
