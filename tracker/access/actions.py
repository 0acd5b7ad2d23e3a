"""Who may do what: every write is an Action, every role a set of Actions, checked in one place.

Roles are ordered (viewer < editor < reviewer < admin): each role may do what the one before it may, and more. This module is
the only place that compares roles; everything else asks allowed(user, Action.…) or require(user, Action.…).
"""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING

from tracker.i18n import label
from tracker.i18n.labels import ROLE_LABELS

if TYPE_CHECKING:
    from tracker.access.auth import User

ROLES = ("viewer", "editor", "reviewer", "admin")


class PermissionDenied(PermissionError):
    """The acting user may not do an action (or no longer may: disabled, demoted, password changed); the message
    is in Chinese and says why."""


class Action(Enum):
    """Every write a person can make, and reading the audit trail. The value is the Chinese name shown in refusals."""

    WRITE_ACTUALS = "写入实际值"
    REVERT_BATCH = "撤销批次"
    ASSESS_QUALITATIVE = "评定定性目标"
    CHANGE_SETTINGS = "修改阈值"
    MANAGE_ACCOUNTS = "管理账户"
    REFRESH_CATALOGUE = "刷新规划目录"
    READ_AUDIT = "查看审计日志"
    ADD_PLANS = "新增或更正规划"
    SET_UNITS = "设置牵头和责任单位"
    RESTORE_BACKUP = "从备份恢复数据库"
    REVIEW_VALUES = "审核实际值"
    LOCK_YEARS = "锁定或解锁规划年度"


_EDITOR = frozenset({Action.WRITE_ACTUALS, Action.REVERT_BATCH, Action.ASSESS_QUALITATIVE, Action.ADD_PLANS})
# 审核 reviewers enter values as editors do (theirs are approved at once), approve or return what editors submitted,
# and lock or unlock a plan's year.
_REVIEWER = _EDITOR | {Action.REVIEW_VALUES, Action.LOCK_YEARS}
_ADMIN = _REVIEWER | {Action.SET_UNITS, Action.CHANGE_SETTINGS, Action.MANAGE_ACCOUNTS, Action.REFRESH_CATALOGUE, Action.READ_AUDIT,
                      Action.RESTORE_BACKUP}

# role → the actions it allows (each role includes the one before it, as the role order says).
ALLOWED: dict[str, frozenset[Action]] = {"viewer": frozenset(), "editor": _EDITOR, "reviewer": frozenset(_REVIEWER),
                                         "admin": frozenset(_ADMIN)}


def role_allows(role: str | None, action: Action) -> bool:
    """True when role (a code of ROLES) may do action; an unknown role may do nothing."""
    return action in ALLOWED.get(role or "", frozenset())


def allowed(user: User | None, action: Action) -> bool:
    return user is not None and role_allows(user.role, action)


def minimum_role(action: Action) -> str:
    """The lowest role that may do action."""
    return next(role for role in ROLES if action in ALLOWED[role])


def role_label(role: str, lang: str = "zh") -> str:
    return label(ROLE_LABELS, role, lang)


def require(user: User | None, action: Action) -> User:
    """Return user when it may do action; raise PermissionDenied (in Chinese) otherwise."""
    needed = role_label(minimum_role(action))
    if user is None:
        raise PermissionDenied(f"“{action.value}”需要登录,且角色至少为“{needed}”。")
    if not role_allows(user.role, action):
        raise PermissionDenied(
            f"账户 {user.username}(角色“{role_label(user.role)}”)无权执行“{action.value}”,需要“{needed}”及以上角色。"
        )
    return user
