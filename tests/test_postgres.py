"""PostgreSQL as the shared store: several processes write one database at once, each batch committed whole; a
write in one process shows in another on its next read; servers starting together migrate once; a backup moves a
store between DuckDB and PostgreSQL with every row. Runs in the --backend=postgres pass (scripts/test.sh)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time

import pandas as pd
import pytest
from conftest import CLERK, PASSWORD, add_entered_actuals, add_people, seeded_file

from tracker import commands
from tracker.access.auth import SYSTEM
from tracker.config import PROJECT_ROOT
from tracker.db import backup as bk
from tracker.db import migrations
from tracker.db.schema import SCHEMA_VERSION
from tracker.db.store import WRITE_COUNTER, Store

pytestmark = pytest.mark.postgres_only

# The keys every writer writes: the same twelve values, so the batches overlap on every row.
KEYS = [("重庆市", indicator, year) for indicator in ("研究与试验发展经费投入强度", "高新技术企业", "技术合同成交额")
        for year in (2016, 2017, 2018, 2019)]

# One writer process: BATCHES entries of all KEYS as the clerk, each value naming the writer and the batch.
WRITER = textwrap.dedent("""
    import sys
    import pandas as pd
    from tracker import commands
    from tracker.access.auth import User
    from tracker.db.store import Store

    url, writer, batches, keys = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), eval(sys.argv[4])
    store = Store.open(url, per_use=True)
    clerk = User("张三", "editor")
    for n in range(batches):
        value = writer * 1000 + n       # the writer and the batch, readable back from every row
        rows = pd.DataFrame([(r, i, y, value, "年报", "统计公报") for r, i, y in keys],
                            columns=["region", "indicator", "year", "value", "vintage", "source"])
        kind = "entry" if writer == 1 else "upload"       # one types values in, the other uploads files
        batch = commands.commit_actuals(store, clerk, rows, kind=kind, note=f"writer {writer} batch {n}",
                                        file_name=None if kind == "entry" else f"统计局-{n}.xlsx")
        print(batch, flush=True)
    store.close()
