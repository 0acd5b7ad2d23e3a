"""The command layer: every write refuses whoever may not make it and changes nothing then; nothing else writes;
a disabled, demoted or password-reset account cannot write again, in the app at its next rerun; numbered schema
migrations bring an old file up to date."""

from __future__ import annotations

import ast
import inspect
import tempfile
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from types import SimpleNamespace

import duckdb
import pandas as pd
import pytest
from conftest import ADMIN, CLERK, PASSWORD, VIEWER, add_people, seeded_file
from streamlit.testing.v1 import AppTest

from tracker import commands
from tracker.access.actions import PermissionDenied
from tracker.access.auth import SYSTEM, User
from tracker.config import PROJECT_ROOT
from tracker.db import migrations
from tracker.db import writes as store_writes
from tracker.db.schema import SCHEMA_VERSION
from tracker.db.store import Store

RD = ("重庆市", "研究与试验发展经费投入强度")
QUALITATIVE = "wh-rd-intensity-increase-rank-2017"


def one_value(year: int, value: float) -> pd.DataFrame:
    return pd.DataFrame([{"region": RD[0], "indicator": RD[1], "year": year, "value": value}])


def a_validation() -> SimpleNamespace:
    """What tracker.actuals.validate.validate returns, reduced to what commit_validation reads."""
    from tracker.actuals.validate import COMMIT_COLUMNS

    changes = one_value(2016, 1.72).reindex(columns=COMMIT_COLUMNS)
    return SimpleNamespace(has_errors=False, changes=changes, rows=changes.assign(old_batch_id=None))


def renamed(store, plan_id: str):
    """The plan's details with another short name."""
    from dataclasses import replace as with_

    from tracker.intake.review import meta_of

    return with_(meta_of(store.plans().set_index("plan_id").loc[plan_id]), short_name="改名后的简称")


# Every public command with arguments that an allowed person could use successfully.
CALLS = {
    "commit_actuals": lambda s, u: commands.commit_actuals(s, u, one_value(2016, 1.72), kind="entry"),
    "commit_validation": lambda s, u: commands.commit_validation(s, u, a_validation(), kind="upload"),
    "revert_batch": lambda s, u: commands.revert_batch(s, u, s.batches().query("kind == 'entry'")["batch_id"].iloc[0],
                                                       reason="录入错误"),
    "approve_values": lambda s, u: commands.approve_values(s, u, s.pending_revisions()["actual_id"].tolist()),
    "return_values": lambda s, u: commands.return_values(s, u, s.pending_revisions()["actual_id"].tolist(),
                                                         reason="口径不符"),
    "approve_plan_year": lambda s, u: commands.approve_plan_year(s, u, "cq_sti_13fyp", 2017),
    "lock_year": lambda s, u: commands.lock_year(s, u, "cq_sti_13fyp", 2018),
    "unlock_year": lambda s, u: commands.unlock_year(s, u, "cq_sti_13fyp", 2014, reason="更正口径"),
    "assess_qualitative": lambda s, u: commands.assess_qualitative(s, u, QUALITATIVE, "achieved", "全省第二"),
    "save_thresholds": lambda s, u: commands.save_thresholds(s, u, replace(s.thresholds(), schedule_on_track=0.9)),
    "change_thresholds": lambda s, u: commands.change_thresholds(s, u, schedule_lagging=0.75),
    "add_account": lambda s, u: commands.add_account(s, u, "newbie", role="admin", password=PASSWORD),
    "set_password": lambda s, u: commands.set_password(s, u, "admin", "taken-over-1"),
    "set_role": lambda s, u: commands.set_role(s, u, "admin", "viewer"),
    "set_active": lambda s, u: commands.set_active(s, u, "admin", False),
    "refresh_catalogue": lambda s, u: commands.refresh_catalogue(s, u),
    "create_plan": lambda s, u: a_reviewed_plan(s, u),
    "correct_plan_target": lambda s, u: commands.correct_plan_target(
        s, u, (p := a_reviewed_plan(s, u)).plan_id, first_target_row(s, p.plan_id), reason="更正", target_id=None),
    "withdraw_plan_target": lambda s, u: commands.withdraw_plan_target(
        s, u, (p := a_reviewed_plan(s, u)).plan_id, f"{p.plan_id}-001", reason="重复"),
    "retire_plan": lambda s, u: commands.retire_plan(s, u, a_reviewed_plan(s, u).plan_id, reason="替代"),
    "correct_plan_meta": lambda s, u: commands.correct_plan_meta(
        s, u, (p := a_reviewed_plan(s, u)).plan_id, renamed(s, p.plan_id), reason="文件更名"),
    "set_responsible_units": lambda s, u: commands.set_responsible_units(
        s, u, "xq-teams-2022", lead=["区科技局"], responsible=[], reason="补充"),
    "restore_backup": lambda s, u: commands.restore_backup(s, u, a_backup_of(s), replace=True),
}


