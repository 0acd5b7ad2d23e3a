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

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import fields, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from tracker.access import auth
from tracker.access.actions import ROLES, Action, PermissionDenied, require, role_allows
from tracker.access.auth import SYSTEM, User
from tracker.db import writes as sql
from tracker.db.accounts import validate_thresholds
from tracker.db.dialect import Cursor
from tracker.methodology.thresholds import DEFAULT_THRESHOLDS, Thresholds

if TYPE_CHECKING:
    from etl.build import BuildResult
    from tracker.actuals.validate import Validation
    from tracker.db.store import Store

# Statuses a person may give a qualitative target (codes of the schedule verdict).
QUALITATIVE_STATUSES = ("on_track", "lagging", "achieved", "completed", "not_completed")

ENTRY_KINDS = ("entry", "upload")


# -- who acts ---------------------------------------------------------------------------------------------------------
def current_account(cur: Cursor, actor: User | None) -> User | None:
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


def acting(cur: Cursor, actor: User | None, action: Action | None) -> User:
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
class ChangedMeanwhile(ValueError):
    """Values a check compared with were changed by another writer before the commit; the message names them."""


def commit_actuals(store: Store, actor: User | None, rows: pd.DataFrame, *, kind: str, note: str | None = None,
                   file_name: str | None = None, file_sha256: str | None = None,
                   before_commit: Callable | None = None, checked_against: pd.DataFrame | None = None) -> str:
    """Write rows as one batch of revisions in one transaction (all or nothing); returns the batch id.

    rows: region, indicator, year and value (NULL withdraws a value), optionally region_id, indicator_id,
    unit, source, vintage (快报/年报), reason, note. checked_against: region, indicator, year, old_batch_id of every
    row a check compared (a Validation's rows, unchanged ones too): when another writer has changed one of them
    since, ChangedMeanwhile and nothing is written (the check said "unchanged" or "old → new" of a value that is
    no longer there). before_commit(cursor) runs last inside the transaction (tests use it to simulate a crash).
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
        _refuse_locked(cur, rows)
        if checked_against is not None:
            _refuse_moved(cur, checked_against)
        # A reviewer's or an admin's value (and the server's command line's) is approved at once; an editor's waits.
        approved = role_allows(who.role, Action.REVIEW_VALUES)
        frame = rows[[c for c in sql.ACTUAL_INPUT if c in rows.columns]].assign(
            batch_id=batch_id, entered_by=who.username, entered_at=now,
            review_status="approved" if approved else "pending",
            reviewed_by=who.username if approved else None, reviewed_at=now if approved else None,
        )
        sql.insert_batch(cur, batch_id=batch_id, kind=kind, created_by=who.username, created_at=now, note=note,
                         row_count=len(frame), file_name=file_name, file_sha256=file_sha256)
        sql.insert_actuals(cur, frame)
        _audit(cur, who, kind, batch_id, f"提交 {len(frame)} 个数值" + (f",文件 {file_name}" if file_name else "")
               + (";提交人可审核,直接通过" if approved else ";待审核"))
        if before_commit is not None:
            before_commit(cur)
    return batch_id


def commit_validation(store: Store, actor: User | None, validation: Validation, *, kind: str,
                      note: str | None = None, file_name: str | None = None,
                      file_sha256: str | None = None, checked_against: pd.DataFrame | None = None) -> str | None:
    """Write the changes of a validation (tracker.actuals.validate) as one batch; None when nothing changed. Refuses a
    result with errors, and (ChangedMeanwhile) one whose compared values another writer has changed since: those of
    the validation's rows, or of checked_against (region, indicator, year, old_batch_id: the check the person was
    shown, when the page has checked again since). The entry page, the upload page and python -m tracker import all
    commit here."""
    from tracker.actuals.validate import COMMIT_COLUMNS

    if validation.has_errors:
        raise ValueError("存在错误,未写入任何数据 / the data has errors; nothing was written")
    changes = validation.changes
    if changes.empty:
        return None
    return commit_actuals(store, actor, changes[COMMIT_COLUMNS].astype({"year": int}), kind=kind, note=note,
                          file_name=file_name, file_sha256=file_sha256,
                          checked_against=validation.rows[CHECKED] if checked_against is None else checked_against)


# What a check compared each row with: the revision (its batch) that counted for the row's key.
CHECKED = ["region", "indicator", "year", "old_batch_id"]


def _refuse_moved(cur, checked: pd.DataFrame) -> None:
    moved = sql.moved_since(cur, checked.dropna(subset=["region", "indicator", "year"]))
    if moved.empty:
        return
    named = [f"{r.region} · {r.indicator} · {int(r.year)}年(现为{'已撤回' if pd.isna(r.value) else f'{r.value:g}'},"
             f"批次 {r.batch_id if isinstance(r.batch_id, str) else '—'})" for r in moved.head(5).itertuples()]
    more = f" 等 {len(moved)} 个数值" if len(moved) > 5 else ""
    raise ChangedMeanwhile(f"核对之后,以下数值已被他人修改:{';'.join(named)}{more}。未写入任何数据:请重新核对"
                           "(重新上传文件、刷新本页或再次运行导入)后再提交。")


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
        _refuse_locked(cur, sql.batch_keys(cur, batch_id))
        sql.mark_batch_reverted(cur, batch_id)
        sql.insert_batch(cur, batch_id=revert_id, kind="revert", created_by=who.username, created_at=now,
                         note=reason, row_count=count, reverts_batch_id=batch_id)
        _audit(cur, who, "revert", batch_id, f"撤销批次 {batch_id}({count} 个数值),原因:{reason};记录为 {revert_id}")
    return revert_id


# -- approval ---------------------------------------------------------------------------------------------------------
# A revision is the unit of review (actuals.review_status): pending until approved or returned with a reason. A batch
# is usually reviewed whole (the review page approves all its values at once) but one value can be returned alone.
# Approving a plan's year approves its pending values and locks the year; a locked year refuses new revisions (and
# reverts) of the series the plan targets until a reviewer unlocks it with a reason.
class LockedError(ValueError):
    """A write would revise a value of a locked year; the message names the rows in Chinese."""


def _refuse_locked(cur, rows: pd.DataFrame) -> None:
    if rows.empty:
        return
    locked = sql.locked_rows(cur, rows)
    if locked.empty:
        return
    named = [f"{r.region} · {r.indicator} · {int(r.year)}年(《{r.title or r.plan_id}》{int(r.year)}年已锁定)"
             for r in locked.head(5).itertuples()]
    more = f" 等 {len(locked)} 个数值" if len(locked) > 5 else ""
    raise LockedError(f"以下数值所在年度已审核锁定,不能修改:{';'.join(named)}{more}。"
                      "如需修改,请审核人先解锁该规划年度(须填写原因)。")


def _review(store: Store, actor: User | None, actual_ids: Sequence[int], status: str, note: str | None) -> int:
    ids = sorted({int(i) for i in actual_ids})
    if not ids:
        raise ValueError("没有选择要审核的数值 / no values chosen")
    now = datetime.now()
    with store.transaction() as cur:
        who = acting(cur, actor, Action.REVIEW_VALUES)
        states = sql.review_states(cur, ids)
        if len(states) < len(ids):
            raise ValueError("所选数值不存在 / no such value")
        done = states[(states["review_status"] != "pending") | (states["batch_status"] != "committed")]
        if not done.empty:
            r = done.iloc[0]
            raise ValueError(f"{r['region']} · {r['indicator']} · {int(r['year'])}年 的这次提交已审核或已撤销,"
                             "不能再审核。")
        sql.set_review(cur, ids, status, who.username, now, note)
        verb = "通过" if status == "approved" else "退回"
        for batch_id, part in states.groupby("batch_id", sort=True):
            values = "、".join(f"{r.region}·{r.indicator}·{int(r.year)}年" for r in part.head(10).itertuples())
            _audit(cur, who, "approve" if status == "approved" else "return", batch_id,
                   f"{verb} {len(part)} 个数值:{values}{' 等' if len(part) > 10 else ''}"
                   + (f";原因:{note}" if note else ""))
    return len(ids)


def approve_values(store: Store, actor: User | None, actual_ids: Sequence[int]) -> int:
    """Approve pending revisions (reviewers, admins): they count from now on. Returns how many."""
    return _review(store, actor, actual_ids, "approved", None)


def return_values(store: Store, actor: User | None, actual_ids: Sequence[int], *, reason: str) -> int:
    """Return pending revisions to who submitted them, with a reason: they never count (the approved value before
    them still does). Returns how many."""
    reason = (reason or "").strip()
    if not reason:
        raise ValueError("请填写退回原因 / a reason is required")
    return _review(store, actor, actual_ids, "returned", reason)


def _plan_exists(cur, plan_id: str) -> str:
    row = cur.execute("SELECT title FROM plans WHERE plan_id = ?", [plan_id]).fetchone()
    if row is None:
        raise ValueError(f"没有规划 {plan_id} / no such plan")
    return row[0]


def approve_plan_year(store: Store, actor: User | None, plan_id: str, year: int) -> int:
    """Approve every pending value of the series a plan targets for one year and lock that year (one transaction,
    audited as approve and lock). Returns how many values were approved."""
    now = datetime.now()
    year = int(year)
    with store.transaction() as cur:
        who = acting(cur, actor, Action.REVIEW_VALUES)
        acting(cur, actor, Action.LOCK_YEARS)
        title = _plan_exists(cur, plan_id)
        ids = sql.pending_ids_of_plan_year(cur, plan_id, year)
        if ids:
            sql.set_review(cur, ids, "approved", who.username, now, None)
            _audit(cur, who, "approve", f"{plan_id}:{year}", f"《{title}》{year}年:通过 {len(ids)} 个待审核数值")
        if not sql.is_locked(cur, plan_id, year):
            sql.insert_year_lock(cur, plan_id, year, "lock", who.username, now, "审核通过 / approved")
            _audit(cur, who, "lock", f"{plan_id}:{year}", f"《{title}》{year}年审核通过,锁定")
    return len(ids)


def lock_year(store: Store, actor: User | None, plan_id: str, year: int, *, reason: str | None = None) -> None:
    """Lock a plan's year: new revisions of the series it targets are refused for that year until unlocked."""
    with store.transaction() as cur:
        who = acting(cur, actor, Action.LOCK_YEARS)
        title = _plan_exists(cur, plan_id)
        if sql.is_locked(cur, plan_id, int(year)):
            raise ValueError(f"《{title}》{int(year)}年已锁定 / already locked")
        sql.insert_year_lock(cur, plan_id, int(year), "lock", who.username, datetime.now(), (reason or "").strip()
                             or None)
        _audit(cur, who, "lock", f"{plan_id}:{int(year)}", f"《{title}》{int(year)}年锁定"
               + (f";原因:{reason.strip()}" if (reason or "").strip() else ""))


