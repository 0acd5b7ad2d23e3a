"""Who may do what: roles, password hashes, login throttling, session expiry, SSO role mapping.

Pure functions and small value types; the store persists accounts and attempts, the pages ask who is logged in.
Which role may do what is tracker.access.actions; every write goes through tracker.commands, which re-reads the acting
account and checks its Action, so protection does not depend on which buttons a page shows.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from tracker.access.actions import ROLE_LABELS, ROLES, PermissionDenied

__all__ = ["ROLES", "ROLE_LABELS", "PermissionDenied", "User", "SYSTEM", "SsoRoles"]


# Sessions end after this long without activity, and in any case after the absolute limit.
SESSION_IDLE = timedelta(minutes=30)
SESSION_MAX = timedelta(hours=10)
# After this many consecutive failed logins of one account, each further attempt must wait, doubling each time.
FREE_FAILURES = 3
# One client (a browser's address, a shell user) guessing across many accounts is slowed down after this many.
CLIENT_FREE_FAILURES = 10
MAX_WAIT_SECONDS = 300
MIN_PASSWORD_LENGTH = 8

# argon2id with the library's defaults (salted per hash: the salt is part of the encoded string).
_HASHER = PasswordHasher()


@dataclass(frozen=True)
class User:
    """The person acting: a local account or a single-sign-on identity mapped to a role."""

    username: str
    role: str
    display_name: str = ""
    email: str = ""
    source: str = "local"          # local | sso | system
    # A local account's credentials version when it signed in: a password change raises the stored one, which
    # ends the session and refuses its writes (None: not from a sign-in, nothing to compare).
    credentials_version: int | None = None

    @property
    def label(self) -> str:
        return self.display_name or self.username


# A stand-in for scripts that run on the server itself (python -m etl): recorded as such in the audit trail.
SYSTEM = User(username="system", role="admin", display_name="系统(命令行)", source="system")


def hash_password(password: str) -> str:
    """A salted argon2id hash of password (refuses passwords shorter than MIN_PASSWORD_LENGTH)."""
    problem = password_problem(password)
    if problem:
        raise ValueError(problem)
    return _HASHER.hash(password)


def password_problem(password: str) -> str | None:
    """Why a password is not acceptable, in Chinese; None when it is."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"密码至少需要 {MIN_PASSWORD_LENGTH} 个字符。"
    if password.strip() != password:
        return "密码首尾不能是空格。"
    return None


def verify_password(stored_hash: str | None, password: str) -> bool:
    """True when password matches the stored hash; False for a mismatch or a damaged hash."""
    if not stored_hash:
        # Hash anyway so that an unknown account takes as long as a known one.
        _HASHER.hash("timing-equaliser")
        return False
    try:
        return _HASHER.verify(stored_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def wait_seconds(consecutive_failures: int, last_failure_at: datetime | None, now: datetime, *,
                 free: int = FREE_FAILURES) -> int:
    """Seconds still to wait before the next attempt: 0 for the first few failures, then 2, 4, 8 … capped."""
    if consecutive_failures < free or last_failure_at is None:
        return 0
    penalty = min(2 ** (consecutive_failures - free + 1), MAX_WAIT_SECONDS)
    remaining = penalty - (now - last_failure_at).total_seconds()
    return max(0, int(remaining + 0.999))


def session_expired(logged_in_at: datetime, last_seen_at: datetime, now: datetime) -> bool:
    """A session ends after SESSION_IDLE without activity or SESSION_MAX in all."""
    return now - last_seen_at > SESSION_IDLE or now - logged_in_at > SESSION_MAX


@dataclass(frozen=True)
class SsoRoles:
    """E-mail → role for single sign-on users; unknown addresses get default_role (None: no access)."""

    by_email: dict[str, str]
    default_role: str | None = "viewer"

    @classmethod
    def load(cls, path: Path) -> SsoRoles:
        """Read a TOML file: default_role = "viewer" and a [roles] table of "address" = "role"."""
        if not path.is_file():
            return cls({}, "viewer")
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        roles = {email.strip().lower(): role for email, role in (data.get("roles") or {}).items()}
        bad = {r for r in [*roles.values(), data.get("default_role", "viewer")] if r and r not in ROLES}
        if bad:
            raise ValueError(f"{path}: unknown roles {sorted(bad)}")
        return cls(roles, data.get("default_role", "viewer") or None)

    def user_for(self, email: str | None, name: str | None = None) -> User | None:
        """The User for a signed-in identity, or None when its address has no role."""
        if not email:
            return None
        role = self.by_email.get(email.strip().lower(), self.default_role)
        if role is None:
            return None
        return User(username=email.strip().lower(), role=role, display_name=name or email, email=email, source="sso")