""")


def spawn(*args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, *args], cwd=PROJECT_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)})


def finish(process: subprocess.Popen, timeout: float = 180) -> str:
    out, err = process.communicate(timeout=timeout)
    assert process.returncode == 0, err or out
    return out


def test_two_processes_and_a_command_line_import_writing_overlapping_batches_commit_each_whole(pg_store, tmp_path):
    """An entry process, an upload process and a scheduled `tracker import`, all at once, all writing the same
    twelve values: every batch is committed whole, alone, with its audit row, or refused whole with a message;
    the last one committed counts."""
    batches = 6
    before = pg_store.data_version()
    csv = tmp_path / "统计局.csv"
    plausible = {"研究与试验发展经费投入强度": 1.8, "高新技术企业": 1500, "技术合同成交额": 250}
    csv.write_text("地区,指标,年份,数值\n" + "".join(f"{r},{i},{y},{plausible[i]}\n" for r, i, y in KEYS),
                   encoding="utf-8")
    writers = [spawn("-c", WRITER, pg_store.url, str(w), str(batches), repr(KEYS)) for w in (1, 2)]
    imported = subprocess.Popen([sys.executable, "-m", "tracker", "import", str(csv), "--user", "张三",
                                 "--confirm-unusual"],   # the writers' values are no statistics
                                cwd=PROJECT_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                env={**os.environ, "TRACKER_DB": pg_store.url, "TRACKER_PASSWORD": PASSWORD})
    written = [finish(p).split() for p in writers]
    out, err = imported.communicate(timeout=180)
    # The import checked the file against the values of its moment: committed whole, or — when a writer changed
    # one of its values between its check and its commit — refused whole, saying so (exit status 1).
    assert imported.returncode == 0 or (imported.returncode == 1 and "已被他人修改" in out + err), out + err
    imports = int(imported.returncode == 0)

    assert [len(ids) for ids in written] == [batches, batches]
    counts = pg_store.query_df(
        """SELECT b.batch_id, b.kind, count(a.actual_id) AS n, min(a.value) AS lo, max(a.value) AS hi
           FROM batches b LEFT JOIN actuals a USING (batch_id) WHERE b.kind IN ('entry', 'upload')
           GROUP BY b.batch_id, b.kind""")
    assert len(counts) == 2 * batches + imports
    assert {b for ids in written for b in ids} <= set(counts["batch_id"])
    assert (counts["n"] == len(KEYS)).all()                 # every batch whole
    writers_only = counts[counts["batch_id"].isin({b for ids in written for b in ids})]
    assert (writers_only["lo"] == writers_only["hi"]).all()  # and only its own rows: batches did not interleave
    audit = pg_store.query_df("SELECT object FROM audit_log WHERE action IN ('entry', 'upload')")
    assert sorted(audit["object"]) == sorted(counts["batch_id"])
    # The revisions of one batch are consecutive: each batch ran alone between the others.
    order = pg_store.query_df("SELECT batch_id FROM actuals WHERE batch_id <> 'seed' ORDER BY actual_id")["batch_id"]
    assert (order != order.shift()).sum() == 2 * batches + imports
    # The values that count are the last batch's, and the counter moved with every batch.
    last = pg_store.query_df(f"SELECT region, indicator, year, value FROM actuals WHERE batch_id = '{order.iloc[-1]}'")
    now = pg_store.current_values().merge(last, on=["region", "indicator", "year"], suffixes=("", "_last"))
    assert len(now) == len(KEYS) and (now["value"] == now["value_last"]).all()
    assert int(pg_store.data_version().rsplit("|", 1)[1]) == int(before.rsplit("|", 1)[1]) + 2 * batches + imports


# One reverting process: waits for the start time, then reverts each batch, printing what happened to each.
REVERTER = textwrap.dedent("""
    import sys, time
    from tracker import commands
    from tracker.access.auth import User
    from tracker.db.store import Store

    url, start, batches = sys.argv[1], float(sys.argv[2]), sys.argv[3].split(",")
    store = Store.open(url, per_use=True)
    clerk = User("张三", "editor")
    store.data_version()                # connected before the start
    time.sleep(max(0.0, start - time.time()))
    for batch in batches:
        try:
            commands.revert_batch(store, clerk, batch, reason="两人同时撤销")
            print("ok", batch, flush=True)
        except ValueError as exc:
            print("refused", batch, str(exc).split(" / ")[0], flush=True)
    store.close()
