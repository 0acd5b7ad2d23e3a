"""Writing actual values: one batch per commit, revisions kept, revert, history, and all-or-nothing commits."""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import CLERK, REVIEWER, VIEWER

from tracker import commands
from tracker.actuals.validate import Reference, entry_grid, entry_rows, validate
from tracker.db.store import Store
from tracker.i18n import render_problem

TABLES = ("batches", "actuals", "meta", "plans", "regions", "region_aliases", "indicators", "indicator_aliases",
          "targets", "target_quotes", "plan_structure", "checks", "etl_notes", "target_status")


def message(row) -> str:
    """A problem row's message in Chinese, as the pages and the command line show it."""
    return render_problem(row["code"] if "code" in row.index else row.name, row["params"])


def snapshot(store: Store) -> dict[str, pd.DataFrame]:
    """Every table's full contents, in a stable order, to prove that nothing changed."""
    out = {}
    for table in TABLES:
        frame = store.query_df(f"SELECT * FROM {table}")  # noqa: S608 - fixed table names
        out[table] = frame.sort_values(list(frame.columns)).reset_index(drop=True) if not frame.empty else frame
    return out


def assert_same(before: dict, after: dict) -> None:
    for table in TABLES:
        pd.testing.assert_frame_equal(before[table], after[table], obj=table)


def rows(*values) -> pd.DataFrame:
    """(region, indicator, year, value[, vintage, reason]) tuples as commit rows."""
    records = []
    for v in values:
        region, indicator, year, value, *rest = v
        records.append({"region": region, "indicator": indicator, "year": year, "value": value,
                        "unit": None, "vintage": rest[0] if rest else None, "reason": rest[1] if len(rest) > 1 else None})
    return pd.DataFrame(records)


def current(store, region, indicator, year):
    cur = store.current_values()
    hit = cur[(cur["region"] == region) & (cur["indicator"] == indicator) & (cur["year"] == year)]
    return None if hit.empty else hit.iloc[0]["value"]


RD = ("重庆市", "研究与试验发展经费投入强度")


def test_commit_writes_one_batch_with_a_revision_per_value(store):
    batch = commands.commit_actuals(store, CLERK, rows((*RD, 2016, 1.72, "快报"), ("重庆市", "高新技术企业", 2016, 1435)), kind="entry", note="统计公报")
    b = store.batch(batch)
    assert (b["kind"], b["status"], b["created_by"], b["row_count"], b["note"]) == \
        ("entry", "committed", "张三", 2, "统计公报")
    assert current(store, *RD, 2016) == 1.72
    history = store.value_history(*RD, 2016)
    assert history.iloc[0][["vintage", "entered_by", "batch_id"]].tolist() == ["快报", "张三", batch]


def test_a_correction_adds_a_revision_and_keeps_the_old_one(store):
    first = commands.commit_actuals(store, CLERK, rows((*RD, 2016, 1.72, "快报")), kind="entry")
    second = commands.commit_actuals(store, REVIEWER, rows((*RD, 2016, 1.73, "年报", "统计局年报修订")), kind="upload",
                                  file_name="年报.xlsx", file_sha256="abc")
    history = store.value_history(*RD, 2016)
    assert history["value"].tolist() == [1.73, 1.72]
    assert history["is_latest"].tolist() == [True, False]         # the newest counts (once approved)
    assert history["is_current"].tolist() == [False, False]       # an editor's values wait for review
    assert history.iloc[0]["reason"] == "统计局年报修订"
    assert current(store, *RD, 2016) == 1.73
    listing = store.batches().set_index("batch_id")
    assert listing.loc[first, "new_values"] == 1 and listing.loc[second, "revised_values"] == 1
    assert listing.loc[second, "file_name"] == "年报.xlsx"
    assert store.find_batch_by_sha256("abc")["batch_id"].tolist() == [second]


