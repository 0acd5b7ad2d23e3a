"""规划指标目标监测 — entry point: page config, language, who is signed in, navigation. Nothing else."""

import streamlit as st

import ui
from tracker.access.actions import Action, allowed

st.set_page_config(page_title="规划指标目标监测", page_icon=":material/monitoring:", layout="wide")
ui.language_switch()
user = ui.current_user()
ui.account_panel(user)
st.sidebar.caption(ui.t("app_title"))

# URL paths deliberately differ from the file names in pages/: on a freshly started server, Streamlit serves a
# first request for /<file name> as an auto-discovered page without running this script (no navigation, no
# language switch). A path that names no file falls through to this script, which resolves it here.
pages = {
    ui.t("nav_section_dashboard"): [
        st.Page("pages/overview.py", title=ui.t("nav_overview"), icon=":material/dashboard:", default=True),
        st.Page("pages/indicator.py", title=ui.t("nav_indicator"), icon=":material/show_chart:",
                url_path="indicator-detail"),
        st.Page("pages/compare.py", title=ui.t("nav_compare"), icon=":material/compare_arrows:",
                url_path="region-comparison"),
        st.Page("pages/evaluation.py", title=ui.t("nav_evaluation"), icon=":material/table_chart:",
                url_path="evaluation-table"),
    ],
}
# Pages a role may not use are not registered at all, so they cannot be opened by URL either; the command layer
# refuses their writes in any case.
if allowed(user, Action.WRITE_ACTUALS):
    pages[ui.t("nav_section_data")] = [
        st.Page("pages/entry.py", title=ui.t("nav_entry"), icon=":material/edit_note:", url_path="data-entry"),
        st.Page("pages/upload.py", title=ui.t("nav_upload"), icon=":material/upload_file:", url_path="data-upload"),
        st.Page("pages/batches.py", title=ui.t("nav_batches"), icon=":material/history:", url_path="data-batches"),
    ]
pages[ui.t("nav_section_reference")] = [
    st.Page("pages/sources.py", title=ui.t("nav_sources"), icon=":material/menu_book:", url_path="plans-and-sources"),
    st.Page("pages/methodology.py", title=ui.t("nav_methodology"), icon=":material/functions:", url_path="method"),
]
if user is None:
    pages[ui.t("nav_section_reference")].append(
        st.Page("pages/sign_in.py", title=ui.t("sign_in"), icon=":material/login:", url_path="sign-in"))
if allowed(user, Action.MANAGE_ACCOUNTS):
    pages[ui.t("nav_section_admin")] = [
        st.Page("pages/accounts.py", title=ui.t("nav_accounts"), icon=":material/group:", url_path="admin-accounts"),
        st.Page("pages/audit.py", title=ui.t("nav_audit"), icon=":material/policy:", url_path="admin-audit"),
        st.Page("pages/settings.py", title=ui.t("nav_settings"), icon=":material/tune:", url_path="admin-settings"),
    ]
st.navigation(pages).run()
