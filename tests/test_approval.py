"""Approval (审核): an editor's value is pending until a reviewer approves or returns it; approving a plan's year
locks it; officials see approved values unless they include pending ones; the command line says which it used."""

from __future__ import annotations

import io
from contextlib import redirect_stderr, redirect_stdout
from datetime import datetime

import pandas as pd
import pytest
from conftest import ADMIN, CLERK, PASSWORD, VIEWER, add_people, seeded_file
from streamlit.testing.v1 import AppTest

from tracker import commands
from tracker.access.actions import PermissionDenied
from tracker.access.auth import SYSTEM, User
from tracker.config import PROJECT_ROOT
from tracker.db import migrations
from tracker.db.store import Store
from tracker.views.read_model import Snapshot

RD = ("重庆市", "研究与试验发展经费投入强度")
PLAN = "cq_sti_13fyp"
CHECKER = User("审核员", "reviewer")


def one(year: int, value: float | None, *, region: str = RD[0], indicator: str = RD[1]) -> pd.DataFrame:
    return pd.DataFrame([{"region": region, "indicator": indicator, "year": year, "value": value}])


def counted(store: Store, year: int, *, pending: bool = False) -> float | None:
    """The value of RD in year that the views count (approved only, or pending ones too)."""
    actuals = Snapshot.read(store, pending=pending).actuals
    row = actuals[(actuals["region"] == RD[0]) & (actuals["indicator"] == RD[1]) & (actuals["year"] == year)]
    return None if row.empty else float(row["value"].iloc[0])


@pytest.fixture
def reviewing(store):
    commands.add_account(store, SYSTEM, CHECKER.username, role="reviewer", password=PASSWORD)
    return store


def pending_ids(store: Store, batch: str | None = None) -> list[int]:
    return store.pending_revisions(batch)["actual_id"].tolist()


def test_an_editors_value_waits_for_review_and_counts_only_when_included(reviewing):
    store = reviewing
    approved = commands.commit_actuals(store, ADMIN, one(2016, 1.72), kind="entry")
    batch = commands.commit_actuals(store, CLERK, one(2016, 1.80), kind="entry")
    assert store.value_history(*RD, 2016)["review_status"].tolist() == ["pending", "approved"]
    assert counted(store, 2016) == 1.72                        # a viewer sees the approved value
    assert counted(store, 2016, pending=True) == 1.80          # the switch shows the newest submission
    snap = Snapshot.read(store)
    assert not snap.include_pending and snap.pending_count(PLAN) == 1 and snap.pending_count("wh_sti_2017") == 0
    assert store.pending_count(PLAN) == 1
    row = store.pending_revisions(batch).iloc[0]
    assert (row["old_value"], row["value"], row["created_by"]) == (1.72, 1.80, CLERK.username)
    assert PLAN in row["plan_ids"]
    listing = store.batches().set_index("batch_id")
    assert listing.loc[batch, "pending_values"] == 1 and listing.loc[approved, "pending_values"] == 0
    log = store.audit_log(action="entry")
    assert "待审核" in log.iloc[0]["detail"] and "直接通过" in log.iloc[1]["detail"]


def test_a_reviewer_approves_and_the_value_counts(reviewing):
    store = reviewing
    batch = commands.commit_actuals(store, CLERK, one(2016, 1.80), kind="entry")
    with pytest.raises(PermissionDenied):
        commands.approve_values(store, CLERK, pending_ids(store))      # an editor cannot approve
    assert commands.approve_values(store, CHECKER, pending_ids(store)) == 1
    assert counted(store, 2016) == 1.80
    history = store.value_history(*RD, 2016).iloc[0]
    assert (history["review_status"], history["reviewed_by"]) == ("approved", CHECKER.username)
    audit = store.audit_log(action="approve").iloc[0]
    assert audit["object"] == batch and audit["actor"] == CHECKER.username and audit["role"] == "reviewer"
    with pytest.raises(ValueError, match="已审核"):
        commands.approve_values(store, CHECKER, [int(history["actual_id"])])   # once only


def test_a_returned_value_never_counts_and_the_reason_is_kept(reviewing):
    store = reviewing
    commands.commit_actuals(store, ADMIN, one(2016, 1.72), kind="entry")
    commands.commit_actuals(store, CLERK, one(2016, 1.80).assign(reason="快报"), kind="entry")
    with pytest.raises(ValueError, match="退回原因"):
        commands.return_values(store, CHECKER, pending_ids(store), reason="  ")
    commands.return_values(store, CHECKER, pending_ids(store), reason="与统计公报不符")
    assert counted(store, 2016) == 1.72 and counted(store, 2016, pending=True) == 1.72
    history = store.value_history(*RD, 2016).iloc[0]
    assert (history["review_status"], history["review_note"]) == ("returned", "与统计公报不符")
    assert "与统计公报不符" in store.audit_log(action="return").iloc[0]["detail"]
    assert store.pending_count() == 0