def test_revert_restores_the_previous_values_and_is_recorded(store):
    seed_2015 = current(store, *RD, 2015)                       # 1.57, stated by the 十三五 plan
    first = commands.commit_actuals(store, CLERK, rows((*RD, 2015, 1.60), (*RD, 2016, 1.72)), kind="entry")
    second = commands.commit_actuals(store, REVIEWER, rows((*RD, 2016, 1.80)), kind="entry")
    revert = commands.revert_batch(store, REVIEWER, second, reason="录入错误")
    assert current(store, *RD, 2016) == 1.72                    # back to the first batch's value
    revert_first = commands.revert_batch(store, REVIEWER, first, reason="整批作废")
    assert current(store, *RD, 2016) is None                    # nothing entered is left for 2016
    assert current(store, *RD, 2015) == seed_2015               # the seed value counts again
    listing = store.batches().set_index("batch_id")
    assert listing.loc[second, "status"] == "reverted" and listing.loc[second, "reverted_by"] == revert
    assert listing.loc[revert, "kind"] == "revert" and listing.loc[revert, "reverts_batch_id"] == second
    assert listing.loc[revert, "note"] == "录入错误" and listing.loc[revert, "created_by"] == "王五"
    assert listing.loc[revert_first, "reverts_batch_id"] == first
    # Nothing is deleted: every revision is still in the history.
    assert store.value_history(*RD, 2016)["value"].tolist() == [1.80, 1.72]


@pytest.mark.parametrize("target, message", [("seed", "seed"), ("missing", "不存在")])
def test_revert_refuses_the_seed_batch_and_unknown_batches(store, target, message):
    with pytest.raises(ValueError, match=message):
        commands.revert_batch(store, REVIEWER, target, reason="x")


def test_revert_refuses_twice_and_refuses_a_revert(store):
    batch = commands.commit_actuals(store, CLERK, rows((*RD, 2016, 1.72)), kind="entry")
    revert = commands.revert_batch(store, REVIEWER, batch, reason="错")
    before = snapshot(store)
    with pytest.raises(ValueError, match="已经撤销"):
        commands.revert_batch(store, REVIEWER, batch, reason="错")
    with pytest.raises(ValueError, match="撤销记录"):
        commands.revert_batch(store, REVIEWER, revert, reason="错")
    assert_same(before, snapshot(store))


@pytest.mark.parametrize("kwargs, error, message", [
    ({"user": None}, PermissionError, "需要登录"),          # nobody signed in
    ({"user": VIEWER}, PermissionError, "无权执行"),        # a viewer, by whatever path it calls
    ({"kind": "seed"}, ValueError, "kind"),
    ({"rows": pd.DataFrame()}, ValueError, "没有"),
])
def test_commit_refuses_bad_calls(store, kwargs, error, message):
    args = {"rows": rows((*RD, 2016, 1.72)), "user": CLERK, "kind": "entry"} | kwargs
    before = snapshot(store)
    with pytest.raises(error, match=message):
        commands.commit_actuals(store, args.pop("user"), args.pop("rows"), **args)
    assert_same(before, snapshot(store))


def test_a_failure_mid_commit_leaves_every_table_as_it_was(store):
    before = snapshot(store)

    def crash(cur):  # noqa: ARG001 - the hook's signature
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        commands.commit_actuals(store, CLERK, rows((*RD, 2016, 1.72), (*RD, 2017, 1.88)), kind="upload",
                             file_name="a.xlsx", file_sha256="f00", before_commit=crash)
    assert_same(before, snapshot(store))


def test_withdrawing_a_value_hides_it_and_reverting_brings_it_back(store):
    commands.commit_actuals(store, CLERK, rows((*RD, 2016, 1.72)), kind="entry")
    withdraw = commands.commit_actuals(store, CLERK, rows((*RD, 2016, None)), kind="entry")
    assert current(store, *RD, 2016) is None
    assert store.batches().set_index("batch_id").loc[withdraw, "withdrawn_values"] == 1
    commands.revert_batch(store, CLERK, withdraw, reason="误删")
    assert current(store, *RD, 2016) == 1.72


def test_batch_revisions_show_old_and_new(store):
    commands.commit_actuals(store, CLERK, rows((*RD, 2015, 1.60)), kind="entry")
    batch = commands.commit_actuals(store, CLERK, rows((*RD, 2015, 1.62)), kind="entry")
    revisions = store.batch_revisions(batch)
    assert revisions[["previous_value", "value", "is_latest"]].values.tolist() == [[1.60, 1.62, True]]
    assert revisions["review_status"].tolist() == ["pending"]


