"""规划指标目标监测 — entry point: page config, language, navigation. Nothing else."""

import streamlit as st

import ui

st.set_page_config(page_title="规划指标目标监测", page_icon="📈", layout="wide")
ui.language_switch()
st.sidebar.caption(ui.t("app_title"))

pages = [
    st.Page("pages/catalogue.py", title=ui.t("nav_catalogue"), icon="📚", url_path="catalogue", default=True),
]
st.navigation(pages).run()