def test_one_value_of_a_batch_can_be_returned_and_the_rest_approved(reviewing):
    store = reviewing
    rows = pd.concat([one(2016, 1.80), one(2017, 1.90)], ignore_index=True)
    batch = commands.commit_actuals(store, CLERK, rows, kind="upload", file_name="统计局.xlsx")
    revisions = store.pending_revisions(batch).set_index("year")
    commands.return_values(store, CHECKER, [int(revisions.loc[2017, "actual_id"])], reason="口径有误")
    commands.approve_values(store, CHECKER, pending_ids(store, batch))
    assert counted(store, 2016) == 1.80 and counted(store, 2017) != 1.90


def test_a_reviewers_and_an_admins_values_are_approved_at_once(reviewing):
    store = reviewing
    commands.commit_actuals(store, CHECKER, one(2016, 1.81), kind="entry")
    assert counted(store, 2016) == 1.81
    commands.commit_actuals(store, ADMIN, one(2017, 1.91), kind="entry")
    assert counted(store, 2017) == 1.91
    assert store.value_history(*RD, 2017).iloc[0]["reviewed_by"] == ADMIN.username
    assert store.pending_count() == 0


def test_approving_a_plans_year_locks_it_and_an_unlock_is_audited(reviewing):
    store = reviewing
    commands.commit_actuals(store, CLERK, one(2016, 1.80), kind="entry")
    assert commands.approve_plan_year(store, CHECKER, PLAN, 2016) == 1
    assert counted(store, 2016) == 1.80
    assert store.locked_years(PLAN)["year"].tolist() == [2016]
    with pytest.raises(commands.LockedError, match="重庆市 · 研究与试验发展经费投入强度 · 2016年"):
        commands.commit_actuals(store, CLERK, one(2016, 1.85), kind="entry")
    with pytest.raises(commands.LockedError):                          # reviewers and admins too
        commands.commit_actuals(store, ADMIN, one(2016, 1.85), kind="entry")
    commands.commit_actuals(store, CLERK, one(2017, 1.90), kind="entry")   # another year is open
    with pytest.raises(ValueError, match="解锁原因"):
        commands.unlock_year(store, CHECKER, PLAN, 2016, reason="")
    with pytest.raises(PermissionDenied):
        commands.unlock_year(store, CLERK, PLAN, 2016, reason="更正")
    commands.unlock_year(store, CHECKER, PLAN, 2016, reason="统计局修订年报")
    assert store.locked_years(PLAN).empty
    commands.commit_actuals(store, CLERK, one(2016, 1.85), kind="entry")
    actions = store.audit_log()["action"].tolist()
    assert {"approve", "lock", "unlock"} <= set(actions)
    assert "统计局修订年报" in store.audit_log(action="unlock").iloc[0]["detail"]
    assert store.lock_history(PLAN)["action"].tolist() == ["unlock", "lock"]


def test_a_locked_year_refuses_a_revert_of_its_values(reviewing):
    store = reviewing
    batch = commands.commit_actuals(store, ADMIN, one(2016, 1.80), kind="entry")
    commands.lock_year(store, CHECKER, PLAN, 2016)
    with pytest.raises(ValueError, match="已锁定"):
        commands.lock_year(store, CHECKER, PLAN, 2016)
    with pytest.raises(commands.LockedError):
        commands.revert_batch(store, ADMIN, batch, reason="错")


def test_viewers_may_not_review_or_lock(reviewing):
    store = reviewing
    commands.commit_actuals(store, CLERK, one(2016, 1.80), kind="entry")
    for call in (lambda u: commands.approve_values(store, u, pending_ids(store)),
                 lambda u: commands.lock_year(store, u, PLAN, 2016),
                 lambda u: commands.approve_plan_year(store, u, PLAN, 2016)):
        for user in (None, VIEWER, CLERK):
            with pytest.raises(PermissionDenied):
                call(user)