""")


def test_two_processes_reverting_the_same_batches_at_once_revert_each_once(pg_store):
    batches = [add_entered_actuals(pg_store, rows=[("重庆市", "高新技术企业", 2016 + n, 1500 + n, "年报")],
                                   batch_id=f"twice {n}") for n in range(4)]
    start = time.time() + 3
    outcomes = [line.split(" ", 2) for p in [spawn("-c", REVERTER, pg_store.url, str(start), ",".join(batches))
                                             for _ in range(2)] for line in finish(p).splitlines()]
    for batch in batches:
        mine = [o for o in outcomes if o[1] == batch]
        assert sorted(o[0] for o in mine) == ["ok", "refused"], mine
        assert [o[2] for o in mine if o[0] == "refused"] == [f"批次 {batch} 已经撤销过"]
        assert pg_store.scalar("SELECT count(*) FROM batches WHERE reverts_batch_id = ?", [batch]) == 1


def test_a_command_line_import_in_another_process_shows_in_the_app_on_its_next_read(pg_store, tmp_path):
    app = Store.open(pg_store.url, per_use=True)        # a second app server on the same database
    try:
        version = app.data_version()
        csv = tmp_path / "values.csv"
        csv.write_text("地区,指标,年份,数值\n重庆市,研究与试验发展经费投入强度,2019,2.11\n", encoding="utf-8")
        imported = subprocess.run(
            [sys.executable, "-m", "tracker", "import", str(csv), "--user", "张三"], cwd=PROJECT_ROOT,
            capture_output=True, text=True, timeout=120,
            env={**os.environ, "TRACKER_DB": pg_store.url, "TRACKER_PASSWORD": PASSWORD})
        assert imported.returncode == 0, imported.stderr
        assert app.data_version() != version
        frames = app.read_model_frames(pending=True)
        assert 2.11 in frames["actuals"]["value"].tolist()
        assert 2.11 not in app.read_model_frames()["actuals"]["value"].tolist()      # pending until approved
    finally:
        app.close()


def test_servers_starting_together_on_an_empty_database_migrate_it_once(pg_server):
    url = pg_server.create()
    opener = ("import sys; from tracker.db.store import Store; s = Store.open(sys.argv[1], per_use=True); "
              "print(','.join(map(str, s.applied_migrations))); s.close()")
    try:
        servers = [spawn("-c", opener, url) for _ in range(3)]
        applied = [int(n) for p in servers for n in finish(p).strip().split(",") if n]
        assert sorted(applied) == list(range(1, SCHEMA_VERSION + 1))    # each migration by exactly one of them
        store = Store.open(url)
        try:
            assert store.meta("schema_version") == str(SCHEMA_VERSION)
            assert store.meta(migrations.STORE_ID)
        finally:
            store.close()
    finally:
        pg_server.drop(url)


def comparable(store: Store) -> dict[str, list[tuple]]:
    """Every base table's rows in one order whichever engine holds them (meta without the identity and the write
    counter, the audit trail without the restore's own row)."""
    with store.reading() as cur:
        out = {}
        for name in bk.base_tables(cur):
            rows = cur.execute(f'SELECT * FROM "{name}"').fetchall()  # noqa: S608
            if name == "meta":
                rows = [r for r in rows if r[0] not in (migrations.STORE_ID, WRITE_COUNTER)]
            if name == "audit_log":
                rows = [r for r in rows if r[4] != "restore"]
            out[name] = sorted(rows, key=lambda r: tuple((v is None, str(v)) for v in r))
    return out


def test_a_backup_moves_a_store_from_duckdb_to_postgresql_and_back_with_every_row(pg_server, tmp_path):
    source = Store.open(seeded_file(tmp_path / "office.duckdb", entered=True, setup=add_people))
    url = pg_server.create()
    try:
        batch = add_entered_actuals(source, rows=[("重庆市", "高新技术企业", 2019, 2500, "年报")], batch_id="second")
        commands.revert_batch(source, CLERK, batch, reason="录错年份")
        bk.backup(source, tmp_path / "from-duckdb.zip")

        shared = Store.open(url)
        commands.restore_backup(shared, SYSTEM, tmp_path / "from-duckdb.zip")
        assert comparable(shared) == comparable(source)
        top = shared.scalar("SELECT max(actual_id) FROM actuals")
        add_entered_actuals(shared, rows=[("重庆市", "高新技术企业", 2022, 9000, "年报")], batch_id="after")
        assert shared.scalar("SELECT min(actual_id) FROM actuals WHERE value = 9000") > top    # ids move on
        assert shared.sign_in(CLERK.username, PASSWORD).username == CLERK.username

        bk.backup(shared, tmp_path / "from-postgres.zip")
        back = Store.open(tmp_path / "back.duckdb")
        commands.restore_backup(back, SYSTEM, tmp_path / "from-postgres.zip")
        assert comparable(back) == comparable(shared)
        back.close()
        shared.close()
    finally:
        source.close()
        pg_server.drop(url)


