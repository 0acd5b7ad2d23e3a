"""Who may do what, checked where the data is written; the audit trail of every write; sign-in in the app."""

from __future__ import annotations

import io
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import replace
from datetime import datetime, timedelta

import pandas as pd
import pytest
from conftest import ADMIN, CLERK, VIEWER, seeded_file
from streamlit.testing.v1 import AppTest
from test_actuals import assert_same, snapshot

from tracker import commands
from tracker.access import auth
from tracker.access.auth import SYSTEM, PermissionDenied
from tracker.access.users_cli import main_user
from tracker.config import PROJECT_ROOT
from tracker.db.store import Store
from tracker.views.read_model import Snapshot
from tracker.views.service import verdicts

APP = str(PROJECT_ROOT / "app.py")
PASSWORD = "correct-horse-1"
RD = ("重庆市", "研究与试验发展经费投入强度")


def one_value(year: int, value: float) -> pd.DataFrame:
    return pd.DataFrame([{"region": RD[0], "indicator": RD[1], "year": year, "value": value}])


# -- refusals -----------------------------------------------------------------------------------------------------
WRITES = {
    "commit_actuals": lambda s, u: commands.commit_actuals(s, u, one_value(2016, 1.72), kind="entry"),
    "revert_batch": lambda s, u: commands.revert_batch(s, u, "seed", reason="x"),
    "catalogue_refresh": lambda s, u: commands.refresh_catalogue(s, u),
    "add_user": lambda s, u: commands.add_account(s, u, "newbie", role="admin", password=PASSWORD),
    "set_password_of_another": lambda s, u: commands.set_password(s, u, "admin", "taken-over-1"),
    "set_role": lambda s, u: commands.set_role(s, u, "admin", "viewer"),
    "set_active": lambda s, u: commands.set_active(s, u, "admin", False),
    "set_thresholds": lambda s, u: commands.save_thresholds(s, u, replace(s.thresholds(), schedule_on_track=0.5)),
}


@pytest.mark.parametrize("write", list(WRITES))
@pytest.mark.parametrize("user", [None, VIEWER])
def test_viewers_and_anonymous_callers_cannot_write_by_any_function(fresh_store, write, user):
    before = snapshot(fresh_store) | {"users": fresh_store.users(), "audit": fresh_store.audit_log()}
    with pytest.raises(PermissionDenied):
        WRITES[write](fresh_store, user)
    after = snapshot(fresh_store) | {"users": fresh_store.users(), "audit": fresh_store.audit_log()}
    assert_same(before, after)


def test_editors_cannot_administer(fresh_store):
    for write in ("catalogue_refresh", "add_user", "set_role", "set_thresholds"):
        with pytest.raises(PermissionDenied, match="无权执行"):
            WRITES[write](fresh_store, CLERK)


# -- the audit trail ----------------------------------------------------------------------------------------------
def test_each_kind_of_write_leaves_its_audit_row(fresh_store):
    store = fresh_store
    commands.add_account(store, SYSTEM, "wang", role="editor", password=PASSWORD)
    commands.set_password(store, ADMIN, "wang", "another-pass-2")
    commands.set_role(store, ADMIN, "wang", "viewer")
    commands.set_active(store, ADMIN, "wang", False)
    entry = commands.commit_actuals(store, CLERK, one_value(2016, 1.72), kind="entry")
    upload = commands.commit_actuals(store, CLERK, one_value(2017, 1.88), kind="upload", file_name="统计局.xlsx")
    commands.revert_batch(store, CLERK, upload, reason="文件有误")
    commands.refresh_catalogue(store, ADMIN)
    commands.save_thresholds(store, ADMIN, replace(store.thresholds(), schedule_on_track=0.9))
    log = store.audit_log()
    assert set(log["action"]) >= {"user_add", "user_password", "user_role", "user_disable", "entry", "upload",
                                  "revert", "catalogue_refresh", "threshold_change"}
    by_action = log.set_index("action")
    assert by_action.loc["entry", "actor"] == "张三" and by_action.loc["entry", "object"] == entry
    assert "统计局.xlsx" in by_action.loc["upload", "detail"]
    assert by_action.loc["threshold_change", "detail"] == "0.95 → 0.9"
    added = log[(log["action"] == "user_add") & (log["object"] == "wang")].iloc[0]
    assert (added["actor"], added["role"]) == ("system", "admin")          # created from the server's shell
    assert log["occurred_at"].notna().all()
    # entered_by is the account that wrote, never free text
    assert store.value_history(*RD, 2016).iloc[0]["entered_by"] == "张三"