def test_a_version_7_file_keeps_its_values_counting(tmp_path, monkeypatch, built):
    path = tmp_path / "v7.duckdb"
    with monkeypatch.context() as m:                    # the program before approval: migrations 1 to 7
        m.setattr(migrations, "MIGRATIONS", migrations.MIGRATIONS[:7])
        old = Store.open(path)
        old.replace_seed_data(built.tables, built.seed_actuals, built.meta)
        now = datetime(2019, 3, 1, 9, 0)
        with old.transaction() as cur:
            cur.execute("INSERT INTO batches (batch_id, kind, status, created_by, created_at, row_count) "
                        "VALUES ('entry-old', 'entry', 'committed', 'zhang', ?, 1)", [now])
            cur.execute("INSERT INTO actuals (region, indicator, year, value, batch_id, entered_by, entered_at) "
                        "VALUES (?, ?, 2017, 1.88, 'entry-old', 'zhang', ?)", [*RD, now])
        old.close()
    store = Store.open(path)
    try:
        assert store.applied_migrations == [8]
        assert counted(store, 2017) == 1.88                    # approved by the migration
        history = store.value_history(*RD, 2017).iloc[0]
        assert (history["review_status"], history["reviewed_by"]) == ("approved", "migration")
        seed = store.query_df("SELECT DISTINCT review_status FROM actuals WHERE batch_id = 'seed'")
        assert seed["review_status"].tolist() == ["approved"]   # stated values are approved by nature
        assert store.pending_count() == 0 and store.locked_years().empty
    finally:
        store.close()


# -- the command line ---------------------------------------------------------------------------------------------
def run(*args) -> tuple[int, str, str]:
    from tracker.cli import main

    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(list(args))
    return code, out.getvalue(), err.getvalue()


def test_cli_status_states_its_values_and_approve_locks(tmp_path, monkeypatch):
    def setup(store):
        add_people(store)
        commands.add_account(store, SYSTEM, CHECKER.username, role="reviewer", password=PASSWORD)
        commands.commit_actuals(store, CLERK, one(2018, 3900, indicator="高新技术企业"), kind="entry")

    db = seeded_file(tmp_path / "tracker.duckdb", setup=setup)
    row = "cq13-table2-04"        # 高新技术企业: 3,000 by 2020

    def latest(*extra) -> tuple[float, str]:
        code, out, err = run("status", "--db", str(db), "--plan", PLAN, "--as-of", "2018", *extra)
        assert code == 0
        table = pd.read_csv(io.StringIO(out)).set_index("target_id")
        return table.loc[row, "latest_value"], err

    value, err = latest()
    assert value != 3900 and "仅已审核" in err and "待审核 1 个" in err
    value, err = latest("--pending", "include")
    assert value == 3900 and "含待审核" in err
    code, out, _ = run("status", "--db", str(db), "--plan", PLAN, "--format", "table", "--lang", "en")
    assert out.startswith("Actual values: approved only")

    monkeypatch.setenv("TRACKER_PASSWORD", PASSWORD)
    code, _, err = run("approve", "--db", str(db), "--plan", PLAN, "--year", "2018", "--user", CLERK.username)
    assert code == 5 and "审核" in err                        # an editor may not approve
    code, out, err = run("approve", "--db", str(db), "--plan", PLAN, "--year", "2018", "--user", CHECKER.username)
    assert code == 0, err
    assert "审核通过 1 个" in out
    value, err = latest()
    assert value == 3900 and "待审核" not in err.replace("仅已审核", "")
    store = Store.open(db)
    try:
        assert store.locked_years(PLAN)["year"].tolist() == [2018]
        assert store.audit_log(action="lock").iloc[0]["actor"] == CHECKER.username
    finally:
        store.close()


# -- the pages ----------------------------------------------------------------------------------------------------
def page(path: str, user: User | None) -> AppTest:
    at = AppTest.from_file(str(PROJECT_ROOT / path), default_timeout=60)
    if user is not None:
        now = datetime.now()
        at.session_state["auth"] = {"user": user, "signed_in_at": now, "last_seen_at": now}
    return at


@pytest.fixture
def page_db(tmp_path, built, monkeypatch):
    path = tmp_path / "tracker.duckdb"
    s = Store.open(path)
    s.replace_seed_data(built.tables, built.seed_actuals, built.meta)
    add_people(s)
    commands.add_account(s, SYSTEM, CHECKER.username, role="reviewer", password=PASSWORD)
    monkeypatch.setenv("TRACKER_DB", str(path))
    import streamlit as st

    st.cache_resource.clear()
    st.cache_data.clear()
    yield s
    st.cache_resource.clear()
    s.close()


