"""The browser's sign-in token: unforgeable, expiring, and nothing more than a pointer to an account."""

from datetime import datetime, timedelta

from tracker.access import session_token
from tracker.access.auth import SESSION_IDLE, SESSION_MAX
from tracker.access.session_token import SessionClaims, issue, load_secret, verify

SECRET = b"k" * 32
NOW = datetime(2026, 12, 2, 9, 0, 0)
CLAIMS = SessionClaims("张三", 2, NOW - timedelta(hours=1), NOW - timedelta(minutes=1))


def test_a_token_reads_back_what_it_was_issued_for():
    assert verify(issue(CLAIMS, SECRET), SECRET, NOW) == CLAIMS


def test_a_changed_byte_another_secret_or_rubbish_is_refused():
    token = issue(CLAIMS, SECRET)
    payload, mac = token.split(".")
    forged = issue(SessionClaims("admin", 2, CLAIMS.signed_in_at, CLAIMS.last_seen_at), b"other" * 8)
    assert verify(forged.split(".")[0] + "." + mac, SECRET, NOW) is None       # another account, same signature
    assert verify(token, b"other" * 8, NOW) is None
    assert verify(payload[:-2] + "AA." + mac, SECRET, NOW) is None
    for rubbish in (None, "", "abc", "a.b.c", "!!!.###"):
        assert verify(rubbish, SECRET, NOW) is None


def test_a_token_expires_when_the_session_would():
    token = issue(CLAIMS, SECRET)
    assert verify(token, SECRET, CLAIMS.last_seen_at + SESSION_IDLE + timedelta(seconds=1)) is None
    long_ago = SessionClaims("张三", 2, NOW - SESSION_MAX - timedelta(minutes=1), NOW - timedelta(minutes=1))
    assert verify(issue(long_ago, SECRET), SECRET, NOW) is None


def test_the_secret_is_made_once_and_kept_private(tmp_path, monkeypatch):
    monkeypatch.delenv("TRACKER_SESSION_SECRET", raising=False)
    path = tmp_path / "session.key"
    first = load_secret(path)
    assert len(first) == 64 and load_secret(path) == first
    assert path.stat().st_mode & 0o077 == 0
    monkeypatch.setenv("TRACKER_SESSION_SECRET", "shared-by-every-app-server")
    assert load_secret(path) == b"shared-by-every-app-server"
    assert session_token.COOKIE_NAME == "tracker_session"