def a_backup_of(store: Store) -> Path:
    from tracker.db.backup import backup

    out = Path(tempfile.mkdtemp()) / "backup.zip"
    backup(store, out)
    return out


def a_reviewed_plan(store: Store, user):
    """A small plan added through the review (tests/test_new_plan.py covers it in full)."""
    from test_new_plan import META, TEXT, table_of

    from tracker.intake import read_pasted

    return commands.create_plan(store, user, META, table_of(store), read_pasted(TEXT))


def first_target_row(store: Store, plan_id: str) -> dict:
    from tracker.intake import review

    return review.row_of_target(store.targets(plan_id).iloc[0])


def every_table(store: Store) -> dict[str, list]:
    """Every row of every table, sorted: the content of the whole database."""
    from tracker.db.migrations import base_tables

    with store.reading() as cur:
        names = base_tables(cur)
    out = {}
    for name in names:
        with store._cursor() as cur:
            rows = cur.execute(f'SELECT * FROM "{name}"').fetchall()  # noqa: S608 - names from the catalog
        out[name] = sorted(rows, key=repr)
    return out


def test_every_public_command_is_enumerated():
    from tracker.commands import plans

    public = {name for module in (commands, plans) for name, f in inspect.getmembers(module, inspect.isfunction)
              if f.__module__ == module.__name__ and not name.startswith("_")}
    helpers = {"acting", "current_account", "revert_refusal"}
    assert public - helpers == set(CALLS) == {f.__name__ for f in commands.COMMANDS}


@pytest.fixture
def with_entry(fresh_store):
    commands.commit_actuals(fresh_store, CLERK, one_value(2017, 1.88), kind="entry")     # pending
    commands.lock_year(fresh_store, SYSTEM, "cq_sti_13fyp", 2014)                        # for unlock_year
    return fresh_store


@pytest.mark.parametrize("name", list(CALLS))
@pytest.mark.parametrize("user", [None, VIEWER], ids=["anonymous", "viewer"])
def test_each_command_refuses_viewers_and_anonymous_callers_and_changes_nothing(with_entry, name, user):
    before = every_table(with_entry)
    with pytest.raises(PermissionDenied):
        CALLS[name](with_entry, user)
    assert every_table(with_entry) == before


@pytest.mark.parametrize("name", list(CALLS))
def test_each_command_works_for_an_admin_and_records_the_stored_role(with_entry, name):
    audit_before = len(with_entry.audit_log())
    stale = User(ADMIN.username, "viewer")          # what the caller claims does not count: the store's role does
    CALLS[name](with_entry, stale)
    log = with_entry.audit_log()
    assert len(log) > audit_before
    assert log.iloc[0]["actor"] == "admin" and log.iloc[0]["role"] == "admin"


# -- nothing else writes ------------------------------------------------------------------------------------------
WRITE_METHODS = {"transaction", "replace_seed_data", "record_sign_in"} | {
    name for name, f in inspect.getmembers(store_writes, inspect.isfunction) if f.__module__ == store_writes.__name__
}
ALLOWED = {"tracker/commands/__init__.py", "tracker/commands/plans.py", "tracker/db/store.py", "tracker/db/accounts.py",
           "tracker/db/writes.py"}


def python_files() -> list[Path]:
    skip = {".venv", "tests", "etl", ".git", "data", "seeds", "benchmarks"}
    return [p for p in PROJECT_ROOT.rglob("*.py") if not skip & set(p.relative_to(PROJECT_ROOT).parts)]


