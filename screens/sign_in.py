"""登录: sign in with a local account or single sign-on."""

import streamlit as st

import ui

st.title(ui.t("sign_in"))
st.caption(ui.t("sign_in_intro"))
ui.sign_in_form()