def unlock_year(store: Store, actor: User | None, plan_id: str, year: int, *, reason: str) -> None:
    """Unlock a locked plan's year (reason required, audited): its values may be revised again."""
    reason = (reason or "").strip()
    if not reason:
        raise ValueError("请填写解锁原因 / a reason is required")
    with store.transaction() as cur:
        who = acting(cur, actor, Action.LOCK_YEARS)
        title = _plan_exists(cur, plan_id)
        if not sql.is_locked(cur, plan_id, int(year)):
            raise ValueError(f"《{title}》{int(year)}年未锁定 / not locked")
        sql.insert_year_lock(cur, plan_id, int(year), "unlock", who.username, datetime.now(), reason)
        _audit(cur, who, "unlock", f"{plan_id}:{int(year)}", f"《{title}》{int(year)}年解锁;原因:{reason}")


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


# -- responsible units ------------------------------------------------------------------------------------------------
def set_responsible_units(store: Store, actor: User | None, target_id: str, *, lead: Sequence[str],
                          responsible: Sequence[str], reason: str) -> None:
    """Set a target's 牵头单位 and 责任单位 (admins): the setting replaces what the plan's text names, survives a
    rebuild from seeds/ and is kept with the earlier ones."""
    lead, responsible = _unit_names(lead), _unit_names(responsible)
    if not reason.strip():
        raise ValueError("请填写修改原因。")
    with store.transaction() as cur:
        who = acting(cur, actor, Action.SET_UNITS)
        if not cur.execute("SELECT count(*) FROM targets WHERE target_id = ?", [target_id]).fetchone()[0]:
            raise ValueError(f"没有目标 {target_id}。")
        cur.execute("INSERT INTO target_unit_sets VALUES (?, ?, ?, ?, ?, ?)",
                    [target_id, json.dumps(lead, ensure_ascii=False), json.dumps(responsible, ensure_ascii=False),
                     who.username, datetime.now(), reason.strip()])
        _audit(cur, who, "set_units", target_id,
               f"牵头单位:{'、'.join(lead) or '无'};责任单位:{'、'.join(responsible) or '无'};原因:{reason.strip()}")


