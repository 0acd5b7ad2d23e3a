"""Shared fixtures: a catalogue built once per session, and fresh builds for tests that write."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from etl.build import BuildResult, build_tables, run_build
from tracker.config import CATALOGUE_DIR, SEEDS_DIR
from tracker.store import Store


@pytest.fixture(scope="session")
def built() -> BuildResult:
    """The rows the ETL would write, from the real seeds and catalogue."""
    return build_tables()


@pytest.fixture(scope="session")
def seeded_db_path(tmp_path_factory) -> Path:
    """A database file built from the real seeds, shared read-only by tests that only read."""
    path = tmp_path_factory.mktemp("db") / "tracker.duckdb"
    store = Store.open(path)
    run_build(store)
    store.close()
    return path


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
