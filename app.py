"""规划指标目标监测 — entry point: page config, language, who is signed in, navigation. Nothing else."""

import streamlit as st

import ui
from tracker.access.actions import Action, allowed
from tracker.intake import stored

st.set_page_config(page_title="规划指标目标监测", page_icon=":material/monitoring:", layout="wide")
ui.language_switch()
ui.pending_switch()
with ui.store_busy_notice():          # another process held the file past the wait: say so, not a traceback
    stored.read_documents_from(ui.get_store())     # quotes of plans staff added are shown in their stored text
    user = ui.current_user()
ui.account_panel(user)
st.sidebar.caption(ui.t("app_title"))

# The page files live in screens/, not pages/: Streamlit auto-discovers a pages/ folder, and on a freshly started
# server the browser then matched a deep link (/evaluation-table) against those files, said "Page not found" and
# showed a blank page for /pages/entry.py. Every address is resolved here, by st.navigation, instead.
pages = {
    ui.t("nav_section_dashboard"): [
        st.Page("screens/overview.py", title=ui.t("nav_overview"), icon=":material/dashboard:", default=True),
        st.Page("screens/indicator.py", title=ui.t("nav_indicator"), icon=":material/show_chart:",
                url_path="indicator-detail"),
        st.Page("screens/compare.py", title=ui.t("nav_compare"), icon=":material/compare_arrows:",
                url_path="region-comparison"),
        st.Page("screens/evaluation.py", title=ui.t("nav_evaluation"), icon=":material/table_chart:",
                url_path="evaluation-table"),
        st.Page("screens/units.py", title=ui.t("nav_units"), icon=":material/account_tree:",
                url_path="responsible-units"),
    ],
}
# Pages a role may not use are not in its navigation; their addresses open a page that asks to sign in (and then
# opens the page) or names the role needed. The command layer refuses their writes in any case.
def restricted(action: Action, path: str, title: str, icon: str, url_path: str) -> st.Page:
    if allowed(user, action):
        return st.Page(path, title=title, icon=icon, url_path=url_path)
    return st.Page(ui.locked_page(title, action), title=title, icon=icon, url_path=url_path, visibility="hidden")


data_pages = [
    restricted(Action.WRITE_ACTUALS, "screens/entry.py", ui.t("nav_entry"), ":material/edit_note:", "data-entry"),
    restricted(Action.WRITE_ACTUALS, "screens/upload.py", ui.t("nav_upload"), ":material/upload_file:", "data-upload"),
    restricted(Action.WRITE_ACTUALS, "screens/batches.py", ui.t("nav_batches"), ":material/history:", "data-batches"),
    restricted(Action.WRITE_ACTUALS, "screens/reporting.py", ui.t("nav_reporting"), ":material/assignment:",
               "reporting-round"),
    restricted(Action.REVIEW_VALUES, "screens/review.py", ui.t("nav_review"), ":material/fact_check:", "data-review"),
    restricted(Action.ADD_PLANS, "screens/new_plan.py", ui.t("nav_new_plan"), ":material/post_add:", "new-plan"),
]
admin_pages = [
    restricted(Action.MANAGE_ACCOUNTS, "screens/accounts.py", ui.t("nav_accounts"), ":material/group:", "admin-accounts"),
    restricted(Action.MANAGE_ACCOUNTS, "screens/audit.py", ui.t("nav_audit"), ":material/policy:", "admin-audit"),
    restricted(Action.MANAGE_ACCOUNTS, "screens/settings.py", ui.t("nav_settings"), ":material/tune:", "admin-settings"),
]
pages[ui.t("nav_section_data")] = data_pages
pages[ui.t("nav_section_reference")] = [
    st.Page("screens/sources.py", title=ui.t("nav_sources"), icon=":material/menu_book:", url_path="plans-and-sources"),
    st.Page("screens/methodology.py", title=ui.t("nav_methodology"), icon=":material/functions:", url_path="method"),
]
if user is None:
    pages[ui.t("nav_section_reference")].append(
        st.Page("screens/sign_in.py", title=ui.t("sign_in"), icon=":material/login:", url_path="sign-in"))
pages[ui.t("nav_section_admin")] = admin_pages
# Every page listed: a collapsed menu's "View 3 more" is Streamlit's own English, on a Chinese page too.
page = st.navigation(pages, expanded=True)
ui.drop_flash_unless_on(page.url_path)
with ui.store_busy_notice():
    page.run()
ui.copy_link()          # after the page: the link carries the selections it has just made
