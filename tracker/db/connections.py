"""How the store reaches its DuckDB file: held open for a command's life, or opened for each unit of work.

DuckDB lets one process at a time open a file for writing, and a process that holds it shuts every other one out
(the command line, the ETL, a scheduled import). The app therefore opens the file for its units of work and lets it
go between them (PerUseConnection); a command line tool holds its connection for the command (HeldConnection).
Both wait, boundedly, while another process has the file; a waiting command knocks (a file beside the database)
so that a busy app lets go instead of starting its next read.
"""

from __future__ import annotations

import atexit
import os
import random
import threading
import time
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

# How long a unit of work waits for a file another process holds ($TRACKER_LOCK_WAIT seconds): the app's units of
# work take milliseconds, an import or a catalogue build seconds.
DEFAULT_LOCK_WAIT = 30.0


class DatabaseLockedError(RuntimeError):
    """Another process held the DuckDB file for longer than the wait allowed."""


def lock_wait() -> float:
    return float(os.environ.get("TRACKER_LOCK_WAIT") or DEFAULT_LOCK_WAIT)


def _is_lock_error(exc: Exception) -> bool:
    return "lock" in str(exc).lower()


def knock_path(path: Path) -> Path:
    """The file a process waiting for the database touches, asking the app to let go of it."""
    return path.with_name(path.name + ".waiting")


def knocked(path: Path) -> bool:
    """Whether a process is waiting for the file now (its knock is refreshed with every retry, so an old one is a
    waiter that gave up or died)."""
    try:
        return time.time() - knock_path(path).stat().st_mtime < KNOCK_FRESH
    except OSError:
        return False


# A knock older than this is ignored: waiters touch it at least every 0.5 s.
KNOCK_FRESH = 2.0


def connect(path: Path, *, read_only: bool = False, config: dict | None = None,
            wait: float | None = None, knock: bool = False) -> duckdb.DuckDBPyConnection:
    """Open path, retrying with a growing pause while another process holds it, for at most `wait` seconds.

    knock (the command line): while waiting, touch the knock file, so that the app lets the file go after its
    current units of work instead of starting new ones."""
    wait = lock_wait() if wait is None else wait
    deadline = time.monotonic() + wait
    pause = 0.01
    knocking = False
    try:
        while True:
            try:
                return duckdb.connect(str(path), read_only=read_only, config=config or {})
            except duckdb.ConnectionException as exc:
                # this process's own idle app connection, opened with other settings (read-write), is in the way
                if "different configuration" not in str(exc) or not _let_go_of_idle(path):
                    raise
            except duckdb.IOException as exc:
                if not _is_lock_error(exc):
                    raise
                if time.monotonic() + pause > deadline:
                    raise DatabaseLockedError(
                        f"数据库文件 {path} 正被另一个进程占用,等待 {wait:g} 秒后仍未释放;请稍后重试"
                        f"(或等待正在运行的导入、构建结束)。/ {path} is held by another process: {exc}"
                    ) from exc
                if knock:
                    knock_path(path).touch()
                    knocking = True
                # jittered so that two waiting processes do not retry in step
                time.sleep(pause * (0.5 + random.random()))
                pause = min(pause * 2, 0.5)
    finally:
        if knocking:
            knock_path(path).unlink(missing_ok=True)


class HeldConnection:
    """One connection for the store's life: the command line, tests, in-memory stores."""

    per_use = False

    def __init__(self, con: duckdb.DuckDBPyConnection):
        self._con = con

    @contextmanager
    def connection(self) -> Iterator[duckdb.DuckDBPyConnection]:
        yield self._con

    def close(self) -> None:
        self._con.close()


class PerUseConnection:
    """The file opened for units of work and let go between them, so that other processes can open it.

    A page rerun makes several reads within milliseconds, and opening the file costs ~20 ms: an idle connection is
    kept for LINGER seconds for the next unit of work. When another process knocks, no new unit of work joins the
    open connection; it is closed as soon as the running ones end, and new ones wait (boundedly) until the
    knocking process has the file, then wait for the file itself.
    """

    per_use = True
    LINGER = 0.25

    def __init__(self, path: Path, config: dict | None = None):
        self.path = path
        self._config = config or {}
        self._state = threading.Condition()
        self._con: duckdb.DuckDBPyConnection | None = None
        self._users = 0
        self._closer: threading.Timer | None = None
        _OPEN.add(self)

    @contextmanager
    def connection(self) -> Iterator[duckdb.DuckDBPyConnection]:
        with self._state:
            self._let_knocker_in()
            if self._closer is not None:
                self._closer.cancel()
                self._closer = None
            if self._con is None:
                self._con = connect(self.path, config=self._config)
            self._users += 1
            con = self._con
        try:
            yield con
        finally:
            with self._state:
                self._users -= 1
                if self._users == 0:
                    if knocked(self.path):
                        self._close_now()
                    else:
                        self._closer = threading.Timer(self.LINGER, self.close_if_idle)
                        self._closer.daemon = True
                        self._closer.start()
                self._state.notify_all()

    def _let_knocker_in(self) -> None:
        """While another process knocks: wait for this process's running units of work to end and the file to be
        let go, then for the knock to stop (the other process has the file), for at most the lock wait."""
        deadline = time.monotonic() + lock_wait()
        while knocked(self.path) and time.monotonic() < deadline:
            if self._users == 0:
                self._close_now()
            self._state.wait(0.05)

    def close_if_idle(self) -> bool:
        """Let go of the file unless a unit of work is using it; whether a connection was closed."""
        with self._state:
            if self._users == 0 and self._con is not None:
                self._close_now()
                return True
            return False

    def _close_now(self) -> None:
        if self._closer is not None:
            self._closer.cancel()
            self._closer = None
        if self._con is not None:
            self._con.close()
            self._con = None

    def close(self) -> None:
        with self._state:
            self._close_now()


# Every per-use source of the process, closed at exit: a connection still lingering (or a closing timer firing)
# while the interpreter shuts down would take DuckDB down with it.
_OPEN: weakref.WeakSet[PerUseConnection] = weakref.WeakSet()


def _let_go_of_idle(path: Path) -> bool:
    """Close this process's idle per-use connections to path; whether there was one."""
    closed = False
    for source in list(_OPEN):
        if source.path.resolve() == Path(path).resolve():
            closed = source.close_if_idle() or closed
    return closed


@atexit.register
def _close_all() -> None:
    for source in list(_OPEN):
        source.close()