def test_no_module_outside_the_command_layer_calls_a_store_write_method():
    offenders = []
    for path in python_files():
        rel = path.relative_to(PROJECT_ROOT).as_posix()
        if rel in ALLOWED:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in WRITE_METHODS:
                offenders.append(f"{rel}:{node.lineno} .{node.func.attr}()")
            if isinstance(node, ast.ImportFrom) and node.module == "tracker.db.writes" or (
                    isinstance(node, ast.ImportFrom) and node.module == "tracker.db"
                    and any(a.name == "writes" for a in node.names)):
                offenders.append(f"{rel}:{node.lineno} imports tracker.db.writes")
    assert not offenders, offenders
    assert "tracker/access/users_cli.py" in {p.relative_to(PROJECT_ROOT).as_posix() for p in python_files()}


def test_sign_in_is_the_only_write_the_sign_in_path_makes(fresh_store):
    before = fresh_store.data_version()
    fresh_store.sign_in(CLERK.username, PASSWORD)
    assert fresh_store.data_version() == before


# -- revocation between two writes --------------------------------------------------------------------------------
@pytest.mark.parametrize("revoke, message", [
    (lambda s: commands.set_active(s, ADMIN, CLERK.username, False), "不存在或已停用"),
    (lambda s: commands.set_role(s, ADMIN, CLERK.username, "viewer"), "无权执行"),
    (lambda s: commands.set_password(s, ADMIN, CLERK.username, "new-password-9"), "密码已更改"),
    (lambda s: _remove(s, CLERK.username), "不存在或已停用"),
], ids=["disabled", "demoted", "password-reset", "removed"])
def test_an_editor_revoked_between_two_writes_cannot_write_the_second_time(fresh_store, revoke, message):
    clerk = fresh_store.sign_in(CLERK.username, PASSWORD)       # as a session holds it, role and credentials
    commands.commit_actuals(fresh_store, clerk, one_value(2016, 1.72), kind="entry")
    revoke(fresh_store)
    before = every_table(fresh_store)
    with pytest.raises(PermissionDenied, match=message):
        commands.commit_actuals(fresh_store, clerk, one_value(2017, 1.88), kind="entry")
    assert every_table(fresh_store) == before


def _remove(store: Store, username: str) -> None:
    """An account deleted behind the app's back (by IT staff in the DuckDB file)."""
    with store.transaction() as cur:
        cur.execute("DELETE FROM users WHERE username = ?", [username])


def test_a_user_changes_their_own_password_and_must_sign_in_again(fresh_store):
    clerk = fresh_store.sign_in(CLERK.username, PASSWORD)
    commands.set_password(fresh_store, clerk, CLERK.username, "my-new-pass-1")
    with pytest.raises(PermissionDenied, match="密码已更改"):
        commands.assess_qualitative(fresh_store, clerk, QUALITATIVE, "achieved")
    again = fresh_store.sign_in(CLERK.username, "my-new-pass-1")
    commands.assess_qualitative(fresh_store, again, QUALITATIVE, "achieved")
    with pytest.raises(PermissionDenied, match="无权执行"):
        commands.set_password(fresh_store, again, ADMIN.username, "taken-over-1")


# -- the app: a session loses its editing pages at the next rerun -------------------------------------------------
APP = str(PROJECT_ROOT / "app.py")
PAGES = PROJECT_ROOT / "screens"


@pytest.fixture
def app_db(tmp_path, monkeypatch):
    import streamlit as st

    path = seeded_file(tmp_path / "tracker.duckdb", entered=True, setup=add_people)
    monkeypatch.setenv("TRACKER_DB", str(path))
    st.cache_resource.clear()
    st.cache_data.clear()
    yield path
    st.cache_resource.clear()
    st.cache_data.clear()


def signed_in(at: AppTest, name: str) -> AppTest:
    at.switch_page("screens/sign_in.py").run()
    at.text_input(key="auth_username").input(name)
    at.text_input(key="auth_password").input(PASSWORD)
    return next(b for b in at.button if b.label == "登录").click().run()


