"""A signed, expiring token that lets a browser's session survive a reload or a new tab.

The token names the account, the credentials version it signed in with, when it signed in and when it was last
seen; an HMAC-SHA256 over those with the server's secret makes it unforgeable. It grants nothing by itself: the
app re-reads the account on every request, so a disabled account, a changed password (a new credentials version)
or an expired session refuses it. Sign-out clears it in the browser.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from tracker.access.auth import session_expired

COOKIE_NAME = "tracker_session"


@dataclass(frozen=True)
class SessionClaims:
    """What a valid token says."""

    username: str
    credentials_version: int
    signed_in_at: datetime
    last_seen_at: datetime


def issue(claims: SessionClaims, secret: bytes) -> str:
    """The token for claims: base64url(JSON).base64url(HMAC)."""
    body = json.dumps({"u": claims.username, "v": claims.credentials_version,
                       "i": claims.signed_in_at.isoformat(timespec="seconds"),
                       "s": claims.last_seen_at.isoformat(timespec="seconds")}, separators=(",", ":"))
    payload = _b64(body.encode("utf-8"))
    return f"{payload}.{_b64(_mac(payload, secret))}"


def verify(token: str | None, secret: bytes, now: datetime) -> SessionClaims | None:
    """The claims of a well-signed, unexpired token; None for anything else (never an exception)."""
    if not token or token.count(".") != 1:
        return None
    payload, mac = token.split(".")
    try:
        if not hmac.compare_digest(_unb64(mac), _mac(payload, secret)):
            return None
        data = json.loads(_unb64(payload))
        claims = SessionClaims(str(data["u"]), int(data["v"]), datetime.fromisoformat(data["i"]),
                               datetime.fromisoformat(data["s"]))
    except (ValueError, KeyError, TypeError):
        return None
    if claims.last_seen_at > now or session_expired(claims.signed_in_at, claims.last_seen_at, now):
        return None
    return claims


def load_secret(path: Path) -> bytes:
    """$TRACKER_SESSION_SECRET when set (the same on every app server), else a random key kept in path (created
    once, readable by the server's user only)."""
    from_env = os.environ.get("TRACKER_SESSION_SECRET")
    if from_env:
        return from_env.encode("utf-8")
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(secrets.token_hex(32))
    return path.read_text(encoding="ascii").strip().encode("ascii")


def _mac(payload: str, secret: bytes) -> bytes:
    return hmac.new(secret, payload.encode("ascii"), hashlib.sha256).digest()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
