"""Shared fixtures: a catalogue built once per session, and fresh builds for tests that write."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pandas as pd
import pytest

from etl.build import BuildResult, build_tables, run_build
from tracker import commands
from tracker.access.auth import SYSTEM, User
from tracker.config import CATALOGUE_DIR, SEEDS_DIR
from tracker.db.store import Store


def environment_needed(ok: bool, reason: str):
    """A mark for tests that need something of the machine (Chromium, the CJK font): skip when it is missing, but
    fail when the environment variable CI is set (the CI runner sets CI=true), so CI never passes by skipping."""
    if ok:
        return pytest.mark.skipif(False, reason="")
    if os.environ.get("CI"):
        return pytest.mark.missing_in_ci(reason=reason)
    return pytest.mark.skip(reason=reason)


def pytest_addoption(parser):
    parser.addoption("--backend", choices=("duckdb", "postgres"), default="duckdb",
                     help="the store the store-level tests use: duckdb (the whole suite) or postgres (every test "
                          "of a store fixture, and the multi-process tests, on a throwaway PostgreSQL cluster; "
                          "$TRACKER_TEST_PG names an existing server instead)")


def pytest_configure(config):
    config.addinivalue_line("markers", "missing_in_ci(reason): the environment lacks what the test needs, under CI")
    config.addinivalue_line("markers", "postgres_only: runs in the --backend=postgres pass only")


# The fixtures that give a test a store: in the PostgreSQL pass, the tests that use them run (on PostgreSQL) and
# the others, which read DuckDB files or drive pages, are left to the DuckDB pass. (db: the entry pages' store.)
STORE_FIXTURES = {"store", "fresh_store", "db"}


def pytest_collection_modifyitems(config, items):
    postgres = config.getoption("--backend") == "postgres"
    keep, drop = [], []
    for item in items:
        if postgres:
            wanted = "postgres_only" in item.keywords or bool(STORE_FIXTURES & set(getattr(item, "fixturenames", ())))
        else:
            wanted = "postgres_only" not in item.keywords
        (keep if wanted else drop).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


def pytest_runtest_setup(item):
    mark = item.get_closest_marker("missing_in_ci")
    if mark is not None:
        pytest.fail(f"CI is set but the environment is incomplete: {mark.kwargs.get('reason', '')}", pytrace=False)


@pytest.fixture(scope="session", autouse=True)
def cheap_password_hashing():
    """argon2id with its smallest cost for the suite: the same code path, without 0.17 s per hash and per sign-in
    (tests create four accounts per database). The product's hasher keeps the library's defaults."""
    from argon2 import PasswordHasher

    from tracker.access import auth

    product = auth._HASHER
    auth._HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    yield
    auth._HASHER = product


@pytest.fixture(scope="session")
def built() -> BuildResult:
    """The rows the ETL would write, from the real seeds and catalogue."""
    return build_tables()


def seeded_file(path: Path | str, *, entered: bool = False, setup=None) -> Path | str:
    """Build a database file at path from the real seeds; entered adds ENTERED as a clerk's batch; setup(store)
    runs last (accounts, say). The file is closed again, so another process or a page can open it."""
    store = Store.open(path)
    try:
        run_build(store)
        if entered:
            add_entered_actuals(store)
        if setup is not None:
            setup(store)
    finally:
        store.close()
    return path


@pytest.fixture(scope="session")
def seeded_db_path(tmp_path_factory) -> Path:
    """A database file built from the real seeds, shared read-only by tests that only read."""
    return seeded_file(tmp_path_factory.mktemp("db") / "tracker.duckdb")


@pytest.fixture(scope="session")
def backend(request) -> str:
    return request.config.getoption("--backend")


@pytest.fixture(scope="session")
def pg_server(backend):
    """A PostgreSQL server for the run (tests/pg_cluster.py), as a PgDatabases that creates and drops databases."""
    if backend != "postgres":
        pytest.skip("the PostgreSQL pass only (--backend=postgres)")
    from tests.pg_cluster import PgDatabases, cluster

    given = os.environ.get("TRACKER_TEST_PG")
    if given:
        yield PgDatabases(given)
        return
    with cluster() as url:
        yield PgDatabases(url)


@pytest.fixture(scope="session")
def pg_people_template(pg_server) -> str:
    """A PostgreSQL database built from the real seeds with the test accounts: the template of each test's own."""
    url = pg_server.create("template_people")
    seeded_file(url, setup=add_people)
    return "template_people"


@pytest.fixture
def pg_store(pg_server, pg_people_template) -> Store:
    """A PostgreSQL database of the test's own, a copy of the seeded template."""
    url = pg_server.create(template=pg_people_template)
    store = Store.open(url)
    yield store
    store.close()
    pg_server.drop(url)


@pytest.fixture
def store(request, backend, built) -> Store:
    """An in-memory database holding the real catalogue (quicker than a build per test); in the PostgreSQL pass, a
    PostgreSQL database of the test's own."""
    if backend == "postgres":
        yield request.getfixturevalue("pg_store")
        return
    s = Store.memory()
    s.replace_seed_data(built.tables, built.seed_actuals, built.meta)
    add_people(s)
    yield s
    s.close()