def test_a_signed_in_editor_disabled_by_an_admin_loses_the_editing_pages_on_the_next_rerun(app_db):  # noqa: ARG001
    import ui

    clerk = signed_in(AppTest.from_file(APP, default_timeout=60).run(), CLERK.username)
    assert clerk.session_state["auth"]["user"].username == CLERK.username
    clerk.switch_page("screens/entry.py").run()
    assert clerk.title[0].value == "数据填报"
    admin = signed_in(AppTest.from_file(APP, default_timeout=60).run(), ADMIN.username)
    admin.switch_page("screens/accounts.py").run()
    admin.selectbox(key="accounts_pick").set_value(CLERK.username).run()
    next(b for b in admin.button if b.key == "accounts_toggle").click().run()
    assert not admin.exception
    assert not ui.get_store().account(CLERK.username)["active"]
    clerk.run()                                            # the clerk's next rerun
    assert not clerk.exception
    assert "auth" not in clerk.session_state
    assert any("请重新登录" in box.value for box in clerk.info)       # said so in the sidebar
    # The same address now asks to sign in: nothing of the entry page is left to type into.
    assert any("此页需要先登录" in box.value for box in clerk.warning)
    assert not [w for w in clerk.selectbox if w.key == "entry_plan"]
    with pytest.raises(ValueError, match="screens/entry.py"):
        clerk.switch_page("screens/entry.py").run()


def test_a_demoted_editor_gets_the_new_role_at_once(app_db):  # noqa: ARG001
    import ui

    clerk = signed_in(AppTest.from_file(APP, default_timeout=60).run(), CLERK.username)
    commands.set_role(ui.get_store(), ADMIN, CLERK.username, "viewer")
    clerk.run()
    assert clerk.session_state["auth"]["user"].role == "viewer"
    with pytest.raises(ValueError, match="screens/upload.py"):
        clerk.switch_page("screens/upload.py").run()


def test_an_admin_creates_an_account_on_the_accounts_page(app_db):  # noqa: ARG001
    import ui

    at = AppTest.from_file(str(PAGES / "accounts.py"), default_timeout=60)
    now = datetime.now()
    at.session_state["auth"] = {"user": ui_user(ADMIN), "signed_in_at": now, "last_seen_at": now}
    at.run()
    assert not at.exception
    at.text_input(key="accounts_new_name").input("zhao")
    at.text_input(key="accounts_new_display").input("赵六")
    at.selectbox(key="accounts_new_role").set_value("editor")
    at.text_input(key="accounts_new_password").input("first-pass-1")
    next(b for b in at.button if b.proto.is_form_submitter).click().run()
    assert not at.exception and not at.error
    assert "zhao" in at.success[0].value
    account = ui.get_store().account("zhao")
    assert (account["role"], account["display_name"], bool(account["active"])) == ("editor", "赵六", True)
    row = ui.get_store().audit_log(action="user_add").iloc[0]
    assert (row["actor"], row["role"], row["object"]) == ("admin", "admin", "zhao")


def ui_user(person: User) -> User:
    return User(person.username, person.role, display_name=person.display_name, credentials_version=0)


# -- numbered migrations ------------------------------------------------------------------------------------------
def version_2_file(path: Path) -> Path:
    """A database exactly as version 2 created it (its DDL is the fixture below), with one entered value."""
    con = duckdb.connect(str(path))
    con.execute(DDL_OF_VERSION_2)
    con.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', '2')")
    now = datetime(2018, 3, 1, 9, 0)
    con.execute("INSERT INTO batches (batch_id, kind, status, created_by, created_at, row_count) "
                "VALUES ('entry-old', 'entry', 'committed', 'zhang', ?, 1)", [now])
    con.execute("INSERT INTO actuals (region, indicator, year, value, batch_id, entered_by, entered_at) "
                "VALUES (?, ?, 2016, 1.72, 'entry-old', 'zhang', ?)", [*RD, now])
    con.execute("INSERT INTO users VALUES ('zhang', '张三', '', 'editor', 'hash', TRUE, ?, ?)", [now, now])
    con.close()
    return path


def columns(store: Store, table: str) -> set[str]:
    return set(store.query_df(f"SELECT * FROM {table} LIMIT 0").columns)  # noqa: S608 - fixed names