def test_the_same_store_on_either_engine_gives_the_same_verdicts_and_the_same_frames(pg_server, tmp_path):
    """One office's data (entered, revised, reverted, pending, a qualitative status) on DuckDB and, moved by a
    backup, on PostgreSQL: every plan's verdict table is the same, cell for cell and type for type, in both
    languages and with pending values included."""
    from tracker.views import service
    from tracker.views.read_model import Snapshot

    duck = Store.open(seeded_file(tmp_path / "office.duckdb", entered=True, setup=add_people))
    url = pg_server.create()
    try:
        commands.commit_actuals(duck, CLERK, pd.DataFrame(
            [("重庆市", "高新技术企业", 2019, 3300, "快报", "统计快报"), ("X区", "研究与试验发展经费投入强度", 2022, 2.4,
                                                             "年报", "区统计局")],
            columns=["region", "indicator", "year", "value", "vintage", "source"]), kind="entry", note="pending")
        qualitative = duck.targets().query("kind == 'qualitative'").iloc[0]["target_id"]
        commands.assess_qualitative(duck, SYSTEM, qualitative, "achieved", note="已建成")
        bk.backup(duck, tmp_path / "office.zip")
        shared = Store.open(url)
        commands.restore_backup(shared, SYSTEM, tmp_path / "office.zip")
        for pending in (False, True):
            one, other = Snapshot.read(duck, pending=pending), Snapshot.read(shared, pending=pending)
            for plan_id in duck.plans()["plan_id"]:
                for lang in ("zh", "en"):
                    mine = service.verdicts(one, plan_id=plan_id, lang=lang)
                    theirs = service.verdicts(other, plan_id=plan_id, lang=lang)
                    pd.testing.assert_frame_equal(mine, theirs, obj=f"{plan_id} {lang} pending={pending}")
        def rows(frame: pd.DataFrame) -> pd.DataFrame:       # reads without an order of their own, in one
            return frame.sort_values(list(frame.columns), key=lambda c: c.astype(str)).reset_index(drop=True)

        for read in ("batches", "current_values", "pending_revisions", "responsible_units", "target_statuses"):
            mine, theirs = getattr(duck, read)(), getattr(shared, read)()
            pd.testing.assert_frame_equal(rows(mine), rows(theirs), check_dtype=False, obj=read)
        shared.close()
    finally:
        duck.close()
        pg_server.drop(url)


def test_a_writer_waiting_past_the_lock_wait_is_refused_with_a_message_and_writes_nothing(pg_store, monkeypatch):
    from tracker.db.store import DatabaseLockedError

    holder = spawn("-c", textwrap.dedent("""
        import sys, time, psycopg
        from tracker.db.dialect import WRITE_LOCK_KEY
        with psycopg.connect(sys.argv[1], autocommit=True) as con:
            con.execute("SELECT pg_advisory_lock(%s)", [WRITE_LOCK_KEY])
            print("held", flush=True)
            time.sleep(float(sys.argv[2]))
    """), pg_store.url, "5")
    try:
        assert holder.stdout.readline().strip() == "held"
        monkeypatch.setenv("TRACKER_LOCK_WAIT", "0.5")
        version = pg_store.data_version()
        started = time.monotonic()
        with pytest.raises(DatabaseLockedError, match="数据库正被另一个写入占用"):
            add_entered_actuals(pg_store, rows=[("重庆市", "高新技术企业", 2022, 9000, "年报")], batch_id="blocked")
        assert time.monotonic() - started < 4
        assert pg_store.data_version() == version
        assert pg_store.scalar("SELECT count(*) FROM actuals WHERE value = 9000") == 0
    finally:
        holder.kill()
        holder.communicate()


SCREENS = sorted(p.stem for p in (PROJECT_ROOT / "screens").glob("*.py") if p.stem != "__init__")


