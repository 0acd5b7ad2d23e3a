"""Roles, password hashes, throttling, session expiry and SSO mapping (the pure part of who may do what)."""

from datetime import datetime, timedelta

import pytest

from tracker.access import actions as access
from tracker.access import auth
from tracker.access.actions import Action
from tracker.access.auth import PermissionDenied, SsoRoles, User

NOW = datetime(2026, 11, 22, 9, 0, 0)


def test_hashes_are_salted_slow_argon2_and_verify():
    first, second = auth.hash_password("正确的密码-2026"), auth.hash_password("正确的密码-2026")
    assert first != second                                  # a fresh salt each time
    assert first.startswith("$argon2id$")
    assert auth.verify_password(first, "正确的密码-2026") and auth.verify_password(second, "正确的密码-2026")
    assert not auth.verify_password(first, "错误的密码-2026")
    assert not auth.verify_password("not-a-hash", "whatever-123")
    assert not auth.verify_password(None, "whatever-123")


@pytest.mark.parametrize(("password", "problem"), [("short", "至少"), (" padded-password", "空格"),
                                                   ("long-enough-1", None)])
def test_password_rules(password, problem):
    found = auth.password_problem(password)
    assert (found is None) if problem is None else (problem in found)


EDITOR_ACTIONS = {Action.WRITE_ACTUALS, Action.REVERT_BATCH, Action.ASSESS_QUALITATIVE, Action.ADD_PLANS}
REVIEWER_ACTIONS = EDITOR_ACTIONS | {Action.REVIEW_VALUES, Action.LOCK_YEARS}


@pytest.mark.parametrize("action", list(Action))
@pytest.mark.parametrize("role", ["viewer", "editor", "reviewer", "admin"])
def test_role_ladder(role, action):
    user = User("u", role)
    may = (role == "admin" or (role == "editor" and action in EDITOR_ACTIONS)
           or (role == "reviewer" and action in REVIEWER_ACTIONS))
    assert access.allowed(user, action) is may
    if may:
        assert access.require(user, action) is user
    else:
        with pytest.raises(PermissionDenied, match=f"无权执行“{action.value}”"):
            access.require(user, action)


def test_each_role_may_do_what_the_one_before_it_may():
    for lower, higher in zip(access.ROLES, access.ROLES[1:], strict=False):
        assert access.ALLOWED[lower] <= access.ALLOWED[higher]
    assert access.minimum_role(Action.WRITE_ACTUALS) == "editor"
    assert access.minimum_role(Action.MANAGE_ACCOUNTS) == "admin"
    assert access.minimum_role(Action.REVIEW_VALUES) == "reviewer"
    assert not access.allowed(User("u", "no-such-role"), Action.WRITE_ACTUALS)


def test_nobody_logged_in_is_refused():
    with pytest.raises(PermissionDenied, match="需要登录"):
        access.require(None, Action.WRITE_ACTUALS)


@pytest.mark.parametrize(("failures", "seconds_ago", "wait"), [
    (0, 0, 0), (2, 0, 0),          # the first failures cost nothing
    (3, 0, 2), (4, 0, 4), (5, 1, 7),  # then 2, 4, 8 … seconds from the last failure
    (5, 10, 0), (30, 0, auth.MAX_WAIT_SECONDS),
])
def test_failed_logins_are_slowed_down(failures, seconds_ago, wait):
    assert auth.wait_seconds(failures, NOW - timedelta(seconds=seconds_ago), NOW) == wait


@pytest.mark.parametrize(("logged_in", "last_seen", "expired"), [
    (timedelta(minutes=5), timedelta(minutes=1), False),
    (timedelta(hours=2), timedelta(minutes=31), True),      # idle too long
    (timedelta(hours=11), timedelta(minutes=1), True),      # absolute limit
])
def test_sessions_expire(logged_in, last_seen, expired):
    assert auth.session_expired(NOW - logged_in, NOW - last_seen, NOW) is expired


def test_sso_roles_by_email(tmp_path):
    path = tmp_path / "sso_roles.toml"
    path.write_text('default_role = "viewer"\n[roles]\n"Li.Ming@kjj.gov.cn" = "admin"\n"clerk@tjj.gov.cn" = "editor"\n',
                    encoding="utf-8")
    roles = SsoRoles.load(path)
    assert roles.user_for("li.ming@kjj.gov.cn", "李明").role == "admin"
    assert roles.user_for("clerk@tjj.gov.cn").role == "editor"
    assert roles.user_for("someone@else.cn").role == "viewer"
    assert roles.user_for(None) is None
    closed = tmp_path / "closed.toml"
    closed.write_text('default_role = ""\n[roles]\n"a@b.cn" = "viewer"\n', encoding="utf-8")
    assert SsoRoles.load(closed).user_for("x@y.cn") is None
    bad = tmp_path / "bad.toml"
    bad.write_text('[roles]\n"a@b.cn" = "superuser"\n', encoding="utf-8")
    with pytest.raises(ValueError, match="superuser"):
        SsoRoles.load(bad)
