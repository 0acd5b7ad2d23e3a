"""Shared fixtures: a catalogue built once per session, and fresh builds for tests that write."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from etl.build import BuildResult, build_tables, run_build
from tracker.auth import User
from tracker.config import CATALOGUE_DIR, SEEDS_DIR
from tracker.store import Store


@pytest.fixture(scope="session")
def built() -> BuildResult:
    """The rows the ETL would write, from the real seeds and catalogue."""
    return build_tables()


def seeded_file(path: Path, *, entered: bool = False, setup=None) -> Path:
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


@pytest.fixture
def store(built) -> Store:
    """An in-memory database holding the real catalogue (quicker than a build per test)."""
    s = Store.memory()
    s.replace_seed_data(built.tables, built.seed_actuals, built.meta)
    yield s
    s.close()


@pytest.fixture
def fresh_store(tmp_path) -> Store:
    """A newly built database of the test's own, for tests that write."""
    store = Store.open(tmp_path / "data" / "tracker.duckdb")
    run_build(store)
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


def add_entered_actuals(store: Store, rows=ENTERED, batch_id: str = "test-entry") -> None:
    """Write rows as one committed entry batch, the way the entry page does."""
    from datetime import datetime

    with store.transaction() as cur:
        cur.execute("""INSERT INTO batches (batch_id, kind, status, created_by, created_at, row_count)
                       VALUES (?, 'entry', 'committed', 'clerk', ?, ?)""", [batch_id, datetime.now(), len(rows)])
        for region, indicator, year, value, vintage in rows:
            cur.execute("""INSERT INTO actuals (region, indicator, year, value, vintage, batch_id, entered_by,
                                                entered_at, source)
                           VALUES (?, ?, ?, ?, ?, ?, 'clerk', ?, '统计公报')""",
                        [region, indicator, year, value, vintage, batch_id, datetime.now()])


@pytest.fixture(scope="session")
def progress_db_path(tmp_path_factory) -> Path:
    """A seeded database with a few years of entered actuals, shared by read-only page tests."""
    return seeded_file(tmp_path_factory.mktemp("progress") / "tracker.duckdb", entered=True)


# People acting in tests that write (the roles are what matters to the store).
CLERK = User("张三", "editor")
REVIEWER = User("王五", "editor")
VIEWER = User("official", "viewer", display_name="李局长")
ADMIN = User("admin", "admin", display_name="管理员")
