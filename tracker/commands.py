"""The one command layer: every write a person makes, with its permission and its rules, in one place.

Each command (a) re-reads the acting account from the store by username, inside the writing transaction, and
refuses when it no longer exists, is disabled, signed in with a password that has since changed, or its current role
no longer allows the Action; (b) checks the Action (tracker.access.actions); (c) applies the rule of the write; (d) writes
through the SQL-only functions of tracker.db.writes in ONE transaction together with (e) the audit row, which
records the role read from the store at the time of the write. Pages and command-line modules call these functions;
they never write through the store themselves.

Who acts: a local account (re-read from the users table), a single-sign-on identity (its role re-read from the
role file, TRACKER_SSO_ROLES) or the server's own command line (auth.SYSTEM, which has no account: whoever runs
a shell on the server owns the file anyway).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import pandas as pd

from tracker.access import auth
from tracker.access.actions import ROLES, Action, PermissionDenied, require
from tracker.access.auth import SYSTEM, User
from tracker.db import writes as sql
from tracker.db.accounts import validate_thresholds
from tracker.methodology.thresholds import DEFAULT_THRESHOLDS, Thresholds

if TYPE_CHECKING:
    from etl.build import BuildResult
    from tracker.actuals.validate import Validation
    from tracker.db.store import Store

# Statuses a person may give a qualitative target (codes of the schedule verdict).
QUALITATIVE_STATUSES = ("on_track", "lagging", "achieved", "completed", "not_completed")

ENTRY_KINDS = ("entry", "upload")


# -- who acts ---------------------------------------------------------------------------------------------------------
def current_account(cur: duckdb.DuckDBPyConnection, actor: User | None) -> User | None:
    """The acting person as the store (or the SSO role file) has them now; None when they may not act at all."""
    if actor is None:
        return None
    if actor.source == "system" and actor.username == SYSTEM.username:
        return SYSTEM
    if actor.source == "sso":
        from tracker.config import sso_roles_path

        return auth.SsoRoles.load(sso_roles_path()).user_for(actor.email or actor.username, actor.display_name)
    row = sql.account_row(cur, actor.username)
    if row is None or not row["active"]:
        return None
    return User(username=row["username"], role=row["role"], display_name=row["display_name"] or "",
                email=row["email"] or "", source="local", credentials_version=int(row["credentials_version"]))


def acting(cur: duckdb.DuckDBPyConnection, actor: User | None, action: Action | None) -> User:
    """The acting account re-read inside the transaction, checked for action (None: any active account)."""
    if actor is None:
        return require(None, action or Action.WRITE_ACTUALS)
    fresh = current_account(cur, actor)
    if fresh is None:
        raise PermissionDenied(f"账户 {actor.username} 不存在或已停用,不能写入;请联系管理员。")
    if actor.credentials_version is not None and fresh.credentials_version not in (None, actor.credentials_version):
        raise PermissionDenied(f"账户 {actor.username} 的密码已更改,请重新登录后再操作。")
    return fresh if action is None else require(fresh, action)


def _audit(cur, who: User, action: str, obj: str | None, detail: str) -> None:
    sql.write_audit(cur, who.username, who.role, action, obj, detail)


# -- actual values ----------------------------------------------------------------------------------------------------
def commit_actuals(store: Store, actor: User | None, rows: pd.DataFrame, *, kind: str, note: str | None = None,
                   file_name: str | None = None, file_sha256: str | None = None,
                   before_commit: Callable | None = None) -> str:
    """Write rows as one batch of revisions in one transaction (all or nothing); returns the batch id.

    rows: region, indicator, year and value (NULL withdraws a value), optionally region_id, indicator_id,
    unit, source, vintage (快报/年报), reason, note. before_commit(cursor) runs last inside the transaction
    (tests use it to simulate a crash).
    """
    if kind not in ENTRY_KINDS:
        raise ValueError(f"unknown batch kind {kind!r}")
    if rows.empty:
        raise ValueError("没有要写入的数值 / no rows to write")
    missing = {"region", "indicator", "year", "value"} - set(rows.columns)
    if missing:
        raise ValueError(f"missing columns: {sorted(missing)}")
    now = datetime.now()
    batch_id = sql.new_batch_id(kind, now)
    with store.transaction() as cur:
        who = acting(cur, actor, Action.WRITE_ACTUALS)
        frame = rows[[c for c in sql.ACTUAL_INPUT if c in rows.columns]].assign(
            batch_id=batch_id, entered_by=who.username, entered_at=now
        )
        sql.insert_batch(cur, batch_id=batch_id, kind=kind, created_by=who.username, created_at=now, note=note,
                         row_count=len(frame), file_name=file_name, file_sha256=file_sha256)
        sql.insert_actuals(cur, frame)
        _audit(cur, who, kind, batch_id, f"{len(frame)} 个数值" + (f",文件 {file_name}" if file_name else ""))
        if before_commit is not None:
            before_commit(cur)
    return batch_id


def commit_validation(store: Store, actor: User | None, validation: Validation, *, kind: str,
                      note: str | None = None, file_name: str | None = None,
                      file_sha256: str | None = None) -> str | None:
    """Write the changes of a validation (tracker.actuals.validate) as one batch; None when nothing changed. Refuses a
    result with errors. The entry page, the upload page and python -m tracker import all commit here."""
    from tracker.actuals.validate import COMMIT_COLUMNS

    if validation.has_errors:
        raise ValueError("存在错误,未写入任何数据 / the data has errors; nothing was written")
    changes = validation.changes
    if changes.empty:
        return None
    return commit_actuals(store, actor, changes[COMMIT_COLUMNS].astype({"year": int}), kind=kind, note=note,
                          file_name=file_name, file_sha256=file_sha256)


def revert_refusal(kind: str, status: str) -> str | None:
    """Why a batch cannot be reverted — 'seed', 'revert' or 'reverted' — or None when it can (the one rule)."""
    if kind == "seed":
        return "seed"
    if kind == "revert":
        return "revert"
    if status != "committed":
        return "reverted"
    return None


_REVERT_REFUSALS = {
    "seed": "规划文本陈述值(seed 批次)不能撤销,它由 python -m etl 维护 / the seed batch cannot be reverted",
    "revert": "撤销记录本身不能再撤销 / a revert cannot be reverted",
    "reverted": "批次 {batch} 已经撤销过 / the batch is already reverted",
}


def revert_batch(store: Store, actor: User | None, batch_id: str, *, reason: str) -> str:
    """Undo a batch: mark it reverted (its revisions stop counting, the previous ones count again) and record
    the undo as a batch of kind 'revert'. Nothing is deleted. Returns the revert batch's id."""
    reason = (reason or "").strip()
    now = datetime.now()
    revert_id = sql.new_batch_id("revert", now)
    with store.transaction() as cur:
        who = acting(cur, actor, Action.REVERT_BATCH)
        if not reason:
            raise ValueError("请填写撤销原因 / a reason is required")
        state = sql.batch_state(cur, batch_id)
        if state is None:
            raise ValueError(f"批次 {batch_id} 不存在 / no such batch")
        kind, status, count = state
        refusal = revert_refusal(kind, status)
        if refusal:
            raise ValueError(_REVERT_REFUSALS[refusal].format(batch=batch_id))
        sql.mark_batch_reverted(cur, batch_id)
        sql.insert_batch(cur, batch_id=revert_id, kind="revert", created_by=who.username, created_at=now,
                         note=reason, row_count=count, reverts_batch_id=batch_id)
        _audit(cur, who, "revert", batch_id, f"撤销批次 {batch_id}({count} 个数值),原因:{reason};记录为 {revert_id}")
    return revert_id


