"""数据批次: every batch with its counts, the values of one batch, reverting it, and the history of one value."""

import pandas as pd
import streamlit as st

import ui
from tracker import commands
from tracker.access.actions import Action
from tracker.actuals.display import batches_table, history_table, revisions_table
from tracker.formatting import MISSING
from tracker.i18n import data_label


def pick_batch(batches: pd.DataFrame) -> pd.Series:
    ids = batches["batch_id"].tolist()
    by_id = batches.set_index("batch_id")

    def describe(batch_id: str) -> str:
        b = by_id.loc[batch_id]
        parts = [batch_id, data_label(b["kind"], ui.lang()), data_label(b["status"], ui.lang()), str(b["created_by"]),
                 f"{b['created_at']:%Y-%m-%d %H:%M}"]
        return " · ".join(parts + ([str(b["file_name"])] if isinstance(b["file_name"], str) else []))

    wanted = st.query_params.get("batch")
    batch_id = st.selectbox(ui.t("batch_pick"), ids, index=ids.index(wanted) if wanted in ids else 0,
                            format_func=describe, key="batches_pick")
    return by_id.loc[batch_id]


def show_batch(store, batch: pd.Series) -> None:
    revisions = store.batch_revisions(batch.name)
    if not revisions.empty:
        st.caption(ui.t("batch_rows"))
        st.dataframe(revisions_table(revisions, ui.lang()), hide_index=True, placeholder=MISSING, width="stretch", key="batches_rows")
    elif isinstance(batch["note"], str):
        st.caption(batch["note"])


def revert(store, batch: pd.Series) -> None:
    st.subheader(ui.t("revert_title"))
    refusal = commands.revert_refusal(batch["kind"], batch["status"])
    if refusal is not None:
        messages = {"seed": ui.t("not_revertable_seed"), "revert": ui.t("not_revertable_revert"),
                    "reverted": ui.t("not_revertable_done", by=batch["reverted_by"] or "")}
        st.info(messages[refusal])
        return
    user = ui.current_user()
    reason = st.text_input(ui.t("revert_reason"), key="batches_reason").strip()
    agreed = st.checkbox(ui.t("revert_confirm", batch=batch.name, n=int(batch["revisions"])), key="batches_confirm")
    if st.button(ui.t("revert_button"), key="batches_revert", disabled=not (agreed and reason)):
        try:
            revert_id = commands.revert_batch(store, user, batch.name, reason=reason)
        except commands.LockedError as exc:      # it would change a value of a locked year: nothing was written
            st.error(str(exc))
            return
        st.session_state["batches_flash"] = ui.t("reverted", batch=batch.name, revert=revert_id)
        st.session_state.pop("batches_confirm", None)
        st.rerun()


def value_history(store) -> None:
    st.subheader(ui.t("value_history_title"))
    keys = store.actual_keys()
    if keys.empty:
        return
    a, b, c = st.columns([1, 3, 1])
    region = a.selectbox(ui.t("region"), list(dict.fromkeys(keys["region"])), key="batches_history_region")
    keys = keys[keys["region"] == region]
    indicator = b.selectbox(ui.t("col_indicator"), sorted(set(keys["indicator"])), key="batches_history_indicator",
                            index=None, placeholder=ui.t("choose"))
    if indicator is None:
        return
    years = keys.loc[keys["indicator"] == indicator, "year"].tolist()
    year = c.selectbox(ui.t("year"), years, key="batches_history_year")
    history = store.value_history(region, indicator, int(year))
    st.dataframe(history_table(history, ui.lang()), hide_index=True, placeholder=MISSING, width="stretch", key="batches_history_table")


def main() -> None:
    st.title(ui.t("batches_title"))
    st.caption(ui.t("batches_intro"))
    ui.require(Action.REVERT_BATCH)
    if "batches_flash" in st.session_state:
        st.success(st.session_state.pop("batches_flash"))
    store = ui.get_store()
    batches = ui.load_batches(store.data_version())
    if batches.empty:
        st.info(ui.t("no_batches"))
        return
    st.dataframe(batches_table(batches, ui.lang()), hide_index=True, placeholder=MISSING, width="stretch", key="batches_table")
    batch = pick_batch(batches)
    show_batch(store, batch)
    revert(store, batch)
    value_history(store)


main()