def test_a_version_2_file_is_migrated_in_order_and_keeps_its_values(tmp_path):
    path = version_2_file(tmp_path / "v2.duckdb")
    store = Store.open(path)
    try:
        assert store.applied_migrations == [3, 4, 5, 6, 7, 8]
        assert store.meta("schema_version") == str(SCHEMA_VERSION)
        assert {"relative_to_indicator_id"} <= columns(store, "targets")
        assert {"source_plan_id"} <= columns(store, "actuals")
        assert {"credentials_version"} <= columns(store, "users")
        assert "relative_to_indicator" in columns(store, "targets_full")
        assert {"origin", "status", "revision"} <= columns(store, "plans")
        assert {"reviewed_by", "reviewed_at"} <= columns(store, "targets_full")
        assert set(store.plans()["origin"]) <= {"seed"} and set(store.plans()["status"]) <= {"active"}
        assert store.meta("data_version") == "0"
        history = store.value_history(*RD, 2016)
        assert history["value"].tolist() == [1.72] and history["is_current"].tolist() == [True]
        assert history["review_status"].tolist() == ["approved"]          # what was entered before approval counts
        assert store.account("zhang")["credentials_version"] == 0
    finally:
        store.close()
    again = Store.open(path)
    try:
        assert again.applied_migrations == []              # a current file: nothing applied
        assert again.meta("schema_version") == str(SCHEMA_VERSION)
    finally:
        again.close()


def test_a_version_4_file_gets_the_sign_in_claims_and_keeps_its_attempts(tmp_path, monkeypatch):
    path = tmp_path / "v4.duckdb"
    with monkeypatch.context() as m:                   # the program as it was: migrations 1 to 4
        m.setattr(migrations, "MIGRATIONS", migrations.MIGRATIONS[:4])
        old = Store.open(path)
        with old.transaction(counted=False) as cur:
            cur.execute("INSERT INTO login_attempts VALUES ('zhang', ?, FALSE, 'web')", [datetime.now()])
        old.close()
    store = Store.open(path)
    try:
        assert store.applied_migrations == [5, 6, 7, 8]
        assert {"attempt_id", "client"} <= columns(store, "login_attempts")
        assert store.failed_sign_ins("zhang")[0] == 1         # the old attempt still counts
        with pytest.raises(ValueError, match="不正确"):
            store.sign_in("zhang", "wrong-password", client="web:10.0.0.1")
        assert store.failed_sign_ins_from("web:10.0.0.1")[0] == 1
    finally:
        store.close()


def test_a_new_file_gets_every_migration_and_a_failed_one_rolls_back(tmp_path, monkeypatch):
    assert Store.memory().applied_migrations == [m.number for m in migrations.MIGRATIONS]
    path = version_2_file(tmp_path / "v2.duckdb")
    broken = (*migrations.MIGRATIONS[:3], migrations.Migration(4, "broken", "ALTER TABLE nowhere ADD COLUMN x INT"))
    monkeypatch.setattr(migrations, "MIGRATIONS", broken)
    with pytest.raises(duckdb.CatalogException):
        Store.open(path)
    con = duckdb.connect(str(path))
    try:   # migration 3 committed on its own; the broken 4 left nothing behind
        assert con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0] == "3"
    finally:
        con.close()


def test_a_file_of_a_newer_version_is_refused(tmp_path):
    path = tmp_path / "new.duckdb"
    Store.open(path).close()
    con = duckdb.connect(str(path))
    con.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    con.close()
    with pytest.raises(migrations.NewerSchemaError):
        Store.open(path)


