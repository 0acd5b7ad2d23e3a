"""Targets decomposed over units below their region: X区's four industry bases are regions of their own, each base
target is judged on its base's values, and the district's values are checked against the sum of its bases'."""

from __future__ import annotations

import io

import openpyxl
import pytest
from conftest import add_entered_actuals

from tracker.actuals.upload import check_upload
from tracker.views import breakdown
from tracker.views.read_model import Snapshot
from tracker.views.service import verdicts

PLAN = "xq_collab_2022"
TEAMS = "组建产学研用合作团队"
BASES = ["X区汽车产业基地", "X区医药健康产业基地", "X区信息安全产业基地", "X区农业优势特色产业基地"]


def parents(store) -> dict:
    return breakdown.region_parents(store.regions())


def checks(store, as_of=None):
    snap = Snapshot.read(store)
    return breakdown.sum_checks(snap.plan_targets(PLAN), snap.actuals, parents(store), as_of)


def test_the_bases_are_units_below_the_district_and_hold_their_targets(store):
    assert all(parents(store)[base] == "X区" for base in BASES)
    targets = store.targets(PLAN)
    assert (targets["region"].isin(BASES)).sum() == 15
    pairs = breakdown.decompositions(targets, parents(store))
    sizes = pairs.groupby("parent_target_id").size().to_dict()
    assert sizes == {"xq-teams-2022": 4, "xq-projects-2022": 4, "xq-platforms-national-2022": 3,
                     "xq-platforms-municipal-2022": 4}
    # national + municipal platforms split an indicator, not a region: no sum of units to check
    assert "xq-platforms-2022" not in sizes


def test_a_base_target_is_judged_on_its_own_base(store):
    """Tried before: 32 teams district-wide showed all four bases 已达标, agriculture at 320 %."""
    add_entered_actuals(store, rows=[("X区", TEAMS, 2022, 32, "年报"), (BASES[0], TEAMS, 2022, 31, "年报")])
    table = verdicts(Snapshot.read(store), plan_id=PLAN, as_of=2022).set_index("target_id")
    assert table.loc["xq-teams-auto-2022", "schedule_status"] in {"completed", "achieved"}     # 31 ≥ 30
    for base in ("pharma", "infosec", "agri"):
        assert table.loc[f"xq-teams-{base}-2022", "schedule_status"] not in {"completed", "achieved"}
    assert table.loc["xq-teams-2022", "schedule_status"] not in {"completed", "achieved"}       # 32 < 100


def test_the_district_is_checked_against_the_sum_of_its_bases(store):
    add_entered_actuals(store, rows=[(BASES[0], TEAMS, 2022, 31, "年报"), (BASES[1], TEAMS, 2022, 30, "年报"),
                                     (BASES[2], TEAMS, 2022, 30, "年报"), ("X区", TEAMS, 2022, 101, "年报")])
    row = checks(store).set_index("parent_target_id").loc["xq-teams-2022"]
    assert (row["status"], row["reported"], row["children"]) == ("incomplete", 3, 4)
    assert row["missing_units"] == (BASES[3],) and row["children_sum"] == 91
    add_entered_actuals(store, rows=[(BASES[3], TEAMS, 2022, 10, "年报")], batch_id="agri")
    row = checks(store).set_index("parent_target_id").loc["xq-teams-2022"]
    assert (row["status"], row["children_sum"], row["parent_value"]) == ("consistent", 101, 101)
    add_entered_actuals(store, rows=[("X区", TEAMS, 2022, 100, "年报")], batch_id="fix")
    row = checks(store).set_index("parent_target_id").loc["xq-teams-2022"]
    assert (row["status"], row["children_sum"], row["parent_value"]) == ("mismatch", 101, 100)
    add_entered_actuals(store, rows=[(BASES[0], TEAMS, 2022, 30, "年报")], batch_id="fix-auto")
    assert checks(store).set_index("parent_target_id").loc["xq-teams-2022", "status"] == "consistent"


def test_a_missing_district_value_is_what_its_bases_add_up_to(store):
    add_entered_actuals(store, rows=[(base, TEAMS, 2022, 5, "年报") for base in BASES])
    row = checks(store).set_index("parent_target_id").loc["xq-teams-2022"]
    assert (row["status"], row["children_sum"]) == ("no_parent_value", 20)
    assert checks(store, as_of=2021).empty                       # nothing before the as-of year