@pytest.mark.parametrize("screen", SCREENS)
def test_every_page_renders_on_postgresql_for_an_admin(pg_store, screen, monkeypatch):
    """Each page, as an admin sees it (every section), over a PostgreSQL store with entered and pending values."""
    from datetime import datetime

    import streamlit as st
    from conftest import ADMIN
    from streamlit.testing.v1 import AppTest

    add_entered_actuals(pg_store)
    commands.commit_actuals(pg_store, CLERK, pd.DataFrame(
        [("重庆市", "高新技术企业", 2019, 3300, "快报", "统计快报")],
        columns=["region", "indicator", "year", "value", "vintage", "source"]), kind="entry", note="pending")
    monkeypatch.setenv("TRACKER_DB", pg_store.url)
    st.cache_resource.clear()
    st.cache_data.clear()
    at = AppTest.from_file(str(PROJECT_ROOT / "screens" / f"{screen}.py"), default_timeout=60)
    now = datetime.now()
    at.session_state["auth"] = {"user": ADMIN, "signed_in_at": now, "last_seen_at": now}
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    st.cache_resource.clear()


def test_two_app_servers_on_one_database_serve_a_scheduled_import_and_share_the_sign_in(pg_store, tmp_path):
    """The deployment docs/deployment.md describes: two app servers on one PostgreSQL database with one session
    secret. A clerk signed in through one is signed in on the other; a scheduled import commits while both serve
    and, approved, shows on both at their next visit."""
    from pathlib import Path

    from playwright.sync_api import sync_playwright
    from test_browser import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, serve_app

    if not Path(CHROMIUM).exists():
        pytest.fail("chromium is not installed (scripts/test.sh installs it)")
    target = "/indicator-detail?plan=cq_sti_13fyp&target=cq13-table2-04"      # 高新技术企业, 2020
    env = {"TRACKER_DB": pg_store.url, "TRACKER_SESSION_SECRET": "one secret for every server of the office"}
    with serve_app(**env) as first, serve_app(**env) as second, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1366, "height": 900})
        page.set_default_timeout(30_000)
        page.goto(first + "/data-entry")
        page.get_by_label("账户名").fill("张三")
        page.get_by_label("密码").fill(PASSWORD)
        page.get_by_role("button", name="登录").click()
        page.get_by_text("填报人").first.wait_for()
        time.sleep(1)                                         # the cookie is set by the page's script
        page.goto(second + "/data-entry")
        page.get_by_text("填报人").first.wait_for()           # signed in on the other server too
        assert page.get_by_role("button", name="登录").count() == 0

        page.goto(second + target)
        page.locator(".js-plotly-plot").first.wait_for()
        assert page.get_by_text("4,321").count() == 0
        values = tmp_path / "统计局-2020.csv"
        values.write_text("地区,指标,年份,数值,口径\n重庆市,高新技术企业,2020,4321,年报\n", encoding="utf-8")
        for args in (("import", str(values), "--user", "张三"),
                     ("approve", "--plan", "cq_sti_13fyp", "--year", "2020", "--user", "admin")):
            done = subprocess.run([sys.executable, "-m", "tracker", *args], cwd=PROJECT_ROOT, capture_output=True,
                                  text=True, timeout=120, env={**os.environ, **env, "TRACKER_PASSWORD": PASSWORD})
            assert done.returncode == 0, done.stderr
        for server in (first, second):
            page.goto(server + target)
            page.locator(".js-plotly-plot").first.wait_for()
            page.get_by_text("4,321").first.wait_for()        # the imported value, on the next visit of each
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=ARTIFACTS / "postgres-two-servers.png")
        browser.close()


def test_the_app_survives_the_database_dropping_its_connections(pg_store, pg_server):
    """A database restart (here: every connection of the app terminated by the server) costs no page an error: the
    pool checks each connection it hands out and opens a new one for a dead one."""
    import psycopg

    app = Store.open(pg_store.url, per_use=True)
    try:
        version = app.data_version()
        with psycopg.connect(pg_server.url("postgres"), autocommit=True) as admin:
            killed = admin.execute("""SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
                                      WHERE datname = %s AND pid <> pg_backend_pid()""",
                                   [pg_store.url.rsplit("/", 1)[1]]).fetchone()[0]
        assert killed >= 1
        assert app.data_version() == version
        assert len(app.read_model_frames()["targets"]) > 100
    finally:
        app.close()
