"""Settings: one write counter behind the pages' cache key, and thresholds checked before they are saved."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

import pandas as pd
import pytest
from conftest import ADMIN, CLERK, add_entered_actuals, add_people, seeded_file
from streamlit.testing.v1 import AppTest

from tracker import commands
from tracker.access.auth import SYSTEM, User
from tracker.config import PROJECT_ROOT
from tracker.db.accounts import InvalidThresholds, threshold_problems
from tracker.methodology.thresholds import DEFAULT_THRESHOLDS

PAGES = PROJECT_ROOT / "screens"
RD = ("重庆市", "研究与试验发展经费投入强度")


def one_value(year: int, value: float) -> pd.DataFrame:
    return pd.DataFrame([{"region": RD[0], "indicator": RD[1], "year": year, "value": value}])


# -- the write counter --------------------------------------------------------------------------------------------
WRITES = {
    "thresholds": lambda s: commands.save_thresholds(s, ADMIN, replace(s.thresholds(), schedule_on_track=0.9)),
    "actuals": lambda s: commands.commit_actuals(s, CLERK, one_value(2016, 1.72), kind="entry"),
    "revert": lambda s: commands.revert_batch(s, CLERK,
        commands.commit_actuals(s, CLERK, one_value(2017, 1.8), kind="upload"), reason="文件有误"
    ),
    "target_status": lambda s: commands.assess_qualitative(s, CLERK, "wh-rd-intensity-increase-rank-2017", "on_track"),
    "catalogue": lambda s: commands.refresh_catalogue(s, ADMIN),
    "account": lambda s: commands.add_account(s, SYSTEM, "wang", role="editor", password="correct-horse-1"),
}


@pytest.mark.parametrize("write", list(WRITES))
def test_every_kind_of_write_changes_the_data_version(fresh_store, write):
    before = fresh_store.data_version()
    WRITES[write](fresh_store)
    after = fresh_store.data_version()
    assert after != before
    assert after.startswith(fresh_store.location)


def test_a_threshold_change_changes_the_data_version_and_only_the_counter_is_the_key(fresh_store):
    before = fresh_store.data_version()
    commands.save_thresholds(fresh_store, ADMIN, replace(fresh_store.thresholds(), schedule_lagging=0.75))
    identity, counter = before.rsplit("|", 1)
    assert fresh_store.data_version() == f"{identity}|{int(counter) + 1}"


def test_failed_writes_and_sign_ins_leave_the_data_version(fresh_store):
    commands.add_account(fresh_store, SYSTEM, "zhang", role="editor", password="correct-horse-1")
    before = fresh_store.data_version()

    def crash(_cursor):
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        commands.commit_actuals(fresh_store, CLERK, one_value(2016, 1.72), kind="entry", before_commit=crash)
    with pytest.raises(RuntimeError):
        commands.refresh_catalogue(fresh_store, ADMIN, before_commit=crash)
    with pytest.raises(InvalidThresholds):
        commands.save_thresholds(fresh_store, ADMIN, replace(fresh_store.thresholds(), schedule_on_track=0.5))
    with pytest.raises(ValueError, match="不正确"):
        fresh_store.sign_in("zhang", "wrong-password")
    fresh_store.sign_in("zhang", "correct-horse-1")
    assert fresh_store.data_version() == before


def test_the_counter_survives_reopening(tmp_path):
    path = seeded_file(tmp_path / "tracker.duckdb")
    from tracker.db.store import Store

    store = Store.open(path)
    version = store.data_version()
    store.close()
    reader = Store.open(path, read_only=True)
    assert reader.data_version() == version
    reader.close()


# -- thresholds are checked -----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("changes", "names"),
    [
        ({"schedule_on_track": 0.7}, ["schedule_on_track", "schedule_lagging"]),  # 0.7 ≤ 0.8: out of order
        ({"schedule_on_track": 1.2}, ["schedule_on_track"]),
        ({"schedule_lagging": -0.1}, ["schedule_lagging"]),
        ({"trend_moderate": 0.99}, ["trend_substantial", "trend_moderate"]),
        ({"trend_limited": 0.6}, ["trend_moderate", "trend_limited"]),
        ({"no_target_moderate": 0.02}, ["no_target_substantial", "no_target_moderate"]),
        ({"no_target_limited": 0.005}, ["no_target_moderate", "no_target_limited"]),
        ({"approx_tolerance": 0.0}, ["approx_tolerance"]),
        ({"approx_tolerance": 1.5}, ["approx_tolerance"]),
        ({"boundary_epsilon": -1e-9}, ["boundary_epsilon"]),
        ({"boundary_epsilon": 0.01}, ["boundary_epsilon"]),
        ({"schedule_on_track": float("nan")}, ["schedule_on_track"]),
    ],
)
def test_invalid_thresholds_are_refused_and_nothing_is_written(fresh_store, changes, names):
    commands.save_thresholds(fresh_store, ADMIN, replace(DEFAULT_THRESHOLDS, trend_moderate=0.5))  # one saved change
    before = {t: fresh_store.query_df(f"SELECT * FROM {t}") for t in ("settings", "audit_log", "meta")}
    with pytest.raises(InvalidThresholds) as excinfo:
        commands.save_thresholds(fresh_store, ADMIN, replace(fresh_store.thresholds(), **changes))
    assert isinstance(excinfo.value, ValueError)
    message = str(excinfo.value)
    assert message.startswith("阈值未保存")
    for name in names:
        assert name in message
    for table, frame in before.items():
        pd.testing.assert_frame_equal(fresh_store.query_df(f"SELECT * FROM {table}"), frame)
    assert fresh_store.thresholds().trend_moderate == 0.5


def test_the_defaults_and_sensible_changes_are_valid():
    assert threshold_problems(DEFAULT_THRESHOLDS) == []
    assert (
        threshold_problems(
            replace(
                DEFAULT_THRESHOLDS,
                schedule_on_track=1.0,
                schedule_lagging=0.0,
                trend_limited=0.1,
                no_target_limited=0.001,
                boundary_epsilon=0.0,
            )
        )
        == []
    )


def test_every_problem_is_listed_at_once():
    problems = threshold_problems(replace(DEFAULT_THRESHOLDS, schedule_on_track=0.5, approx_tolerance=2.0))
    assert len(problems) == 2
    assert any("approx_tolerance" in p and "2" in p for p in problems)
    assert any("schedule_on_track" in p and "0.5 ≤ 0.8" in p for p in problems)


# -- the pages: save on the settings page, the overview shows the new verdict --------------------------------------
@pytest.fixture
def db(tmp_path, monkeypatch):
    """A database of the test's own with the clerk's values; the pages open it through ui.get_store()."""
    import streamlit as st

    path = seeded_file(tmp_path / "tracker.duckdb", entered=True, setup=add_people)
    monkeypatch.setenv("TRACKER_DB", str(path))
    st.cache_resource.clear()
    st.cache_data.clear()
    yield path
    st.cache_resource.clear()
    st.cache_data.clear()


def page(name: str, user: User | None = None) -> AppTest:
    at = AppTest.from_file(str(PAGES / f"{name}.py"), default_timeout=60)
    if user is not None:
        now = datetime.now()
        at.session_state["auth"] = {"user": user, "signed_in_at": now, "last_seen_at": now}
    return at


def rd_verdict(at: AppTest) -> str:
    """The schedule verdict of 专栏2's R&D intensity target in the overview table (as of 2018)."""
    at.run()
    assert not at.exception, at.exception
    table = at.dataframe[0].value
    rows = table[(table["指标"] == RD[1]) & (table["目标年份"] == 2020)]
    return rows["序时评价"].iloc[0]