# The DDL of schema version 2 (git show 42722c4:tracker/db/schema.py), kept here as a fixture, not in the product.
DDL_OF_VERSION_2 = """
CREATE SEQUENCE IF NOT EXISTS revision_seq START 1;

CREATE TABLE IF NOT EXISTS meta (
    key   VARCHAR PRIMARY KEY,
    value VARCHAR
);

-- Seed-derived ------------------------------------------------------------------------------------------------
CREATE TABLE IF NOT EXISTS plans (
    plan_id        VARCHAR NOT NULL,
    title          VARCHAR NOT NULL,      -- simplified-Chinese display title
    title_original VARCHAR NOT NULL,      -- the title as the seed writes it
    short_name     VARCHAR,
    region         VARCHAR NOT NULL,
    doc_type       VARCHAR,
    script         VARCHAR,               -- simplified | traditional (of the seed text)
    issued_on      DATE,
    base_year      INTEGER,               -- t0 for targets that state no baseline year
    start_year     INTEGER,
    target_year    INTEGER,
    seed_file      VARCHAR NOT NULL,
    seed_sha256    VARCHAR NOT NULL,
    assumption     VARCHAR
);

CREATE TABLE IF NOT EXISTS regions (
    region_id     VARCHAR NOT NULL,
    region        VARCHAR NOT NULL,       -- display name, simplified Chinese
    region_en     VARCHAR,
    level         VARCHAR,
    parent_region VARCHAR,
    note          VARCHAR
);

CREATE TABLE IF NOT EXISTS region_aliases (
    alias  VARCHAR NOT NULL,
    region VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS indicators (
    indicator_id VARCHAR NOT NULL,
    indicator    VARCHAR NOT NULL,        -- canonical display name, simplified Chinese
    indicator_en VARCHAR,
    unit         VARCHAR NOT NULL,        -- a percentage is stored as printed: 2.5 means 2.5 %
    measure      VARCHAR NOT NULL,        -- level | increment
    direction    INTEGER NOT NULL,        -- +1 higher is better, -1 lower is better
    path_kind    VARCHAR NOT NULL,        -- linear | geometric
    defined_in   VARCHAR,                 -- catalogue file that defines it
    note         VARCHAR
);

CREATE TABLE IF NOT EXISTS indicator_aliases (
    alias        VARCHAR NOT NULL,
    indicator_id VARCHAR NOT NULL,
    indicator    VARCHAR NOT NULL,
    source       VARCHAR                  -- where the alias comes from (catalogue file, or 'opencc')
);

CREATE TABLE IF NOT EXISTS targets (
    target_id          VARCHAR NOT NULL,
    plan_id            VARCHAR NOT NULL,
    region             VARCHAR NOT NULL,
    indicator          VARCHAR NOT NULL,
    indicator_id       VARCHAR NOT NULL,
    subject            VARCHAR,            -- the text's wording, simplified for display
    subject_original   VARCHAR,            -- the text's wording, original characters
    kind               VARCHAR NOT NULL,
    comparator         VARCHAR,
    target_value       DOUBLE,
    target_value_hi    DOUBLE,
    stretch_value      DOUBLE,
    tolerance          DOUBLE,
    growth_rate        DOUBLE,             -- percent per year (12 = 12 %)
    multiple           DOUBLE,
    relative_to_region VARCHAR,
    relative_margin    DOUBLE,             -- percent above relative_to_region
    basis              VARCHAR NOT NULL,   -- level | per_year | cumulative
    start_year         INTEGER,
    target_year        INTEGER NOT NULL,
    baseline_year      INTEGER,
    baseline_value     DOUBLE,
    unit               VARCHAR,
    binding            VARCHAR,            -- 预期性 | 约束性
    parent_target_id   VARCHAR,
    milestone_group    VARCHAR,
    section            VARCHAR,
    quote              VARCHAR NOT NULL,   -- exact substring of the seed file
    quote_offset       INTEGER NOT NULL,   -- character offset of quote in the seed file
    seed_file          VARCHAR NOT NULL,
    origin             VARCHAR NOT NULL,   -- table (parsed 专栏) | catalogue (reviewed file)
    assumption         VARCHAR,
    note               VARCHAR
);

CREATE TABLE IF NOT EXISTS target_quotes (
    target_id VARCHAR NOT NULL,
    role      VARCHAR NOT NULL,            -- source | restatement
    quote     VARCHAR NOT NULL,
    seed_file VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS plan_structure (
    plan_id        VARCHAR NOT NULL,
    item_id        VARCHAR NOT NULL,
    parent_item_id VARCHAR,
    seq            INTEGER NOT NULL,
    title          VARCHAR NOT NULL,
    quote          VARCHAR
);

CREATE TABLE IF NOT EXISTS checks (
    plan_id    VARCHAR NOT NULL,
    check_kind VARCHAR NOT NULL,           -- decomposition | duplicate_target | restatement
    subject    VARCHAR NOT NULL,
    expected   VARCHAR,
    observed   VARCHAR,
    status     VARCHAR NOT NULL,           -- ok | mismatch | warning
    message    VARCHAR NOT NULL,
    target_ids VARCHAR
);

CREATE TABLE IF NOT EXISTS etl_notes (
    plan_id   VARCHAR,
    seed_file VARCHAR,
    target_id VARCHAR,
    category  VARCHAR NOT NULL,            -- assumption | scrape_repair | plan
    message   VARCHAR NOT NULL
);

-- Entered by people; never rebuilt -------------------------------------------------------------------------------
CREATE TABLE IF NOT EXISTS batches (
    batch_id    VARCHAR PRIMARY KEY,
    kind        VARCHAR NOT NULL,          -- seed | entry | upload | revert
    status      VARCHAR NOT NULL,          -- committed | reverted
    created_by  VARCHAR NOT NULL,
    created_at  TIMESTAMP NOT NULL,
    note        VARCHAR,
    file_name   VARCHAR,
    file_sha256 VARCHAR,
    row_count   INTEGER,
    reverts_batch_id VARCHAR
);

CREATE TABLE IF NOT EXISTS actuals (
    actual_id    BIGINT NOT NULL DEFAULT nextval('revision_seq'),  -- increases with every revision
    region       VARCHAR NOT NULL,
    indicator    VARCHAR NOT NULL,
    region_id    VARCHAR,
    indicator_id VARCHAR,
    year         INTEGER NOT NULL,
    value        DOUBLE,                   -- NULL = the value was withdrawn by this revision
    unit         VARCHAR,
    source       VARCHAR,                  -- 来源/口径 as the person or the document gives it
    vintage      VARCHAR,                  -- 快报 (provisional) | 年报 (final)
    reason       VARCHAR,                  -- why this revision was made
    batch_id     VARCHAR NOT NULL,
    entered_by   VARCHAR NOT NULL,
    entered_at   TIMESTAMP NOT NULL,
    quote        VARCHAR,                  -- seed batch: the sentence that states the value
    seed_file    VARCHAR,
    note         VARCHAR
);

CREATE TABLE IF NOT EXISTS target_status (
    target_id VARCHAR NOT NULL,            -- qualitative targets: a status set by a person
    status    VARCHAR NOT NULL,
    note      VARCHAR,
    set_by    VARCHAR NOT NULL,
    set_at    TIMESTAMP NOT NULL
);

-- Accounts, sign-in attempts, the audit trail and settings (admins change thresholds here) ----------------------
CREATE TABLE IF NOT EXISTS users (
    username      VARCHAR PRIMARY KEY,
    display_name  VARCHAR,
    email         VARCHAR,
    role          VARCHAR NOT NULL,          -- viewer | editor | admin
    password_hash VARCHAR,                   -- argon2id, salted; never the password
    active        BOOLEAN NOT NULL DEFAULT TRUE,
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL
);

CREATE TABLE IF NOT EXISTS login_attempts (
    username VARCHAR NOT NULL,
    occurred_at TIMESTAMP NOT NULL,
    ok       BOOLEAN NOT NULL,
    channel  VARCHAR                         -- web | cli
);

CREATE SEQUENCE IF NOT EXISTS audit_seq START 1;
CREATE TABLE IF NOT EXISTS audit_log (
    audit_id BIGINT NOT NULL DEFAULT nextval('audit_seq'),
    occurred_at TIMESTAMP NOT NULL,
    actor    VARCHAR NOT NULL,               -- account name, SSO e-mail, or 'system' for server-side scripts
    role     VARCHAR,
    action   VARCHAR NOT NULL,               -- entry | upload | revert | catalogue_refresh | user_add | …
    object   VARCHAR,                        -- batch id, account name, setting …
    detail   VARCHAR                         -- what changed, as text
);

CREATE TABLE IF NOT EXISTS settings (
    key        VARCHAR PRIMARY KEY,
    value      VARCHAR NOT NULL,
    updated_by VARCHAR NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- Every revision with a flag for the one that counts: the newest revision of a committed batch, where anything a
-- person entered outranks what a seed document states (a refreshed seed must not overwrite a correction).
CREATE OR REPLACE VIEW actuals_history AS
SELECT a.*,
       b.kind AS batch_kind,
       b.status AS batch_status,
       b.status = 'committed' AND row_number() OVER (
           PARTITION BY a.region, a.indicator, a.year, b.status = 'committed'
           ORDER BY (b.kind = 'seed'), a.actual_id DESC
       ) = 1 AS is_current
FROM actuals a
JOIN batches b USING (batch_id);

CREATE OR REPLACE VIEW actuals_current AS
SELECT * EXCLUDE (is_current, batch_status)
FROM actuals_history
WHERE is_current AND value IS NOT NULL;

-- Targets with the indicator attributes the methodology needs and the plan's base year.
CREATE OR REPLACE VIEW targets_full AS
SELECT t.*,
       i.indicator_en,
       i.measure,
       i.direction,
       i.path_kind,
       p.base_year AS plan_base_year,
       p.title AS plan_title
FROM targets t
JOIN indicators i USING (indicator_id)
JOIN plans p USING (plan_id);
"""