# -- qualitative targets ------------------------------------------------------------------------------------------------
def assess_qualitative(store: Store, actor: User | None, target_id: str, status: str,
                       note: str | None = None) -> None:
    """Record a person's assessment of a qualitative target (the latest one counts; earlier ones are kept)."""
    with store.transaction() as cur:
        who = acting(cur, actor, Action.ASSESS_QUALITATIVE)
        if status not in QUALITATIVE_STATUSES:
            raise ValueError(f"未知状态 {status}")
        if sql.target_kind(cur, target_id) != "qualitative":
            raise ValueError(f"{target_id} 不是定性目标,其评价由实际值计算。")
        sql.insert_target_status(cur, target_id, status, note, who.username, datetime.now())
        _audit(cur, who, "target_status", target_id, status + (f":{note}" if note else ""))


# -- settings ---------------------------------------------------------------------------------------------------------
def save_thresholds(store: Store, actor: User | None, thresholds: Thresholds) -> None:
    """Save the thresholds that differ from the current ones, each change in the audit trail; refuse them all
    (InvalidThresholds, nothing written) when any is out of range or out of order."""
    current = store.thresholds()
    now = datetime.now()
    with store.transaction() as cur:
        who = acting(cur, actor, Action.CHANGE_SETTINGS)
        validate_thresholds(thresholds)
        for f in fields(Thresholds):
            old, new = getattr(current, f.name), getattr(thresholds, f.name)
            if old == new:
                continue
            if new == getattr(DEFAULT_THRESHOLDS, f.name):
                sql.delete_setting(cur, f"threshold.{f.name}")
            else:
                sql.save_setting(cur, f"threshold.{f.name}", repr(new), who.username, now)
            _audit(cur, who, "threshold_change", f.name, f"{old:g} → {new:g}")


