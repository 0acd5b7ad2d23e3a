"""系统设置: the thresholds of the methodology and a catalogue refresh from seeds/. Admins only."""

from dataclasses import fields, replace

import streamlit as st

import ui
from etl.catalogue import CatalogueError
from tracker import commands, i18n
from tracker.access.actions import Action
from tracker.db.accounts import InvalidThresholds
from tracker.methodology.thresholds import THRESHOLD_DESCRIPTIONS, Thresholds


def thresholds_form(store, admin) -> None:
    st.subheader(ui.t("thresholds_title"))
    current = store.thresholds()
    with st.form("settings_thresholds"):
        values = {}
        for f in fields(Thresholds):
            meaning = i18n.label(THRESHOLD_DESCRIPTIONS, f.name, ui.lang())
            values[f.name] = st.number_input(f"{f.name} — {meaning}",
                                             value=float(getattr(current, f.name)), format="%g",
                                             key=f"settings_{f.name}")
        if st.form_submit_button(ui.t("save_thresholds")):
            try:
                commands.save_thresholds(store, admin, replace(current, **values))
            except InvalidThresholds as exc:
                # Nothing was saved: every problem on its own line, naming the setting.
                st.error("阈值未保存 / not saved:\n" + "\n".join(f"- {p}" for p in exc.problems))
            except (ValueError, PermissionError) as exc:
                st.error(str(exc))
            else:
                st.success(ui.t("thresholds_saved"))


def refresh(store, admin) -> None:
    st.subheader(ui.t("catalogue_refresh"))
    st.caption(ui.t("catalogue_refresh_help"))
    if st.button(ui.t("catalogue_refresh"), key="settings_refresh"):
        try:
            result = commands.refresh_catalogue(store, admin)
        except (CatalogueError, ValueError, PermissionError) as exc:
            st.error(str(exc))
        else:
            st.success(ui.t("catalogue_refreshed").format(n=len(result.tables["targets"])))


def main() -> None:
    st.title(ui.t("nav_settings"))
    admin = ui.require(Action.CHANGE_SETTINGS)
    store = ui.get_store()
    thresholds_form(store, admin)
    refresh(store, admin)


main()