def _unit_names(names: Sequence[str]) -> list[str]:
    """Names as typed, each once, in order; one cell may list several (区科技局、区财政局)."""
    split = [part.strip() for name in names for part in re.split(r"[、,，;；\n]+", name or "")]
    too_long = [n for n in split if len(n) > 60]
    if too_long:
        raise ValueError(f"单位名称过长:{too_long[0][:20]}…")
    return list(dict.fromkeys(n for n in split if n))


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


def restore_backup(store: Store, actor: User | None, path: Path, *, replace: bool = False):
    """Replace everything in the store with a backup (tracker.db.backup), in one transaction: the server's command
    line or an admin. Refused (BackupError, nothing written) when the file is not a sound backup, or when the store
    holds data and replace is not set. Returns the backup's manifest."""
    import uuid

    from tracker.db import backup
    from tracker.db.migrations import base_tables

    with store.transaction(counted=False) as cur:       # refuse before reading the file; writes nothing
        acting(cur, actor, Action.RESTORE_BACKUP)
    manifest, rows = backup.load(path)
    try:
        with store.transaction() as cur:
            who = acting(cur, actor, Action.RESTORE_BACKUP)
            if not replace and not backup.is_empty(cur):
                raise backup.BackupError("目标数据库已有数据:恢复会替换其全部内容。确认后请加 --replace。")
            if set(base_tables(cur)) != set(base_tables(rows)):
                raise backup.BackupError("备份迁移后的表与本数据库的表不一致,无法恢复。")
            sql.replace_every_table(cur, rows, manifest.sequences, uuid.uuid4().hex)
            _audit(cur, who, "restore", Path(path).name,
                   f"自 {manifest.created_at} 的备份恢复 {len(manifest.tables)} 张表、{manifest.row_count} 行"
                   f"(结构版本 {manifest.schema_version})")
    finally:
        rows.close()
    return manifest


# Every public command, for the tests that prove each one refuses whoever may not use it.
COMMANDS = (commit_actuals, commit_validation, revert_batch, approve_values, return_values, approve_plan_year,
            lock_year, unlock_year, assess_qualitative, save_thresholds, change_thresholds, set_responsible_units,
            add_account, set_password, set_role, set_active, refresh_catalogue, restore_backup)


# The plans staff add (新增规划): their own module, the same layer (it uses acting and _audit above).
from tracker.commands.plans import (  # noqa: E402
    PlanCommit,
    correct_plan_meta,
    correct_plan_target,
    create_plan,
    retire_plan,
    withdraw_plan_target,
)

__all__ = ["PlanCommit"]      # with the rest of the module's names: `from tracker.commands import *` is not used
COMMANDS = (*COMMANDS, create_plan, correct_plan_meta, correct_plan_target, withdraw_plan_target, retire_plan)
