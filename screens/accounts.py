"""账户管理: local accounts — add, change role, reset password, disable or enable. Admins only."""

import pandas as pd
import streamlit as st

import ui
from tracker import commands
from tracker.access.actions import ROLES, Action, role_label
from tracker.formatting import MISSING


def role_name(role: str) -> str:
    return role_label(role, ui.lang())


def add_form(store, admin) -> None:
    with st.form("accounts_add", clear_on_submit=True):
        st.subheader(ui.t("account_add"))
        a, b, c = st.columns(3)
        username = a.text_input(ui.t("username"), key="accounts_new_name")
        display = b.text_input(ui.t("display_name"), key="accounts_new_display")
        email = c.text_input(ui.t("email"), key="accounts_new_email")
        d, e = st.columns(2)
        role = d.selectbox(ui.t("role"), ROLES, index=1, format_func=role_name, key="accounts_new_role")
        password = e.text_input(ui.t("initial_password"), type="password", key="accounts_new_password")
        if st.form_submit_button(ui.t("account_add")):
            try:
                commands.add_account(store, admin, username, role=role, password=password, display_name=display,
                                     email=email)
            except (ValueError, PermissionError) as exc:
                st.error(str(exc))
            else:
                st.success(ui.t("account_added").format(name=username))


def change_form(store, admin, users: pd.DataFrame) -> None:
    st.subheader(ui.t("account_change"))
    name = st.selectbox(ui.t("username"), users["username"], key="accounts_pick")
    row = users.set_index("username").loc[name]
    a, b, c = st.columns(3)
    role = a.selectbox(ui.t("role"), ROLES, index=ROLES.index(row["role"]), format_func=role_name,
                       key=f"accounts_role_{name}")
    password = b.text_input(ui.t("new_password"), type="password", key=f"accounts_password_{name}")
    try:
        if a.button(ui.t("save_role"), key="accounts_save_role", disabled=role == row["role"]):
            commands.set_role(store, admin, name, role)
            st.rerun()
        if b.button(ui.t("reset_password"), key="accounts_reset", disabled=not password):
            commands.set_password(store, admin, name, password)
            st.success(ui.t("password_reset").format(name=name))
        label = ui.t("disable_account") if row["active"] else ui.t("enable_account")
        if c.button(label, key="accounts_toggle", disabled=name == admin.username):
            commands.set_active(store, admin, name, not row["active"])
            st.rerun()
    except (ValueError, PermissionError) as exc:
        st.error(str(exc))


def main() -> None:
    st.title(ui.t("nav_accounts"))
    admin = ui.require(Action.MANAGE_ACCOUNTS)
    store = ui.get_store()
    users = store.users()
    st.dataframe(users.assign(role=users["role"].map(role_name)), hide_index=True, placeholder=MISSING, width="stretch",
                 key="accounts_table")
    add_form(store, admin)
    if not users.empty:
        change_form(store, admin, users)


main()
