"""规划与出处: a plan's structure and every target with its kind, values and the quote it came from, in context."""

import pandas as pd
import streamlit as st

import ui
from tracker import i18n
from tracker.formatting import MISSING, number
from tracker.i18n.labels import BINDING_LABELS
from tracker.reports.cells import csv_bytes
from tracker.views import service

# Check kinds newer than the shared label table; the shared table wins once it has them.


def show_plan_header(plan: pd.Series, targets: pd.DataFrame, checks: pd.DataFrame, stated: pd.DataFrame) -> None:
    horizon = ui.t("horizon_span", start=plan["start_year"], end=plan["target_year"]) \
        if plan["start_year"] != plan["target_year"] else ui.t("horizon_one_year", year=plan["target_year"])
    issued = plan["issued_on"].date().isoformat() if not pd.isna(plan["issued_on"]) else MISSING
    st.subheader(plan["title"])
    st.caption(" · ".join(ui.t("labelled", label=ui.t(key), value=value) for key, value in (
        ("plan_region", plan["region"]), ("plan_issued", issued), ("plan_horizon", horizon),
        ("plan_seed", service.document_label(plan['seed_file'])))))
    a, b, c = st.columns(3)
    a.metric(ui.t("targets_count"), len(targets))
    b.metric(ui.t("stated_values"), len(stated))
    c.metric(ui.t("checks_flagged"), int((checks["status"] != "ok").sum()))


def filter_targets(targets: pd.DataFrame) -> pd.DataFrame:
    lang = ui.lang()
    left, right = st.columns([1, 2])
    kinds = left.multiselect(ui.t("kind_filter"), list(i18n.KIND_LABELS), placeholder=ui.t("all_kinds"),
                             format_func=lambda k: i18n.label(i18n.KIND_LABELS, k, lang), key=ui.lang_key("sources_kinds"))
    text = right.text_input(ui.t("search"), key="sources_search").strip()
    shown = targets if not kinds else targets[targets["kind"].isin(kinds)]
    if text:
        hit = (shown["indicator"].str.contains(text, regex=False)
               | shown["quote"].str.contains(text, regex=False)
               | shown["subject"].fillna("").str.contains(text, regex=False)
               | shown["section"].fillna("").str.contains(text, regex=False))     # 专栏2, 第三章 …
        shown = shown[hit]
    return shown


def catalogue_table(targets: pd.DataFrame) -> pd.DataFrame:
    lang = ui.lang()
    baseline = [
        "" if pd.isna(r.baseline_value) else f"{number(r.baseline_value)} ({int(r.baseline_year)})"
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
        ui.t("col_binding"): [i18n.label(BINDING_LABELS, b, lang) if isinstance(b, str) else None
                              for b in targets["binding"]],
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
        }), hide_index=True, placeholder=MISSING, width="stretch")
    with st.expander(f"{ui.t('checks_title')} ({len(checks)})", expanded=bool((checks["status"] != "ok").any())):
        st.dataframe(pd.DataFrame({
            ui.t("col_check_kind"): [i18n.label(i18n.CHECK_LABELS, k, lang) for k in checks["check_kind"]],
            ui.t("col_status"): [i18n.label(i18n.CHECK_LABELS, s, lang) for s in checks["status"]],
            ui.t("col_message"): checks["message"],
        }), hide_index=True, placeholder=MISSING, width="stretch")
    with st.expander(f"{ui.t('notes_title')} ({len(notes)})"):
        st.dataframe(pd.DataFrame({
            ui.t("col_category"): [i18n.label(i18n.CHECK_LABELS, c, lang) for c in notes["category"]],
            ui.t("col_target_id"): notes["target_id"],
            ui.t("col_message"): notes["message"],
        }), hide_index=True, placeholder=MISSING, width="stretch")


def show_structure(plan_id: str, targets: pd.DataFrame, checks: pd.DataFrame) -> None:
    """The outline the text gives, and decomposed targets with their sums (X区's four bases)."""
    structure = ui.get_store().plan_structure(plan_id)
    pairs = service.decomposition(targets)
    if structure.empty and not pairs:
        return
    with st.expander(ui.t("structure_title"), expanded=False):
        st.markdown("\n".join(f"{'    ' * depth}- {title}" for depth, title in service.structure_outline(structure)))
    if pairs:
        st.subheader(ui.t("decomposition_title"))
        sums = checks[checks["check_kind"] == "decomposition"]
        for parent, children in pairs:
            check = sums[sums["target_ids"].str.startswith(parent.name)]
            status = check["status"].iloc[0] if len(check) else "ok"
            icon = {"ok": "✅", "warning": "⚠️", "mismatch": "❌"}[status]
            lines = [f"**{parent['subject'] or parent['indicator']}** {i18n.describe_target(parent.to_dict(), ui.lang())}"]
            lines += [f"    - {c.note or c.subject}: {i18n.describe_target(c._asdict(), ui.lang())}"
                      for c in children.itertuples()]
            st.markdown("- " + "\n".join(lines))
            if len(check):
                st.caption(f"{icon} {check['message'].iloc[0]}")


def show_quote_in_context(targets: pd.DataFrame) -> None:
    """Pick a target and read its sentence highlighted in the surrounding text."""
    st.subheader(ui.t("quote_in_context"))
    labels = {r.target_id: f"{r.indicator} · {r.target_year} · {r.target_id}" for r in targets.itertuples()}
    chosen = st.selectbox(ui.t("pick_target"), list(labels), format_func=labels.get, key="sources_quote_target")
    row = targets.set_index("target_id").loc[chosen]
    before, quote, after = service.quote_in_context(row["seed_file"], int(row["quote_offset"]), row["quote"])
    st.markdown(f"…{before} :orange-background[**{quote}**] {after}…")
    st.caption(f"{service.document_label(row['seed_file'])} · {ui.t('col_section')}: {row['section'] or '—'}")


def main() -> None:
    st.title(ui.t("nav_sources"))
    st.caption(ui.t("catalogue_intro"))
    version = ui.version()
    plans = ui.load_plans(version)
    if plans.empty:
        st.info(ui.t("empty_db"))
        return
    plan = ui.plan_picker(plans, key="sources_plan")
    targets = ui.load_targets(version, plan.name)
    checks, notes = ui.load_plan_notes(version, plan.name)
    stated = ui.load_seed_actuals(version, plan.name)
    show_plan_header(plan, targets, checks, stated)
    shown = ui.unit_filter(filter_targets(targets), "sources_units")
    if shown.empty:
        st.info(ui.t("no_match"))
    else:
        table = catalogue_table(shown)
        st.dataframe(table, hide_index=True, placeholder=MISSING, width="stretch", height=520, key="sources_table", column_config={
            ui.t("col_indicator"): st.column_config.TextColumn(width="medium"),
            ui.t("col_target"): st.column_config.TextColumn(width="medium"),
            ui.t("col_year"): st.column_config.NumberColumn(width="small", format="%d"),
            ui.t("col_kind"): st.column_config.TextColumn(width="small"),
            ui.t("col_quote"): st.column_config.TextColumn(width="large"),
        })
        st.download_button(ui.t("download_csv"), csv_bytes(table),
                           file_name=f"{plan.name}-targets.csv", mime="text/csv")
    show_quote_in_context(targets)
    show_structure(plan.name, targets, checks)
    show_details(stated, checks, notes)


main()
