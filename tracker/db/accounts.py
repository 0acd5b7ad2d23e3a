"""The accounts, sign-in and audit reads of the database gateway (mixed into tracker.db.store.Store), and the threshold
validation the settings command applies.

Changes to accounts and settings are tracker.commands (which checks who may, and writes the audit row in the same
transaction); the only write here is the sign-in attempt log.
"""

from __future__ import annotations

import math
import uuid
from dataclasses import fields
from datetime import datetime, timedelta

import pandas as pd

from tracker.access import auth
from tracker.access.auth import User
from tracker.methodology.thresholds import THRESHOLD_DESCRIPTIONS, Thresholds

# Failed sign-ins older than this no longer count towards the delay.
ATTEMPT_WINDOW = timedelta(hours=1)


class InvalidThresholds(ValueError):
    """Thresholds that cannot be used; .problems names each setting and what is wrong, in Chinese."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("阈值未保存:" + ";".join(problems) + "。")


# (name, lowest, highest, whether the lowest is allowed): every value must lie in its range …
THRESHOLD_RANGES = (
    ("schedule_on_track", 0.0, 1.0, False),
    ("schedule_lagging", 0.0, 1.0, True),
    ("trend_substantial", 0.0, 1.0, False),
    ("trend_moderate", 0.0, 1.0, False),
    ("trend_limited", 0.0, 1.0, True),
    ("no_target_substantial", 0.0, 1.0, False),
    ("no_target_moderate", 0.0, 1.0, False),
    ("no_target_limited", 0.0, 1.0, True),
    ("approx_tolerance", 0.0, 1.0, False),
    ("boundary_epsilon", 0.0, 1e-3, True),
)
# … and each verdict's cut-offs must fall from the best verdict to the worst.
THRESHOLD_ORDER = (
    ("schedule_on_track", "schedule_lagging"),
    ("trend_substantial", "trend_moderate"),
    ("trend_moderate", "trend_limited"),
    ("no_target_substantial", "no_target_moderate"),
    ("no_target_moderate", "no_target_limited"),
)


def _finite(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _setting(name: str) -> str:
    return f"{name}({THRESHOLD_DESCRIPTIONS[name][0]})" if name in THRESHOLD_DESCRIPTIONS else name


def threshold_problems(thresholds: Thresholds) -> list[str]:
    """What is wrong with a set of thresholds (empty when they can be used), each naming the setting(s)."""
    problems = []
    for name, low, high, low_allowed in THRESHOLD_RANGES:
        value = getattr(thresholds, name)
        if not _finite(value):
            problems.append(f"{_setting(name)} 须为数值,现为 {value!r}")
        elif value > high or value < low or (value == low and not low_allowed):
            bounds = f"{'不小于' if low_allowed else '大于'} {low:g} 且不大于 {high:g}"
            problems.append(f"{_setting(name)} 须{bounds},现为 {value:g}")
    for higher, lower in THRESHOLD_ORDER:
        hi, lo = getattr(thresholds, higher), getattr(thresholds, lower)
        if _finite(hi) and _finite(lo) and not hi > lo:
            problems.append(f"{_setting(higher)} 须大于 {_setting(lower)},现为 {hi:g} ≤ {lo:g}")
    return problems


def validate_thresholds(thresholds: Thresholds) -> Thresholds:
    """The thresholds unchanged, or InvalidThresholds listing every problem."""
    problems = threshold_problems(thresholds)
    if problems:
        raise InvalidThresholds(problems)
    return thresholds


class AccountsMixin:
    """Accounts, sign-in attempts, the audit trail and settings. Needs query_df, scalar and transaction."""

    # -- accounts ---------------------------------------------------------------------------------------------
    def users(self) -> pd.DataFrame:
        """Every account without its password hash."""
        return self.query_df(
            "SELECT username, display_name, email, role, active, created_at, updated_at FROM users ORDER BY username"
        )

    def has_accounts(self) -> bool:
        return bool(self.scalar("SELECT count(*) FROM users WHERE active"))

    def account(self, username: str) -> dict | None:
        """One account with its hash (for sign-in only), or None."""
        frame = self.query_df("SELECT * FROM users WHERE username = ?", [username])
        return None if frame.empty else frame.iloc[0].to_dict()

    # -- sign-in ----------------------------------------------------------------------------------------------
    def failed_sign_ins(self, username: str, now: datetime | None = None, *, cur=None) -> tuple[int, datetime | None]:
        """Consecutive failures of an account since its last success (within ATTEMPT_WINDOW; attempts still being
        checked count as failures) and the time of the last one."""
        now = now or datetime.now()
        return self._failures(
            """SELECT count(*), max(occurred_at) FROM login_attempts
               WHERE username = ? AND ok IS NOT TRUE AND occurred_at > ?
                 AND occurred_at > coalesce((SELECT max(occurred_at) FROM login_attempts WHERE username = ? AND ok),
                                            TIMESTAMP '1970-01-01')""",
            [username, now - ATTEMPT_WINDOW, username], cur)

    def failed_sign_ins_from(self, client: str, now: datetime | None = None, *, cur=None) -> tuple[int, datetime | None]:
        """Failures from one client, whatever the account, within ATTEMPT_WINDOW (pending ones count)."""
        now = now or datetime.now()
        return self._failures(
            "SELECT count(*), max(occurred_at) FROM login_attempts WHERE client = ? AND ok IS NOT TRUE AND occurred_at > ?",
            [client, now - ATTEMPT_WINDOW], cur)

    def _failures(self, sql: str, params: list, cur) -> tuple[int, datetime | None]:
        if cur is None:
            with self._cursor() as own:
                n, last = own.execute(sql, params).fetchone()
        else:
            n, last = cur.execute(sql, params).fetchone()
        return int(n), (None if last is None else pd.Timestamp(last).to_pydatetime())

    def record_sign_in(self, username: str, ok: bool, channel: str, *, client: str | None = None) -> None:
        """Log an attempt whose outcome is known (a single-sign-on login)."""
        # Not counted as a change of data: sign-in attempts (failed guesses too) must not empty every page's cache.
        with self.transaction(counted=False) as cur:
            cur.execute("""INSERT INTO login_attempts (attempt_id, username, occurred_at, ok, channel, client)
                           VALUES (?, ?, ?, ?, ?, ?)""", [uuid.uuid4().hex, username, datetime.now(), ok, channel,
                                                          client or channel])

    def _claim_sign_in(self, username: str, client: str, channel: str, now: datetime) -> str:
        """Check the delays of the account and the client and record the attempt as pending, in one transaction
        under the store's write lock: parallel attempts each see the ones before them. Raises ValueError to wait."""
        with self.transaction(counted=False) as cur:
            failures, last = self.failed_sign_ins(username, now, cur=cur)
            wait = auth.wait_seconds(failures, last, now)
            if wait:
                raise ValueError(f"连续登录失败 {failures} 次,请 {wait} 秒后再试。")
            failures, last = self.failed_sign_ins_from(client, now, cur=cur)
            wait = auth.wait_seconds(failures, last, now, free=auth.CLIENT_FREE_FAILURES)
            if wait:
                raise ValueError(f"从此处登录已失败 {failures} 次,请 {wait} 秒后再试。")
            attempt = uuid.uuid4().hex
            cur.execute("""INSERT INTO login_attempts (attempt_id, username, occurred_at, ok, channel, client)
                           VALUES (?, ?, ?, NULL, ?, ?)""", [attempt, username, now, channel, client])
        return attempt

    def _settle_sign_in(self, attempt: str, ok: bool) -> None:
        with self.transaction(counted=False) as cur:
            cur.execute("UPDATE login_attempts SET ok = ? WHERE attempt_id = ?", [ok, attempt])

    def sign_in(self, username: str, password: str, *, channel: str = "web", client: str | None = None,
                now: datetime | None = None) -> User:
        """The User for a correct name and password; raises ValueError (in Chinese) otherwise.

        After a few failures of an account, or more of one client (client: a browser's address, a shell user;
        default the channel), each further attempt must wait, right password or not, so guessing is slow — also
        when the guesses come in parallel, because each attempt is claimed before its password is checked.
        """
        now = now or datetime.now()
        attempt = self._claim_sign_in(username, client or channel, channel, now)
        ok = False
        try:
            account = self.account(username)
            # The hash is checked first so that an unknown or disabled account takes as long as a known one.
            ok = auth.verify_password(account["password_hash"] if account else None, password) \
                and bool(account) and bool(account["active"])
        finally:
            self._settle_sign_in(attempt, ok)
        if not ok:
            raise ValueError("账户名或密码不正确,或账户已停用。")
        return User(username=account["username"], role=account["role"], display_name=account["display_name"] or "",
                    email=account["email"] or "", source="local",
                    credentials_version=int(account["credentials_version"] or 0))

    # -- audit trail ------------------------------------------------------------------------------------------
    def audit_log(self, *, actor: str | None = None, action: str | None = None, limit: int = 5000) -> pd.DataFrame:
        return self.query_df(
            """SELECT * FROM audit_log WHERE (? IS NULL OR actor = ?) AND (? IS NULL OR action = ?)
               ORDER BY audit_id DESC LIMIT ?""",
            [actor, actor, action, action, limit],
        )

    # -- settings ---------------------------------------------------------------------------------------------
    def thresholds(self) -> Thresholds:
        """The thresholds in force: the defaults, overridden by what an admin saved."""
        saved = self.query_df("SELECT key, value FROM settings WHERE key LIKE 'threshold.%'")
        values = {row.key.removeprefix("threshold."): float(row.value) for row in saved.itertuples()}
        known = {f.name for f in fields(Thresholds)}
        return Thresholds(**{k: v for k, v in values.items() if k in known})