@pytest.fixture(scope="session")
def people_db_path(tmp_path_factory) -> Path:
    """A database file built from the real seeds with the test accounts: the template of fresh_store."""
    return seeded_file(tmp_path_factory.mktemp("people") / "tracker.duckdb", setup=add_people)


@pytest.fixture
def fresh_store(request, backend, tmp_path) -> Store:
    """A database of the test's own (a copy of a fresh build with the test accounts), for tests that write; in the
    PostgreSQL pass, a PostgreSQL database of the test's own."""
    if backend == "postgres":
        yield request.getfixturevalue("pg_store")
        return
    people_db_path = request.getfixturevalue("people_db_path")
    path = tmp_path / "data" / "tracker.duckdb"
    path.parent.mkdir(parents=True)
    shutil.copyfile(people_db_path, path)
    store = Store.open(path)
    yield store
    store.close()


@pytest.fixture
def catalogue_copy(tmp_path) -> Path:
    """A copy of etl/catalogue/ that a test may break."""
    target = tmp_path / "catalogue"
    shutil.copytree(CATALOGUE_DIR, target)
    return target


@pytest.fixture
def seeds_dir() -> Path:
    return SEEDS_DIR


# Values a clerk might have entered after the plans were issued (test data only; the product ships none).
ENTERED = [
    ("重庆市", "研究与试验发展经费投入强度", 2016, 1.72, "年报"),
    ("重庆市", "研究与试验发展经费投入强度", 2017, 1.88, "年报"),
    ("重庆市", "研究与试验发展经费投入强度", 2018, 2.01, "快报"),
    ("重庆市", "研究与试验发展经费投入强度", 2021, 2.16, "年报"),
    ("重庆市", "高新技术企业", 2016, 1435, "年报"),
    ("重庆市", "高新技术企业", 2017, 2000, "年报"),
    ("重庆市", "高新技术企业", 2018, 3141, "年报"),
    ("重庆市", "技术合同成交额", 2016, 250.0, "年报"),
    ("重庆市", "技术合同成交额", 2017, 245.0, "年报"),
    ("威海市", "研究与试验发展经费投入强度", 2014, 2.05, "年报"),
    ("威海市", "研究与试验发展经费投入强度", 2016, 2.31, "年报"),
    ("威海市", "高新技术企业", 2014, 160, "年报"),
    ("威海市", "高新技术企业", 2016, 205, "年报"),
    ("X区", "研究与试验发展经费投入强度", 2021, 2.3, "年报"),
]


def add_entered_actuals(store: Store, rows=ENTERED, batch_id: str = "test-entry") -> str:
    """Write rows as one committed entry batch of the editor account "clerk" (created when missing), the way the
    entry page does: through the command layer. The command layer names its batches itself, so batch_id becomes
    the batch's note (find it with entered_batch_id); returns the id of the batch written. The values are then
    approved (from the server's command line), as the values that count: tests/test_approval.py covers pending
    ones."""
    if store.account(ENTRY_CLERK.username) is None:
        commands.add_account(store, SYSTEM, ENTRY_CLERK.username, role="editor", password=PASSWORD)
    frame = pd.DataFrame(list(rows), columns=["region", "indicator", "year", "value", "vintage"]).assign(source="统计公报")
    written = commands.commit_actuals(store, ENTRY_CLERK, frame, kind="entry", note=batch_id)
    commands.approve_values(store, SYSTEM, store.pending_revisions(written)["actual_id"].tolist())
    return written


def entered_batch_id(store: Store, label: str = "test-entry") -> str:
    """The id of the batch add_entered_actuals wrote with this label."""
    return store.scalar("SELECT batch_id FROM batches WHERE note = ? ORDER BY created_at DESC LIMIT 1", [label])


@pytest.fixture(scope="session")
def progress_db_path(tmp_path_factory) -> Path:
    """A seeded database with a few years of entered actuals, shared by read-only page tests."""
    return seeded_file(tmp_path_factory.mktemp("progress") / "tracker.duckdb", entered=True)


# People acting in tests that write: the command layer re-reads each account from the store by username, so the
# store and fresh_store fixtures create these accounts (add_people); elsewhere call add_people(store) first.
PASSWORD = "correct-horse-1"
CLERK = User("张三", "editor")
REVIEWER = User("王五", "editor")
VIEWER = User("official", "viewer", display_name="李局长")
ADMIN = User("admin", "admin", display_name="管理员")
ENTRY_CLERK = User("clerk", "editor")
PEOPLE = (CLERK, REVIEWER, VIEWER, ADMIN)


def add_people(store: Store) -> None:
    """The accounts of PEOPLE, created from the server's own command line (password PASSWORD)."""
    for person in PEOPLE:
        commands.add_account(store, SYSTEM, person.username, role=person.role, password=PASSWORD,
                             display_name=person.display_name)