def _sheet(rows) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["X区产学研协同创新完成情况(2022年)"])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_an_upload_with_a_base_column_writes_each_base_and_names_an_unknown_one(store):
    data = _sheet([["地区", "基地", "指标", "年份", "数值"],
                   ["X区", "汽车产业基地", TEAMS, 2022, 31],
                   ["X区", "医药基地", TEAMS, 2022, 30],
                   ["X区", "", TEAMS, 2022, 95],
                   ["X区", "汽车基础", TEAMS, 2022, 30]])
    check = check_upload(store, "基地.xlsx", data)
    problems = check.validation.problems
    assert problems[["row", "column", "cell", "code"]].values.tolist() == [[6, "B", "汽车基础", "unknown_region"]]
    ok = check_upload(store, "基地.xlsx", _sheet([["地区", "基地", "指标", "年份", "数值"],
                                                 ["X区", "汽车产业基地", TEAMS, 2022, 31],
                                                 ["X区", "医药基地", TEAMS, 2022, 30],
                                                 ["X区", "", TEAMS, 2022, 95]]))
    assert not ok.has_errors
    assert ok.validation.changes[["region", "value"]].values.tolist() == [
        [BASES[0], 31.0], [BASES[1], 30.0], ["X区", 95.0]]


def test_a_base_under_another_region_is_refused_at_the_region_cell_and_nothing_is_written(store):
    """A tired clerk copies the 地区 of the row above: 汽车产业基地 is X区's, not 重庆市's. The row would silently be
    X区's base value; it is refused at the 地区 cell, naming both, and the file writes nothing."""
    from tracker.i18n import render_problem

    data = _sheet([["地区", "基地", "指标", "年份", "数值"],
                   ["X区", "汽车产业基地", TEAMS, 2022, 31],
                   ["重庆市", "医药基地", TEAMS, 2022, 30],
                   ["X区", "X区", TEAMS, 2022, 95]])             # the district itself named as its own base
    check = check_upload(store, "基地.xlsx", data)
    problems = check.validation.problems
    assert problems[["row", "column", "cell", "code"]].values.tolist() == [[4, "A", "重庆市", "base_not_in_region"]]
    assert render_problem(problems.iloc[0]["code"], problems.iloc[0]["params"]) == ("本行基地「X区医药健康产业基地」属于X区,与本行地区「重庆市」不符:"
                                              "请核对地区或基地,改正前不写入")
    assert check.has_errors


@pytest.mark.usefixtures("page_db_with_bases")
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_overview_shows_the_sum_check(lang):
    from tests.test_approval import page

    at = page("screens/overview.py", None)
    at.query_params["plan"] = PLAN
    at.session_state["lang"] = lang
    at.run()
    assert not at.exception, at.exception
    missing = "未报单位" if lang == "zh" else "Not reported"
    sums = next(frame.value for frame in at.dataframe if missing in frame.value.columns)
    assert len(sums) == 1                        # teams, 2022: the district and one base reported
    assert sums[missing].iloc[0] == "、".join(BASES[1:])


@pytest.fixture
def page_db_with_bases(tmp_path, built, monkeypatch):
    import streamlit as st

    from tracker.db.store import Store

    path = tmp_path / "tracker.duckdb"
    s = Store.open(path)
    s.replace_seed_data(built.tables, built.seed_actuals, built.meta)
    add_entered_actuals(s, rows=[(BASES[0], TEAMS, 2022, 31, "年报"), ("X区", TEAMS, 2022, 80, "年报")])
    s.close()
    monkeypatch.setenv("TRACKER_DB", str(path))
    st.cache_resource.clear()
    st.cache_data.clear()
    yield path
    st.cache_resource.clear()


def test_a_workbook_with_one_sheet_per_base_reads_every_sheet_as_its_base(store):
    book = openpyxl.Workbook()
    book.active.title = "汽车产业基地"
    for name, value in (("汽车产业基地", 31), ("医药基地", 30), ("信息安全产业基地", 29)):
        sheet = book[name] if name in book.sheetnames else book.create_sheet(name)
        sheet.append(["指标", "年份", "数值"])
        sheet.append([TEAMS, 2022, value])
    buffer = io.BytesIO()
    book.save(buffer)
    check = check_upload(store, "各基地.xlsx", buffer.getvalue())
    assert not check.has_errors, check.validation.problems
    assert check.validation.changes[["region", "value"]].values.tolist() == [
        [BASES[0], 31.0], [BASES[1], 30.0], [BASES[2], 29.0]]
    assert "sheets_per_unit" in set(check.read.problems["code"])
    # sheets not named after units: one is read, as ever, and the file says so
    book["医药基地"].title = "Sheet2"
    buffer = io.BytesIO()
    book.save(buffer)
    one = check_upload(store, "各基地.xlsx", buffer.getvalue(), default_region="X区")
    assert "several_sheets" in set(one.read.problems["code"]) and len(one.validation.changes) == 1
