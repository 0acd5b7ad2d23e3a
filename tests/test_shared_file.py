"""The app's store lets the file go between units of work: the command line works while it runs, and it sees
what the command line committed."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time

import pytest
from conftest import PASSWORD, add_people, seeded_file

from tracker.config import PROJECT_ROOT
from tracker.db import connections
from tracker.db.store import DatabaseLockedError, Store


def run_cli(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", *args], cwd=PROJECT_ROOT, capture_output=True, text=True,
                          timeout=120, env={**os.environ, **env})


# A command holding the file for argv[2] seconds, opened as every command opens it (waiting and knocking).
HOLD = ("import sys, time; from pathlib import Path; from tracker.db.connections import connect;"
        " c = connect(Path(sys.argv[1]), knock=True); print('held', flush=True); time.sleep(float(sys.argv[2]))")


@pytest.fixture
def app_store(tmp_path):
    """The store as the app opens it (per unit of work), over a seeded file with accounts."""
    path = seeded_file(tmp_path / "tracker.duckdb", setup=add_people)
    store = Store.open(path, per_use=True)
    yield store
    store.close()


def test_an_import_commits_while_the_app_reads_and_the_app_sees_it(app_store, tmp_path):
    version = app_store.data_version()
    csv = tmp_path / "values.csv"
    csv.write_text("地区,指标,年份,数值\n重庆市,研究与试验发展经费投入强度,2019,2.11\n", encoding="utf-8")
    stop, reads, failures = threading.Event(), [0], []

    def busy() -> None:                     # two sessions reading back to back, as a busy server does
        while not stop.is_set():
            try:
                app_store.read_model_frames()
                reads[0] += 1
            except Exception as exc:        # noqa: BLE001 - the test reports it
                failures.append(exc)
                return

    threads = [threading.Thread(target=busy) for _ in range(2)]
    for thread in threads:
        thread.start()
    try:
        done = run_cli("tracker", "import", str(csv), "--db", str(app_store.path), "--user", "张三",
                       TRACKER_PASSWORD=PASSWORD)
        users = run_cli("tracker", "user", "--db", str(app_store.path), "list")
        status = run_cli("tracker", "status", "--db", str(app_store.path), "--plan", "cq_sti_13fyp",
                         "--pending", "include")
        approved = run_cli("tracker", "approve", "--db", str(app_store.path), "--plan", "cq_sti_13fyp",
                           "--year", "2019", "--user", "admin", TRACKER_PASSWORD=PASSWORD)
        saved = run_cli("tracker", "backup", str(tmp_path / "nightly.zip"), "--db", str(app_store.path))
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    assert done.returncode == 0, done.stderr
    assert users.returncode == 0 and "张三" in users.stdout, users.stderr
    assert status.returncode == 0 and "2.11" in status.stdout, status.stderr
    assert approved.returncode == 0 and "审核通过 1 个" in approved.stdout, approved.stderr
    assert saved.returncode == 0 and "已备份" in saved.stdout, saved.stderr
    assert failures == [] and reads[0] > 0
    assert app_store.data_version() != version                  # the next rerun reads the new data
    assert 2.11 in app_store.read_model_frames()["actuals"]["value"].tolist()   # approved: officials see it


def test_the_etl_rebuilds_while_the_app_runs(app_store):
    app_store.data_version()
    done = run_cli("etl", "--db", str(app_store.path))
    assert done.returncode == 0, done.stderr
    assert app_store.scalar("SELECT count(*) FROM audit_log WHERE action = 'catalogue_refresh'") == 2


def test_a_unit_of_work_waits_for_a_command_and_gives_up_clearly(app_store, monkeypatch):
    """While a command holds the file, the app waits for it, at most $TRACKER_LOCK_WAIT seconds."""
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(app_store.path), "1.5"],
        stdout=subprocess.PIPE, text=True, cwd=PROJECT_ROOT)
    try:
        assert holder.stdout.readline().strip() == "held"
        started = time.monotonic()
        app_store.data_version()                                  # waits for the holder to finish
        assert 0.2 < time.monotonic() - started < 10
    finally:
        holder.wait(timeout=30)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(app_store.path), "5"],
        stdout=subprocess.PIPE, text=True, cwd=PROJECT_ROOT)
    try:
        assert holder.stdout.readline().strip() == "held"
        monkeypatch.setenv("TRACKER_LOCK_WAIT", "0.5")
        with pytest.raises(DatabaseLockedError, match="正被另一个进程占用"):
            app_store.data_version()
    finally:
        holder.kill()
        holder.wait(timeout=30)


def test_a_knock_makes_the_app_let_go(app_store):
    """A waiting command knocks: the app closes its idle connection at once and starts no new unit of work until
    the command has the file."""
    app_store.data_version()                           # the connection now lingers for the next unit of work
    assert app_store._source._con is not None
    connections.knock_path(app_store.path).touch()
    try:
        result = {}

        def app_read() -> None:
            result["version"] = app_store.data_version()

        reader = threading.Thread(target=app_read)
        reader.start()
        time.sleep(0.3)
        assert reader.is_alive() and app_store._source._con is None      # waiting, holding nothing
        connections.knock_path(app_store.path).unlink()
        reader.join(timeout=10)
        assert "version" in result
    finally:
        connections.knock_path(app_store.path).unlink(missing_ok=True)


def test_a_page_says_the_database_is_busy_instead_of_failing(tmp_path, monkeypatch):
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    path = seeded_file(tmp_path / "tracker.duckdb")
    monkeypatch.setenv("TRACKER_DB", str(path))
    monkeypatch.setenv("TRACKER_LOCK_WAIT", "0.5")
    st.cache_resource.clear()
    st.cache_data.clear()
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(path), "20"], stdout=subprocess.PIPE, text=True,
                              cwd=PROJECT_ROOT)
    try:
        assert holder.stdout.readline().strip() == "held"
        at = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=60).run()
        assert not at.exception
        assert any("数据库正被服务器上的另一个程序" in w.value for w in at.warning)
    finally:
        holder.kill()
        holder.wait(timeout=30)
    at.run()
    assert not at.exception and not at.warning
    st.cache_resource.clear()
