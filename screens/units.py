"""责任单位: each unit's targets with their verdicts and 三色预警, the units furthest behind first; admins set units."""

import pandas as pd
import streamlit as st

import ui
from tracker.formatting import MISSING
from tracker.i18n import describe_target
from tracker.views import tables
from tracker.views import units as unit_views


def show_summary(summary: pd.DataFrame) -> None:
    st.dataframe(pd.DataFrame({
        ui.t("col_unit_name"): summary["unit_name"],
        ui.t("col_unit_lead"): summary["lead"],
        ui.t("col_unit_responsible"): summary["responsible"],
        ui.t("col_unit_total"): summary["total"],
        **{ui.t(f"col_light_{light}"): summary[light] for light in unit_views.LIGHTS},
        ui.t("col_behind_share"): summary["behind_share"],
    }), hide_index=True, width="stretch", placeholder=MISSING, column_config={
        ui.t("col_behind_share"): st.column_config.ProgressColumn(format="percent", min_value=0.0, max_value=1.0),
    })


def show_unit(table: pd.DataFrame, units: pd.DataFrame, names: list[str]) -> None:
    name = st.selectbox(ui.t("units_pick"), names, key="units_unit")
    rows = unit_views.unit_targets(table, units, name)
    st.dataframe(pd.DataFrame({
        ui.t("col_light"): rows["light"].map(lambda light: ui.t(f"col_light_{light}")),
        ui.t("col_unit_role"): rows["unit_role"].map(lambda role: ui.t(f"unit_role_{role}")),
        ui.t("col_indicator"): rows["indicator"],
        ui.t("col_section"): rows["section"].map(lambda s: s.split(" / ")[-1] if isinstance(s, str) else None),
        ui.t("col_target"): [describe_target(r, ui.lang()) for r in rows.to_dict("records")],
        ui.t("col_year"): rows["target_year"],
        ui.t("col_latest"): rows["latest_value"],
        ui.t("col_schedule"): rows["schedule_label"],
    }), hide_index=True, width="stretch", placeholder=MISSING, column_config={
        ui.t("col_year"): st.column_config.NumberColumn(format="%d"),
    })


def set_units(targets: pd.DataFrame) -> None:
    """Admins name a target's units where the text names none, or correct them (history kept)."""
    from tracker.access.actions import Action, allowed
    from tracker.commands import set_responsible_units

    user = ui.current_user()
    if not allowed(user, Action.SET_UNITS):
        return
    st.subheader(ui.t("units_set_title"))
    labels = tables.target_labels(targets, ui.lang())
    with st.form("units_set"):
        target_id = st.selectbox(ui.t("units_set_target"), targets["target_id"].tolist(), format_func=labels.get,
                                 key="units_set_target")
        lead = st.text_input(ui.t("units_set_lead"), key="units_set_lead")
        responsible = st.text_input(ui.t("units_set_responsible"), key="units_set_responsible")
        reason = st.text_input(ui.t("units_set_reason"), key="units_set_reason")
        if st.form_submit_button(ui.t("units_set_save")):
            try:
                set_responsible_units(ui.get_store(), user, target_id, lead=[lead], responsible=[responsible],
                                      reason=reason)
            except ValueError as exc:
                st.error(str(exc))
                return
            ui.flash("responsible-units", ui.t("units_saved", target=labels.get(target_id, target_id)))
            st.rerun()


def main() -> None:
    st.title(ui.t("nav_units"))
    ui.show_flash("responsible-units")
    header = ui.plan_and_year("units")
    if header is None:
        return
    version, plan, as_of = header
    table = ui.load_verdicts(version, plan.name, as_of, ui.lang())
    units = ui.load_units(version)
    names = unit_views.unit_names(units, table["target_id"])
    if not names:
        st.info(ui.t("units_none"))
    else:
        st.caption(ui.t("units_hint"))
        show_summary(unit_views.unit_summary(table, units))
        show_unit(table, units, names)
    set_units(ui.load_targets(version, plan.name))


main()