def overview() -> AppTest:
    at = page("overview")
    at.query_params["plan"] = "cq_sti_13fyp"
    at.query_params["as_of"] = "2018"
    return at


def test_thresholds_saved_on_the_settings_page_change_the_next_overview(db):  # noqa: ARG001 - sets TRACKER_DB
    board = overview()
    # 2018: 2.01 % against the planned 2.19 %: r ≈ 0.79, below the default 0.80 for 滞后.
    assert rd_verdict(board) == "严重滞后"
    settings = page("settings", ADMIN).run()
    assert not settings.exception
    settings.number_input(key="settings_schedule_lagging").set_value(0.75)
    next(b for b in settings.button if b.proto.is_form_submitter).click().run()
    assert not settings.exception and not settings.error
    assert settings.success
    assert rd_verdict(board) == "滞后"  # the same session, the next render: no stale cache


def test_the_settings_page_refuses_invalid_thresholds_and_writes_nothing(db):
    from tracker.db.store import Store

    settings = page("settings", ADMIN).run()
    settings.number_input(key="settings_schedule_on_track").set_value(0.7)
    next(b for b in settings.button if b.proto.is_form_submitter).click().run()
    assert not settings.exception and not settings.success
    message = settings.error[0].value
    assert "阈值未保存" in message and "schedule_on_track" in message and "schedule_lagging" in message
    import streamlit as st

    st.cache_resource.clear()  # let go of the page's connection to read the file
    store = Store.open(db, read_only=True)
    try:
        assert store.thresholds() == DEFAULT_THRESHOLDS
        assert "threshold_change" not in set(store.audit_log()["action"])
    finally:
        store.close()


def test_add_entered_actuals_through_the_transaction_is_counted(fresh_store):
    # Test helpers that write through store.transaction() count too: there is no write that bypasses the counter.
    before = fresh_store.data_version()
    add_entered_actuals(fresh_store)
    assert fresh_store.data_version() != before