def test_a_failed_write_leaves_no_audit_row(fresh_store):
    def crash(_cursor):
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        commands.commit_actuals(fresh_store, CLERK, one_value(2016, 1.72), kind="entry", before_commit=crash)
    assert "entry" not in set(fresh_store.audit_log()["action"])


# -- sign-in ------------------------------------------------------------------------------------------------------
def test_wrong_password_is_refused_and_slowed_down(fresh_store):
    store = fresh_store
    commands.add_account(store, SYSTEM, "zhang", role="editor", password=PASSWORD)
    assert store.sign_in("zhang", PASSWORD).role == "editor"
    for _ in range(3):
        with pytest.raises(ValueError, match="不正确"):
            store.sign_in("zhang", "guess-guess")
    # Now even the right password must wait: guessing is slow.
    with pytest.raises(ValueError, match="秒后再试"):
        store.sign_in("zhang", PASSWORD)
    later = datetime.now() + timedelta(seconds=10)
    assert store.sign_in("zhang", PASSWORD, now=later).username == "zhang"
    attempts = store.query_df("SELECT ok FROM login_attempts WHERE username = 'zhang'")["ok"].tolist()
    assert attempts.count(False) == 3


def _parallel_sign_ins(store, attempts: list[tuple[str, str]], monkeypatch) -> list[str]:
    """Sign in from one client with each (account, password) at the same moment; the outcome of each: the
    result word of its message, or 'ok'. The hash check takes as long as the product's argon2 (~0.2 s), so
    every attempt starts before any has been recorded as failed."""
    real = auth.verify_password

    def slow(stored, password):
        time.sleep(0.2)
        return real(stored, password)

    monkeypatch.setattr(auth, "verify_password", slow)
    start = threading.Barrier(len(attempts))

    def attempt(pair):
        start.wait()
        try:
            store.sign_in(*pair, channel="cli", client="cli:intruder")
            return "ok"
        except ValueError as exc:
            return "wait" if "秒后再试" in str(exc) else "wrong"

    with ThreadPoolExecutor(len(attempts)) as pool:
        return list(pool.map(attempt, attempts))


def test_parallel_guesses_at_one_account_are_counted_before_any_is_checked(fresh_store, monkeypatch):
    commands.add_account(fresh_store, SYSTEM, "zhang", role="editor", password=PASSWORD)
    outcomes = _parallel_sign_ins(fresh_store, [("zhang", f"guess-{i:04d}") for i in range(8)], monkeypatch)
    assert outcomes.count("wrong") == auth.FREE_FAILURES and outcomes.count("wait") == 8 - auth.FREE_FAILURES
    checked = fresh_store.query_df("SELECT ok FROM login_attempts WHERE username = 'zhang'")["ok"].tolist()
    assert checked == [False] * auth.FREE_FAILURES           # refused attempts never reached the password check


def test_parallel_guesses_across_accounts_from_one_client_are_slowed_down(fresh_store, monkeypatch):
    n = auth.CLIENT_FREE_FAILURES + 4
    outcomes = _parallel_sign_ins(fresh_store, [(f"user{i}", "guess-guess") for i in range(n)], monkeypatch)
    assert outcomes.count("wrong") == auth.CLIENT_FREE_FAILURES and outcomes.count("wait") == 4
    assert fresh_store.failed_sign_ins_from("cli:intruder")[0] == auth.CLIENT_FREE_FAILURES


def test_disabled_accounts_and_unknown_names_cannot_sign_in(fresh_store):
    commands.add_account(fresh_store, SYSTEM, "li", role="editor", password=PASSWORD)
    commands.set_active(fresh_store, ADMIN, "li", False)
    for name in ("li", "nobody"):
        with pytest.raises(ValueError, match="不正确"):
            fresh_store.sign_in(name, PASSWORD)