def test_a_reviewer_approves_and_returns_on_the_review_page(page_db):
    store = page_db
    commands.commit_actuals(store, CLERK, one(2016, 1.80), kind="entry")
    commands.commit_actuals(store, CLERK, one(2017, 1.95), kind="entry")
    review = page("screens/review.py", CHECKER).run()
    assert not review.exception, review.exception
    assert "1.8" in review.dataframe[0].value.to_csv() or len(review.get("arrow_data_frame")) >= 1
    review.checkbox(key="review_all").check().run()
    review.text_input(key="review_reason").input("口径不对,请按年报数重报").run()
    review.button(key="review_return").click().run()
    assert not review.exception, review.exception
    assert "已退回 2 个" in review.success[0].value
    assert store.pending_count() == 0 and counted(store, 2016) is None
    commands.commit_actuals(store, CLERK, one(2016, 1.72), kind="entry")
    review.run()
    review.checkbox(key="review_all").check().run()
    review.button(key="review_approve").click().run()
    assert "已审核通过 1 个" in review.success[0].value
    assert counted(store, 2016) == 1.72
    # a plan's year approved and locked at once, then unlocked with a reason
    commands.commit_actuals(store, CLERK, one(2018, 2.01), kind="entry")
    review.run()
    review.selectbox(key="review_year_plan").set_value(PLAN).run()
    review.selectbox(key=f"review_year_{PLAN}").set_value(2018).run()
    review.button(key="review_year_approve").click().run()
    assert "已通过 1 个数值并锁定" in review.success[0].value
    assert store.locked_years(PLAN)["year"].tolist() == [2018]
    review.text_input(key="review_unlock_reason").input("统计局修订了2018年数据").run()
    review.button(key="review_unlock").click().run()
    assert store.locked_years(PLAN).empty
    assert store.audit_log(action="unlock").iloc[0]["actor"] == CHECKER.username


@pytest.mark.usefixtures("page_db")
def test_an_editor_cannot_open_the_review_page():
    review = page("screens/review.py", CLERK).run()
    assert not review.exception and not review.button
    assert "审核" in review.warning[0].value                       # names the role it needs


def test_officials_see_approved_values_and_a_switch_shows_the_pending_ones(page_db):
    store = page_db
    commands.commit_actuals(store, CLERK, one(2016, 1.80), kind="entry")
    evaluation = page("screens/evaluation.py", VIEWER)
    evaluation.query_params["plan"] = PLAN
    evaluation.run()
    assert not evaluation.exception, evaluation.exception
    assert "另有 1 个待审核数值未计入" in " ".join(c.value for c in evaluation.caption)
    assert not evaluation.warning
    evaluation.session_state["include_pending"] = True
    evaluation.run()
    assert "计入了待审核数值(1 个)" in evaluation.warning[0].value


def test_an_upload_into_a_locked_year_names_the_cell_and_writes_nothing(reviewing):
    from tracker.actuals.validate import Reference, empty_raw, validate

    store = reviewing
    commands.commit_actuals(store, CLERK, one(2016, 1.80), kind="entry")
    commands.approve_plan_year(store, CHECKER, PLAN, 2016)
    raw = empty_raw()
    raw = pd.concat([raw, pd.DataFrame([
        {"sheet": "Sheet1", "value_row": 3, "value_col": "D", "region": RD[0], "indicator": RD[1], "year": "2016",
         "value": "1.85", "withdraw": False},
        {"sheet": "Sheet1", "value_row": 4, "value_col": "D", "region": RD[0], "indicator": RD[1], "year": "2016",
         "value": "1.80", "withdraw": False},
        {"sheet": "Sheet1", "value_row": 5, "value_col": "D", "region": RD[0], "indicator": RD[1], "year": "2017",
         "value": "1.90", "withdraw": False}])], ignore_index=True)
    checked = validate(raw.iloc[[0, 2]], Reference.from_store(store))
    errors = checked.problems[checked.problems["level"] == "error"]
    assert errors[["row", "column", "code"]].values.tolist() == [[3, "D", "year_locked"]]   # 2017 is open
    unchanged = validate(raw.iloc[[1]], Reference.from_store(store))
    assert unchanged.problems.empty                           # the same value again is not a change
    with pytest.raises(ValueError, match="未写入"):
        commands.commit_validation(store, CLERK, checked, kind="upload")
    with pytest.raises(commands.LockedError, match="已审核锁定"):       # locked after the check: refused too
        commands.commit_actuals(store, CLERK, one(2016, 1.85), kind="entry")
    assert counted(store, 2016) == 1.80