def change_thresholds(store: Store, actor: User | None, **changes: float) -> None:
    """save_thresholds with some values changed from the ones in force."""
    save_thresholds(store, actor, replace(store.thresholds(), **changes))


# -- accounts ---------------------------------------------------------------------------------------------------------
def add_account(store: Store, actor: User | None, username: str, *, role: str, password: str,
                display_name: str = "", email: str = "") -> None:
    """Create an account. The very first account may be created by the server's own command line (SYSTEM)."""
    username = (username or "").strip()
    with store.transaction(counted=False) as cur:       # refuse before the slow hash; writes nothing
        acting(cur, actor, Action.MANAGE_ACCOUNTS)
    if not username or any(c.isspace() for c in username):
        raise ValueError("账户名不能为空,也不能含空格。")
    if role not in ROLES:
        raise ValueError(f"未知角色 {role};可选 {', '.join(ROLES)}")
    password_hash = auth.hash_password(password)    # slow on purpose: outside the transaction
    now = datetime.now()
    with store.transaction() as cur:
        who = acting(cur, actor, Action.MANAGE_ACCOUNTS)
        if sql.account_row(cur, username) is not None:
            raise ValueError(f"账户 {username} 已存在。")
        sql.insert_user(cur, username=username, display_name=display_name, email=email, role=role,
                        password_hash=password_hash, now=now)
        _audit(cur, who, "user_add", username, f"角色 {role}")


def _existing(cur, username: str) -> None:
    if sql.account_row(cur, username) is None:
        raise ValueError(f"账户 {username} 不存在。")


def set_password(store: Store, actor: User | None, username: str, password: str) -> None:
    """A new password: admins for anyone, every active account for itself. The account's sessions end."""
    own = actor is not None and actor.username == username and actor.source == "local"
    action = None if own else Action.MANAGE_ACCOUNTS
    with store.transaction(counted=False) as cur:       # refuse before the slow hash; writes nothing
        acting(cur, actor, action)
    password_hash = auth.hash_password(password)
    with store.transaction() as cur:
        who = acting(cur, actor, action)
        _existing(cur, username)
        sql.update_password(cur, username, password_hash, datetime.now())
        _audit(cur, who, "user_password", username, "重设密码")


def set_role(store: Store, actor: User | None, username: str, role: str) -> None:
    with store.transaction() as cur:
        who = acting(cur, actor, Action.MANAGE_ACCOUNTS)
        if role not in ROLES:
            raise ValueError(f"未知角色 {role}")
        _existing(cur, username)
        sql.update_role(cur, username, role, datetime.now())
        _audit(cur, who, "user_role", username, f"角色改为 {role}")


def set_active(store: Store, actor: User | None, username: str, active: bool) -> None:
    with store.transaction() as cur:
        who = acting(cur, actor, Action.MANAGE_ACCOUNTS)
        _existing(cur, username)
        sql.update_active(cur, username, active, datetime.now())
        _audit(cur, who, "user_enable" if active else "user_disable", username, "启用" if active else "停用")


# -- the catalogue ----------------------------------------------------------------------------------------------------
def refresh_catalogue(store: Store, actor: User | None, catalogue_dir: Path | None = None,
                      seeds_dir: Path | None = None, *, before_commit: Callable | None = None) -> BuildResult:
    """Rebuild the catalogue from seeds/ inside the app (an admin): everything is read and checked before the
    transaction; entered actuals, batches and statuses are left as they are."""
    from etl.build import build_tables
    from tracker.config import CATALOGUE_DIR, SEEDS_DIR

    with store.transaction(counted=False) as cur:       # refuse before the build; writes nothing
        acting(cur, actor, Action.REFRESH_CATALOGUE)
    result = build_tables(catalogue_dir or CATALOGUE_DIR, seeds_dir or SEEDS_DIR)
    with store.transaction() as cur:
        who = acting(cur, actor, Action.REFRESH_CATALOGUE)
        sql.replace_seed_tables(cur, result.tables, result.seed_actuals, result.meta)
        _audit(cur, who, "catalogue_refresh", result.meta.get("catalogue_sha256"),
               f"{len(result.tables['targets'])} 个目标,{len(result.seed_actuals)} 个文本陈述值")
        if before_commit is not None:
            before_commit(cur)
    return result


# Every public command, for the tests that prove each one refuses whoever may not use it.
COMMANDS = (commit_actuals, commit_validation, revert_batch, assess_qualitative, save_thresholds, change_thresholds,
            add_account, set_password, set_role, set_active, refresh_catalogue)
