"""Who is signed in: single sign-on or a local account, the session kept in a signed cookie across reloads, the
sidebar's account panel, the sign-in form, and the pages a role may not open."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import streamlit as st

from tracker.access import auth, session_token
from tracker.access.actions import Action, allowed, minimum_role, role_label
from tracker.access.auth import SsoRoles, User
from tracker.config import session_secret_path, sso_roles_path
from tracker.reports.cells import markdown_literal
from ui import get_store, lang, t


def _sso_identity() -> dict | None:
    """The identity st.login signed in, when a provider is configured in secrets.toml (else None)."""
    info = st.user.to_dict()
    return info if info.get("is_logged_in") else None


def sso_configured() -> bool:
    # Streamlit reports is_logged_in (False) only when secrets.toml has an [auth] section.
    return "is_logged_in" in st.user.to_dict()


def current_user() -> User | None:
    """The signed-in user (single sign-on or a local account), or None; an expired session signs out."""
    identity = _sso_identity()
    if identity is not None:
        return SsoRoles.load(sso_roles_path()).user_for(identity.get("email"), identity.get("name"))
    session = st.session_state.get("auth")
    now = datetime.now()
    if session is None:
        session = _session_from_cookie(now)
        if session is None:
            return None
    if auth.session_expired(session["signed_in_at"], session["last_seen_at"], now):
        del st.session_state["auth"]
        st.session_state["auth_flash"] = t("session_expired")
        return None
    # Re-read the account on every rerun: a disabled or removed account, or one whose password changed since this
    # session signed in, is signed out at once; a changed role applies at once.
    signed_in = session["user"]
    account = get_store().account(signed_in.username)
    if (account is None or not account["active"]
            or int(account.get("credentials_version") or 0) != (signed_in.credentials_version or 0)):
        del st.session_state["auth"]
        st.session_state["auth_flash"] = t("session_revoked")
        st.session_state["cookie_pending"] = ""          # clear the browser's token too
        return None
    user = User(username=account["username"], role=account["role"], display_name=account["display_name"] or "",
                email=account["email"] or "", source="local",
                credentials_version=int(account.get("credentials_version") or 0))
    session["user"] = user
    session["last_seen_at"] = now
    if now - session.get("cookie_at", datetime.min) > COOKIE_REFRESH:
        _remember_session(session, now)
    return user


# A session's browser token is renewed this often (it carries the last-seen time the idle limit is checked on).
COOKIE_REFRESH = timedelta(minutes=5)


def _session_from_cookie(now: datetime) -> dict | None:
    """A session restored from the browser's signed token after a reload or in a new tab (not after sign-out)."""
    if st.session_state.get("signed_out"):
        return None
    claims = session_token.verify(st.context.cookies.get(session_token.COOKIE_NAME), _secret(), now)
    if claims is None:
        return None
    user = User(username=claims.username, role="viewer", credentials_version=claims.credentials_version)
    session = {"user": user, "signed_in_at": claims.signed_in_at, "last_seen_at": claims.last_seen_at}
    st.session_state["auth"] = session          # checked against the stored account by the caller at once
    return session


def _remember_session(session: dict, now: datetime) -> None:
    user = session["user"]
    claims = session_token.SessionClaims(user.username, user.credentials_version or 0, session["signed_in_at"], now)
    st.session_state["cookie_pending"] = session_token.issue(claims, _secret())
    session["cookie_at"] = now


@st.cache_resource
def _signing_key(path: str) -> bytes:
    return session_token.load_secret(Path(path))


def _secret() -> bytes:
    """The key that signs this server's sign-in tokens (read once per key file)."""
    return _signing_key(str(session_secret_path()))


def _cookie_script() -> None:
    """Set or clear the browser's session token (a script: Streamlit cannot set a cookie from the server)."""
    token = st.session_state.pop("cookie_pending", None)
    if token is None:
        return
    secure = "; Secure" if (st.context.url or "").startswith("https:") else ""
    age = int(auth.SESSION_IDLE.total_seconds()) if token else 0
    cookie = f"{session_token.COOKIE_NAME}={token}; Path=/; Max-Age={age}; SameSite=Strict{secure}"
    st.html(f"<script>document.cookie = {json.dumps(cookie)};</script>", unsafe_allow_javascript=True)


def require(action: Action) -> User:
    """Stop the page with a clear message unless the signed-in user may do action (the commands check too)."""
    user = current_user()
    if not allowed(user, action):
        st.warning(t("need_role").format(role=role_label(minimum_role(action), lang())))
        st.stop()
    return user


def locked_page(title: str, action: Action):
    """What a data or admin page's address shows to someone who may not use it: sign in here and the page opens
    (visitors), or which role it needs (signed-in users with a lower role)."""
    def page() -> None:
        st.title(title)
        user = current_user()
        if user is None:
            st.warning(t("sign_in_first"))
            sign_in_form(stay=True)
        else:
            st.warning(t("need_role").format(role=role_label(minimum_role(action), lang())))
    return page


def account_panel(user: User | None) -> None:
    """Sidebar: who is signed in with a sign-out button; for visitors, how to sign in (or create the first admin)."""
    with st.sidebar:
        _cookie_script()
    box = st.sidebar.container(border=True)
    if "auth_flash" in st.session_state:
        box.info(st.session_state.pop("auth_flash"))
    if user is not None:
        role = role_label(user.role, lang())
        box.markdown(f"**{markdown_literal(user.label)}** · {role}")     # a display name is text, not markup
        if user.source == "sso":
            box.button(t("sign_out"), key="auth_sso_logout", on_click=st.logout)
        elif box.button(t("sign_out"), key="auth_logout"):
            del st.session_state["auth"]
            st.session_state["signed_out"] = True       # this session's request still carries the old cookie
            st.session_state["cookie_pending"] = ""
            st.rerun()
    elif not get_store().has_accounts() and not sso_configured():
        box.caption(t("no_accounts"))
    else:
        box.caption(t("visitor"))


def sign_in_form(stay: bool = False) -> None:
    """The sign-in form: single sign-on when configured, else (or also) a local account. stay: on the page that asked
    for it (a data or admin page opened while signed out), which opens once signed in; else on to the overview."""
    if sso_configured():
        st.button(t("sign_in_sso"), key="auth_sso_login", on_click=st.login, type="primary")
    store = get_store()
    if not store.has_accounts():
        st.info(t("no_accounts"))
        return
    with st.form("auth_form"):
        username = st.text_input(t("username"), key="auth_username")
        password = st.text_input(t("password"), type="password", key="auth_password")
        submitted = st.form_submit_button(t("sign_in"), type="primary")
    if submitted:
        try:
            client = getattr(st.context, "ip_address", None)   # throttles one browser guessing many accounts
            user = store.sign_in(username.strip(), password, channel="web", client=f"web:{client or 'unknown'}")
        except ValueError as exc:
            st.error(str(exc))
            return
        now = datetime.now()
        session = {"user": user, "signed_in_at": now, "last_seen_at": now}
        st.session_state["auth"] = session
        st.session_state.pop("signed_out", None)
        _remember_session(session, now)
        if not stay:
            st.switch_page("screens/overview.py")
        st.rerun()                      # the page asked for is registered for this account now