def test_batch_revisions_flag_what_counts_as_the_history_view_does(store):
    """batch_revisions computes is_current / is_latest over the batch's series only: the same flags as
    actuals_history, over approved, pending, returned, reverted and stated revisions."""
    from conftest import add_entered_actuals

    from tracker.access.auth import SYSTEM

    add_entered_actuals(store)
    pending = commands.commit_actuals(store, CLERK, rows((*RD, 2016, 1.75), (*RD, 2017, 1.90)), kind="entry")
    returned = commands.commit_actuals(store, CLERK, rows((*RD, 2017, 1.95)), kind="entry")
    commands.return_values(store, SYSTEM, store.pending_revisions(returned)["actual_id"].tolist(), reason="口径不符")
    reverted = commands.commit_actuals(store, CLERK, rows((*RD, 2015, 1.58)), kind="entry")
    commands.revert_batch(store, CLERK, reverted, reason="录错")
    view = store.actuals_history().set_index("actual_id")[["is_current", "is_latest"]]
    for batch in store.batches()["batch_id"]:
        flags = store.batch_revisions(batch).set_index("actual_id")[["is_current", "is_latest"]]
        assert flags.astype(bool).equals(view.loc[flags.index].astype(bool)), batch
    assert store.batch_revisions(pending)["is_latest"].all()


# -- validation of entered rows ---------------------------------------------------------------------------------
def test_entry_grid_edits_become_one_batch_with_withdrawals(store):
    ref = Reference.from_store(store)
    targets = store.targets("cq_sti_13fyp")
    grid = entry_grid(ref, targets, "重庆市", 2015)
    assert {"研究与试验发展经费投入强度", "技术合同成交额"} <= set(grid["indicator"])
    assert "科技服务云平台建设" not in set(grid["indicator"])   # qualitative: no numbers
    edited = grid.copy()
    i_rd = grid.index[grid["indicator"] == "研究与试验发展经费投入强度"][0]
    i_tc = grid.index[grid["indicator"] == "技术合同成交额"][0]
    assert grid.loc[i_rd, "value"] == "1.57"
    edited.loc[i_rd, "value"] = "1.61"
    edited.loc[i_rd, "vintage"] = "年报"
    edited.loc[i_tc, "value"] = ""                              # cleared: withdraw 241.5
    raw = entry_rows(grid, edited, "重庆市", 2015, default_source="统计公报")
    refused = validate(raw, ref)              # both values are stated in the plan text: a confirmation is needed
    assert refused.problems["code"].tolist() == ["replaces_stated"] * 2
    validation = validate(raw, ref, confirm_stated=True)
    assert not validation.has_errors
    changes = validation.changes.set_index("indicator")
    assert changes.loc["研究与试验发展经费投入强度", ["change", "old_value", "value", "source"]].tolist() == \
        ["changed", 1.57, 1.61, "统计公报"]
    assert changes.loc["技术合同成交额", "change"] == "withdrawn"
    batch = commands.commit_validation(store, CLERK, validation, kind="entry")
    assert current(store, *RD, 2015) == 1.61
    assert current(store, "重庆市", "技术合同成交额", 2015) is None
    assert store.batch(batch)["row_count"] == 2


def test_entry_refuses_text_percent_over_100_and_negative_counts(store):
    ref = Reference.from_store(store)
    grid = entry_grid(ref, store.targets("cq_sti_13fyp"), "重庆市", 2016)
    edited = grid.copy()
    pick = {name: grid.index[grid["indicator"] == name][0]
            for name in ("研究与试验发展经费投入强度", "高新技术企业", "技术合同成交额")}
    edited.loc[pick["研究与试验发展经费投入强度"], "value"] = "120"
    edited.loc[pick["高新技术企业"], "value"] = "-5"
    edited.loc[pick["技术合同成交额"], "value"] = "很多"
    validation = validate(entry_rows(grid, edited, "重庆市", 2016), ref)
    codes = set(validation.problems["code"])
    assert {"percent_over_100", "negative", "not_a_number"} <= codes
    assert set(validation.problems["level"]) == {"error"}
    before = snapshot(store)
    with pytest.raises(ValueError):
        commands.commit_validation(store, CLERK, validation, kind="entry")
    assert_same(before, snapshot(store))


def test_a_jump_from_last_year_is_a_warning_not_an_error(store):
    ref = Reference.from_store(store)
    grid = entry_grid(ref, store.targets("cq_sti_13fyp"), "重庆市", 2016)
    edited = grid.copy()
    i = grid.index[grid["indicator"] == "技术合同成交额"][0]
    edited.loc[i, "value"] = "2415"                             # 2015: 241.5 亿元 — a slipped decimal point
    validation = validate(entry_rows(grid, edited, "重庆市", 2016), ref)
    assert not validation.has_errors
    jump = validation.problems[validation.problems["code"] == "jump"]
    assert len(jump) == 1 and "241.5" in message(jump.iloc[0]) and jump.iloc[0]["level"] == "warning"
