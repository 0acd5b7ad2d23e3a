"""The only shared code that imports streamlit: the cached database gateway, cached loaders, language."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from tracker import i18n
from tracker.store import Store


@st.cache_resource
def get_store() -> Store:
    """One DuckDB connection for the server process; the store hands each call its own cursor."""
    return Store.open()


def build_stamp() -> str:
    """Changes whenever the ETL rebuilds the catalogue; the first argument of every cached loader below, so a
    rebuild is seen at once (it must not start with "_": Streamlit leaves such arguments out of the cache key)."""
    store = get_store()
    return f"{store.path}|{store.meta('last_build_at') or ''}"


@st.cache_data(show_spinner=False)
def load_plans(stamp: str) -> pd.DataFrame:  # noqa: ARG001 - cache key
    return get_store().plans()


@st.cache_data(show_spinner=False)
def load_targets(stamp: str, plan_id: str | None = None) -> pd.DataFrame:  # noqa: ARG001
    return get_store().targets(plan_id)


@st.cache_data(show_spinner=False)
def load_plan_notes(stamp: str, plan_id: str) -> tuple[pd.DataFrame, pd.DataFrame]:  # noqa: ARG001
    store = get_store()
    return store.checks(plan_id), store.etl_notes(plan_id)


def load_seed_actuals(plan_id: str) -> pd.DataFrame:
    """Current values stated by this plan's seed document (not cached: entered values may change them)."""
    return get_store().seed_actuals(plan_id)


def lang() -> str:
    """The language chosen in the sidebar ('zh' by default)."""
    return st.session_state.get("lang", "zh")


def t(key: str) -> str:
    return i18n.t(key, lang())


def language_switch() -> None:
    st.sidebar.radio(
        i18n.t("language", lang()), list(i18n.LANGUAGES), key="lang",
        format_func=i18n.LANGUAGES.get, horizontal=True,
    )
