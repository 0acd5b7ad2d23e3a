"""A throwaway PostgreSQL cluster for the suite and the benchmarks: initdb into a temporary folder, a server on a free
loopback port and a socket in that folder, removed again at the end.

Uses the Debian packages' binaries (/usr/lib/postgresql/<n>/bin, installed by scripts/setup.sh --postgres). PostgreSQL
refuses to run as root, so as root the cluster belongs to the packages' postgres account.
"""

from __future__ import annotations

import contextlib
import glob
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path


def binaries() -> Path | None:
    """The folder of initdb and pg_ctl (the newest installed major version), None when PostgreSQL is missing."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).resolve().parent if initdb else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def cluster(database: str = "tracker") -> Iterator[str]:
    """Start a cluster with one database; yield its URL (postgresql://tracker@127.0.0.1:port/database)."""
    bin_dir = binaries()
    if bin_dir is None:
        raise RuntimeError("PostgreSQL is not installed: scripts/setup.sh --postgres installs it")
    root = Path(tempfile.mkdtemp(prefix="tracker-pg-"))
    as_root = os.getuid() == 0
    run_as: list[str] = []
    if as_root:
        account = pwd.getpwnam("postgres")
        os.chown(root, account.pw_uid, account.pw_gid)
        run_as = ["runuser", "-u", "postgres", "--"]
    data = root / "data"
    port = _free_port()
    env = {**os.environ, "LC_ALL": "C.UTF-8"}

    def run(*args: str) -> None:
        subprocess.run([*run_as, *args], check=True, env=env, cwd=root, stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE)

    try:
        run(str(bin_dir / "initdb"), "-D", str(data), "-U", "tracker", "--auth=trust", "-E", "UTF8",
            "--locale=C.UTF-8", "--no-sync")
        # fsync off: a throwaway cluster trades durability for the suite's time
        options = (f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off "
                   "-c full_page_writes=off -c max_connections=200")
        run(str(bin_dir / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(root / "server.log"), "-w", "start")
        run(str(bin_dir / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "tracker", database)
        yield f"postgresql://tracker@127.0.0.1:{port}/{database}"
    finally:
        if (data / "postmaster.pid").exists():
            with contextlib.suppress(subprocess.CalledProcessError):
                run(str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(root, ignore_errors=True)


class PgDatabases:
    """Databases on one server, made and dropped by the suite: each test's own is a copy of a template."""

    def __init__(self, url: str):
        self.server = url.rsplit("/", 1)[0]
        self._count = itertools.count(1)

    def url(self, name: str) -> str:
        return f"{self.server}/{name}"

    def _admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(self.url("postgres"), autocommit=True) as con:
            con.execute(sql)

    def create(self, name: str | None = None, *, template: str | None = None) -> str:
        """A new database (a copy of template when given); its URL."""
        name = name or f"test_{os.getpid()}_{next(self._count)}"
        self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self._admin(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
        return self.url(name)

    def drop(self, url: str) -> None:
        self._admin(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')


if __name__ == "__main__":         # a cluster by hand: python -m tests.pg_cluster (Ctrl-C stops and removes it)
    import time

    with cluster() as url:
        print(url, flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            while True:
                time.sleep(3600)
