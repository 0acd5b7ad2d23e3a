"""审计日志: every write — entries, uploads, reverts, catalogue refreshes, account and threshold changes. Admins only."""

import pandas as pd
import streamlit as st

import ui
from tracker.access.actions import Action
from tracker.access.auth import ROLE_LABELS
from tracker.formatting import MISSING
from tracker.i18n import AUDIT_ACTIONS, label
from tracker.reports.cells import csv_bytes


def readable(log: pd.DataFrame) -> pd.DataFrame:
    lang = ui.lang()
    return pd.DataFrame({
        ui.t("audit_time"): log["occurred_at"],
        ui.t("audit_actor"): log["actor"],
        ui.t("role"): [label(ROLE_LABELS, r, lang) for r in log["role"]],
        ui.t("audit_action"): [label(AUDIT_ACTIONS, a, lang) for a in log["action"]],
        ui.t("audit_object"): log["object"],
        ui.t("audit_detail"): log["detail"],
    })


def main() -> None:
    st.title(ui.t("nav_audit"))
    ui.require(Action.READ_AUDIT)
    store = ui.get_store()
    log = store.audit_log()
    lang = ui.lang()
    a, b = st.columns(2)
    actor = a.selectbox(ui.t("audit_actor"), [None, *sorted(log["actor"].unique())], key="audit_actor",
                        format_func=lambda v: ui.t("all") if v is None else v)
    action = b.selectbox(ui.t("audit_action"), [None, *sorted(log["action"].unique())], key=ui.lang_key("audit_action"),
                         format_func=lambda v: ui.t("all") if v is None else label(AUDIT_ACTIONS, v, lang))
    shown = readable(store.audit_log(actor=actor, action=action))
    st.dataframe(shown, hide_index=True, placeholder=MISSING, width="stretch", key="audit_table",
                 height="auto" if len(shown) < 15 else 560)
    st.download_button(ui.t("download_csv"), csv_bytes(shown),
                       file_name="audit-log.csv", mime="text/csv", key="audit_download")


main()
