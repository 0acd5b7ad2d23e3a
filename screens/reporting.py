"""填报任务: for a plan and a year, the values due from each unit — received (收到 12/40), missing and from whom — and
each unit's pre-filled workbook, sent out and taken back through 数据上传."""

import datetime as dt

import pandas as pd
import streamlit as st

import ui
from tracker.actuals.excel import TemplateSpec
from tracker.formatting import MISSING
from tracker.views import breakdown, reporting

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def unit_label(name: str) -> str:
    return name or ui.t("reporting_no_unit")


def show_progress(due: pd.DataFrame, per_unit: pd.DataFrame) -> None:
    received, total = int(due["received"].sum()), len(due)
    a, b, c, d = st.columns(4)
    a.metric(ui.t("reporting_received"), f"{received}/{total}")
    b.metric(ui.t("reporting_missing"), total - received)
    c.metric(ui.t("reporting_pending"), int((due["review_status"] == "pending").sum()))
    d.metric(ui.t("reporting_units_behind"), int((per_unit["missing"] > 0).sum()))
    st.progress(received / total if total else 0.0)
    st.dataframe(pd.DataFrame({
        ui.t("col_unit_name"): per_unit["unit_name"].map(unit_label),
        ui.t("reporting_col_due"): per_unit["due"],
        ui.t("reporting_col_received"): per_unit["received"],
        ui.t("reporting_col_missing"): per_unit["missing"],
        ui.t("reporting_col_share"): per_unit["received"] / per_unit["due"],
    }), hide_index=True, width="stretch", column_config={
        ui.t("reporting_col_share"): st.column_config.ProgressColumn(format="percent", min_value=0.0, max_value=1.0),
    })


def show_values(due: pd.DataFrame) -> None:
    def names(units: tuple) -> str:
        return "、".join(units) or MISSING

    st.dataframe(pd.DataFrame({
        ui.t("reporting_col_status"): due["review_status"].map(
            lambda r: ui.t({"pending": "reporting_status_pending", "approved": "reporting_status_received"}.get(
                r, "reporting_status_missing"))),
        ui.t("col_region"): due["region"],
        ui.t("col_indicator"): due["indicator"],
        ui.t("col_unit_lead"): due["lead_units"].map(names),
        ui.t("col_unit_responsible"): due["responsible_units"].map(names),
        ui.t("reporting_col_value"): due["value"],
        ui.t("reporting_col_unit"): due["unit"],
        ui.t("reporting_col_by"): due["entered_by"],
        ui.t("reporting_col_at"): due["entered_at"],
    }), hide_index=True, width="stretch", placeholder=MISSING)


def downloads(plan: pd.Series, year: int, due: pd.DataFrame, per_unit: pd.DataFrame) -> None:
    st.subheader(ui.t("reporting_send_title"))
    st.caption(ui.t("reporting_send_intro"))
    spec = TemplateSpec.from_store(ui.get_store(), plan.name, year)
    a, b = st.columns([3, 2], vertical_alignment="bottom")
    name = a.selectbox(ui.t("reporting_pick_unit"), per_unit["unit_name"].tolist(), format_func=unit_label,
                       key="reporting_unit")
    # Built only when clicked: openpyxl takes a while and the page reruns on every widget change.
    b.download_button(ui.t("reporting_download_unit"), lambda: reporting.unit_workbook(spec, due, name),
                      file_name=f"{plan['short_name']}-{year}年-{unit_label(name)}.xlsx", mime=XLSX,
                      on_click="ignore", key="reporting_download_unit", icon=":material/download:")
    st.download_button(ui.t("reporting_download_all"), lambda: reporting.round_zip(spec, due),
                       file_name=f"{plan['short_name']}-{year}年-填报任务.zip", mime="application/zip",
                       on_click="ignore", key="reporting_download_all", icon=":material/folder_zip:")


def main() -> None:
    st.title(ui.t("nav_reporting"))
    st.caption(ui.t("reporting_intro"))
    version = ui.version()
    plans = ui.load_plans(version)
    if plans.empty:
        st.info(ui.t("empty_db"))
        return
    a, b = st.columns([3, 1])
    plan = ui.plan_picker(plans, key="reporting_plan", container=a)
    years = reporting.round_years(plan)
    last_complete = dt.date.today().year - 1
    default = max((y for y in years if y <= last_complete), default=years[0])
    year = b.selectbox(ui.t("reporting_year"), years, index=years.index(default), key=f"reporting_year_{plan.name}")
    store = ui.get_store()
    targets = ui.load_targets(version, plan.name)
    below = breakdown.units_below(ui.load_region_parents(version), targets["region"])   # bases, districts
    due = reporting.values_due(targets, store.indicators(), ui.load_units(version), ui.load_current_values(version),
                               year, sub_units=below)
    if due.empty:
        st.info(ui.t("reporting_nothing_due", year=year))
        return
    per_unit = reporting.by_unit(due)
    show_progress(due, per_unit)
    downloads(plan, year, due, per_unit)
    st.subheader(ui.t("reporting_values_title"))
    show_values(due)


main()