def test_thresholds_an_admin_saves_are_the_ones_in_force(fresh_store):
    from conftest import add_entered_actuals

    add_entered_actuals(fresh_store)
    row = lambda: verdicts(Snapshot.read(fresh_store), plan_id="cq_sti_13fyp", as_of=2018).set_index("target_id").loc["cq13-table2-02"]  # noqa: E731
    assert row()["schedule_status"] == "severely_lagging"          # 2018: r ≈ 0.79 with the default 0.80
    commands.save_thresholds(fresh_store, ADMIN, replace(fresh_store.thresholds(), schedule_lagging=0.75))
    assert fresh_store.thresholds().schedule_lagging == 0.75
    assert row()["schedule_status"] == "lagging"


# -- the user command line ----------------------------------------------------------------------------------------
def run_cli(*args) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main_user(list(args))
    return code, out.getvalue() + err.getvalue()


def test_user_command_line(tmp_path, monkeypatch):
    db = str(tmp_path / "t.duckdb")
    monkeypatch.setenv("TRACKER_PASSWORD", PASSWORD)
    assert run_cli("--db", db, "add", "admin", "--role", "admin")[0] == 0
    assert run_cli("--db", db, "add", "wang", "--role", "editor", "--name", "王小明")[0] == 0
    code, text = run_cli("--db", db, "add", "wang", "--role", "editor")
    assert code == 1 and "已存在" in text
    code, text = run_cli("--db", db, "list")
    assert code == 0 and "王小明" in text and "argon2" not in text
    monkeypatch.setenv("TRACKER_PASSWORD", "short")
    code, text = run_cli("--db", db, "passwd", "wang")
    assert code == 1 and "至少" in text
    assert run_cli("--db", db, "disable", "wang")[0] == 0
    store = Store.open(db)
    try:
        stored = store.account("wang")["password_hash"]
        assert stored.startswith("$argon2id$") and PASSWORD not in stored
        with pytest.raises(ValueError):
            store.sign_in("wang", PASSWORD)
        assert {"user_add", "user_disable"} <= set(store.audit_log()["action"])
    finally:
        store.close()


# -- the app: sign-in, navigation by role, single sign-on ---------------------------------------------------------
@pytest.fixture
def app_db(tmp_path, monkeypatch):
    def accounts(store):
        commands.add_account(store, SYSTEM, "zhang", role="editor", password=PASSWORD, display_name="张三")
        commands.add_account(store, SYSTEM, "boss", role="admin", password=PASSWORD)

    path = seeded_file(tmp_path / "tracker.duckdb", setup=accounts)
    monkeypatch.setenv("TRACKER_DB", str(path))
    import streamlit as st

    st.cache_resource.clear()
    st.cache_data.clear()
    yield path
    st.cache_resource.clear()


def sign_in(at: AppTest, name: str, password: str = PASSWORD) -> AppTest:
    """Fill the 登录 page's form, as a person does."""
    if not at.text_input or at.title[0].value != "登录":
        at.switch_page("screens/sign_in.py").run()
    at.text_input(key="auth_username").input(name)
    at.text_input(key="auth_password").input(password)
    return next(b for b in at.button if b.label == "登录").click().run()


def titles_after_switch(at: AppTest, page: str) -> str:
    at.switch_page(page).run()
    return at.title[0].value if at.title else ""


def test_anonymous_visitors_read_dashboards_but_cannot_reach_editing_pages(app_db):  # noqa: ARG001
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert at.title[0].value == "总览"
    for page in ("screens/entry.py", "screens/upload.py", "screens/batches.py", "screens/audit.py"):
        with pytest.raises(ValueError):  # an unregistered page cannot be opened at all
            at.switch_page(page).run()


def test_editor_signs_in_and_reaches_entry_but_not_admin_pages(app_db):  # noqa: ARG001
    at = AppTest.from_file(APP, default_timeout=60).run()
    at = sign_in(at, "zhang", "wrong-password")
    assert "不正确" in at.error[0].value
    at = sign_in(at, "zhang")
    assert not at.exception
    assert at.session_state["auth"]["user"].username == "zhang"
    assert at.title[0].value == "总览"                                     # back on the dashboard
    assert titles_after_switch(at, "screens/entry.py") == "数据填报"
    with pytest.raises(ValueError):
        at.switch_page("screens/audit.py").run()


