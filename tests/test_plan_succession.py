"""Plans that follow each other (十三五 → 十四五): one series of values, each plan's target beside it, each plan
judged on its own target — on the indicator page, its chart and the comparison."""

from __future__ import annotations

import pytest
from conftest import CLERK, add_entered_actuals, seeded_file
from test_app import _app, chart, open_page, values

from tracker import commands
from tracker.db.store import Store
from tracker.intake import propose_targets, read_pasted, review
from tracker.views import service, tables
from tracker.views.read_model import Snapshot
from tracker.views.story import read_story

NEXT_TEXT = ("重庆市科技创新“十四五”规划\n一、主要目标\n到2025年,全社会研究与试验发展经费投入强度达到2.8%以上。"
             "2020年,全市研究与试验发展经费投入强度2.11%。\n")
NEXT_META = review.PlanMeta(title="重庆市科技创新“十四五”规划", short_name="重庆十四五", region="重庆市",
                            start_year=2021, target_year=2025, base_year=2020)
RD_13FYP = "cq13-table2-02"


def add_next_plan(store: Store) -> str:
    """The 十四五 plan after the seed 十三五 plan, through the 新增规划 review, every proposal accepted."""
    names = review.Names.from_store(store)
    found = propose_targets(NEXT_TEXT, plan_start=2021, plan_end=2025, indicators=names.for_extraction())
    table = review.review_table(found, names, "重庆市")
    table["accept"] = True
    return commands.create_plan(store, CLERK, NEXT_META, table, read_pasted(NEXT_TEXT)).plan_id


@pytest.fixture
def succession(fresh_store) -> tuple[Store, str]:
    add_entered_actuals(fresh_store)
    return fresh_store, add_next_plan(fresh_store)


def next_rd_target(snap: Snapshot, plan_id: str) -> str:
    targets = snap.plan_targets(plan_id)
    return targets.loc[targets["indicator_id"] == "rd_intensity", "target_id"].iloc[0]


def test_each_plan_shows_the_other_plans_target_on_the_same_series(succession):
    store, plan_id = succession
    snap = Snapshot.read(store)
    earlier = read_story(store, snap, RD_13FYP, as_of=2021)
    assert earlier.other_plans[["plan_id", "target_year", "value"]].values.tolist() == [[plan_id, 2025, 2.8]]
    later = read_story(store, snap, next_rd_target(snap, plan_id), as_of=2021)
    assert later.other_plans["plan_id"].tolist() == ["cq_sti_13fyp"]
    assert later.other_plans["value"].tolist() == [2.5]
    # One series: both stories draw the same values, each judged on its own target.
    assert earlier.actuals["value"].tolist() == later.actuals["value"].tolist()
    assert earlier.verdict["final"] and not later.verdict["final"]
    assert later.other_plans["schedule_label"].iloc[0] == earlier.verdict["schedule_label"]
    table = tables.every_plan_table(later, snap.plan(plan_id), "zh")
    assert table["规划"].tolist() == ["重庆市科技创新“十三五”规划", "重庆十四五(本规划)"]
    assert table["规划期"].tolist() == ["2016–2020", "2021–2025"]


def test_a_retired_plan_is_no_longer_shown_beside_the_others(succession):
    store, plan_id = succession
    commands.retire_plan(store, CLERK, plan_id, reason="重复录入")
    snap = Snapshot.read(store)
    assert read_story(store, snap, RD_13FYP).other_plans.empty


def test_plans_without_a_shared_indicator_show_no_other_plans(store):
    snap = Snapshot.read(store)
    weihai = snap.targets.loc[snap.targets["region"] == "威海市", "target_id"].iloc[0]
    assert read_story(store, snap, weihai).other_plans.empty


def test_the_comparison_draws_a_region_once_with_every_plans_target(succession):
    store, plan_id = succession
    series, ranking = service.comparison(Snapshot.read(store), "rd_intensity")
    chongqing = series[series["series"] == "重庆市"]
    goals = chongqing.dropna(subset=["target"])
    assert goals[["year", "target", "plan_name"]].values.tolist() == [
        [2020, 2.5, "重庆市科技创新“十三五”规划"], [2025, 2.8, "重庆十四五"]]
    assert chongqing["year"][chongqing["actual"].notna()].is_unique      # the values once, not once per plan
    # The ranking still has a row per target.
    assert (ranking["region"] == "重庆市").sum() == 2
    assert set(ranking.loc[ranking["region"] == "重庆市", "plan_id"]) == {"cq_sti_13fyp", plan_id}


def test_the_indicator_page_and_comparison_show_both_plans(tmp_path, monkeypatch):
    def setup(store):
        from conftest import add_people

        add_people(store)
        add_entered_actuals(store)
        add_next_plan(store)

    path = seeded_file(tmp_path / "tracker.duckdb", setup=setup)
    at = open_page(_app(path, monkeypatch), "indicator", target=RD_13FYP)
    assert not at.exception
    other = next(tr for tr in chart(at)["data"] if tr.get("name") == "其他规划的目标")
    assert values(other["x"]) == [2025] and values(other["y"]) == [2.8]
    shown = next(df.value for df in at.dataframe if "规划期" in df.value.columns)
    assert shown["规划"].tolist() == ["重庆市科技创新“十三五”规划(本规划)", "重庆十四五"]
    at = open_page(_app(path, monkeypatch), "compare")
    assert not at.exception
    names = [tr["name"] for tr in chart(at)["data"]]
    assert names.count("重庆市") == 1 and "重庆市 · 目标" in names


def test_the_seed_work_plan_within_the_five_year_plan_is_shown_beside_it(store):
    """Chongqing's 2016–2017 work plan targets 100 incubators by 2017 inside the 十三五 plan's 100 by 2020."""
    snap = Snapshot.read(store)
    story = read_story(store, snap, "cq13-incubators-2020")
    assert story.other_plans[["target_id", "target_year", "value"]].values.tolist() == [
        ["cqw-incubators-2017", 2017, 100.0]]
    assert read_story(store, snap, "cqw-incubators-2017").other_plans["target_id"].tolist() == [
        "cq13-incubators-2020"]