def test_admin_sees_the_audit_page(app_db):  # noqa: ARG001
    at = sign_in(AppTest.from_file(APP, default_timeout=60).run(), "boss")
    assert titles_after_switch(at, "screens/audit.py") == "审计日志"
    assert {"新建账户", "刷新规划目录"} <= set(at.dataframe[0].value["操作"])


def test_single_sign_on_maps_the_address_to_a_role(app_db, tmp_path, monkeypatch):  # noqa: ARG001
    roles = tmp_path / "sso_roles.toml"
    roles.write_text('default_role = "viewer"\n[roles]\n"clerk@tjj.cq.gov.cn" = "editor"\n', encoding="utf-8")
    monkeypatch.setenv("TRACKER_SSO_ROLES", str(roles))
    at = AppTest.from_file(APP, default_timeout=60)
    at.user = {"is_logged_in": True, "email": "clerk@tjj.cq.gov.cn", "name": "统计科"}
    at.run()
    assert not at.exception
    assert titles_after_switch(at, "screens/upload.py") == "数据上传"
    viewer = AppTest.from_file(APP, default_timeout=60)
    viewer.user = {"is_logged_in": True, "email": "official@kjj.cq.gov.cn", "name": "李局长"}
    viewer.run()
    with pytest.raises(ValueError):
        viewer.switch_page("screens/upload.py").run()


def test_no_accounts_means_read_only_with_instructions(seeded_db_path, monkeypatch):
    monkeypatch.setenv("TRACKER_DB", str(seeded_db_path))
    import streamlit as st

    st.cache_resource.clear()
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert "python -m tracker user add admin --role admin" in " ".join(c.value for c in at.sidebar.caption)
    at.switch_page("screens/sign_in.py").run()
    assert "python -m tracker user add admin --role admin" in at.info[0].value


# -- qualitative targets ------------------------------------------------------------------------------------------
def test_an_editor_assesses_a_qualitative_target(fresh_store):
    target = "cqw-cloud-platform-2017" if "cqw-cloud-platform-2017" in set(fresh_store.targets()["target_id"]) \
        else fresh_store.targets().query("kind == 'qualitative'")["target_id"].iloc[0]
    with pytest.raises(PermissionDenied):
        commands.assess_qualitative(fresh_store, VIEWER, target, "completed", "已建成")
    with pytest.raises(ValueError, match="不是定性目标"):
        commands.assess_qualitative(fresh_store, CLERK, "cq13-table2-02", "completed")
    commands.assess_qualitative(fresh_store, CLERK, target, "completed", "2017年12月平台上线")
    row = verdicts(Snapshot.read(fresh_store)).set_index("target_id").loc[target]
    assert (row["schedule_status"], row["trend_status"]) == ("completed", "target_achieved")
    assert "2017年12月平台上线" in row["note"]
    assert fresh_store.audit_log(action="target_status")["object"].tolist() == [target]


def test_indicator_page_lets_an_editor_assess(app_db):  # noqa: ARG001
    at = sign_in(AppTest.from_file(APP, default_timeout=60).run(), "zhang")
    at.query_params["target"] = "wh-rd-intensity-increase-rank-2017"        # 增幅位居全省前列
    at.switch_page("screens/indicator.py").run()
    at.selectbox(key="indicator_q_status").set_value("achieved")
    at.text_input(key="indicator_q_note").input("2017年增幅全省第二 ![x](http://example.invalid/x.png)")
    next(b for b in at.button if b.label == "保存评定").click().run()
    assert not at.exception
    assert any("序时评价:已达标" in c.value for c in at.caption)
    # The confirmation stays (not a flash that a rerun wipes) and says which verdict moved.
    at.run()
    assert at.success[0].value == "已保存评定:已达标。"
    moved = at.dataframe[0].value
    assert moved["指标"].tolist() == ["全社会研发经费占生产总值比重增幅全省位次"]
    assert moved["序时评价"].iloc[0].endswith("→ 已达标")
    next(b for b in at.button if b.label == "知道了").click().run()
    assert not at.success
    # The evidence is shown as typed: no element reads it as Markdown (an image fetched from elsewhere).
    shown = [m.value for m in at.markdown]
    assert any("2017年增幅全省第二" in m for m in shown) and not any("![x](" in m for m in shown)
