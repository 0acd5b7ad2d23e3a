"""A plan that has ended, read as a planning office would sign it: 终期评估 on the target year's value.

The values are Chongqing's figures as a reviewer quoted them (R&D intensity 2015–2023; 高新技术企业 and 科技型企业
for the years given), entered the way a clerk would; 高新技术企业 has no 2020 value, so it awaits its figure.
"""

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import add_entered_actuals, seeded_file
from tests.test_app import APP, TIMEOUT, chart
from tracker.db.store import Store
from tracker.reports import evaluation as report
from tracker.views import service
from tracker.views.read_model import Snapshot

RD = "研究与试验发展经费投入强度"
PUBLISHED = (
    [("重庆市", RD, year, value, "年报") for year, value in
     {2016: 1.72, 2017: 1.88, 2018: 2.01, 2019: 1.99, 2020: 2.11, 2021: 2.16, 2022: 2.36, 2023: 2.48}.items()]
    + [("重庆市", "高新技术企业", year, value, "年报") for year, value in
       {2016: 1450, 2017: 2012, 2018: 2504, 2019: 3141}.items()]
    + [("重庆市", "科技型企业", year, value, "年报") for year, value in
       {2018: 11026, 2019: 16918, 2020: 36900}.items()]
)  # fmt: skip


@pytest.fixture(scope="module")
def ended_db(tmp_path_factory):
    return seeded_file(tmp_path_factory.mktemp("ended") / "tracker.duckdb",
                       setup=lambda store: add_entered_actuals(store, PUBLISHED, batch_id="published"))


@pytest.fixture(scope="module")
def verdicts(ended_db):
    store = Store.open(ended_db, read_only=True)
    try:
        return service.verdicts(Snapshot.read(store), plan_id="cq_sti_13fyp", as_of=2023)
    finally:
        store.close()


def row(verdicts, target_id):
    return verdicts.set_index("target_id").loc[target_id]


def test_every_2020_target_gets_a_final_status_and_no_trend_talk(verdicts):
    dated = verdicts[verdicts["target_year"] <= 2020]
    assert dated["final"].all()
    finals = {"completed", "completed_stretch", "not_completed", "pending_evaluation", "qualitative",
              "no_baseline", "no_target"}
    assert set(dated["schedule_status"]) <= finals
    assert set(dated.loc[dated["kind"] != "qualitative", "trend_status"]) == {"ended"}
    for column in ("projected_value", "required_growth", "schedule_ratio", "expected_value"):
        assert dated[column].isna().all(), column


def test_rd_intensity_is_judged_on_2020_with_both_completion_readings(verdicts):
    rd = row(verdicts, "cq13-table2-02")
    assert rd["schedule_status"] == "not_completed"
    assert rd["latest_year"] == 2020 and rd["latest_value"] == pytest.approx(2.11)
    assert rd["target_completion"] == pytest.approx(2.11 / 2.5)               # 84.4 %
    assert rd["increment_completion"] == pytest.approx((2.11 - 1.57) / (2.5 - 1.57))  # 58.1 %
    assert (rd["post_plan_year"], rd["post_plan_value"]) == (2023, pytest.approx(2.48))


def test_a_target_met_early_without_its_2020_value_awaits_it(verdicts):
    hte = verdicts[verdicts["indicator"] == "高新技术企业"].iloc[0]
    assert hte["schedule_status"] == "pending_evaluation"
    assert hte["latest_year"] == 2019 and "缺2020年数据" in hte["note"]
    assert pd.isna(hte["target_completion"])                             # no 2019 figure passed off as final


def test_no_baseline_is_taken_from_the_target_year(verdicts):
    tech = row(verdicts, "cq13-tech-enterprises-2020") if "cq13-tech-enterprises-2020" in set(
        verdicts["target_id"]) else verdicts[verdicts["subject"] == "科技型企业"].iloc[0]
    assert tech["baseline_year_used"] != 2020
    assert tech["schedule_status"] == "completed"                        # 36,900 ≥ 20,000 in 2020
    assert tech["target_completion"] == pytest.approx(36900 / 20000)


def test_the_evaluation_table_names_its_readings_and_shows_values_after_the_plan(verdicts):
    table = report.evaluation_table(verdicts)
    assert report.evaluation_title(verdicts) == "终期评估表"
    assert {"目标完成度", "增量完成度", "规划期后"} <= set(table.columns)
    rd = table[table["指标"] == RD].iloc[0]
    assert (rd["目标完成度"], rd["增量完成度"], rd["规划期后"]) == ("84.4%", "58.1%", "2.48%(2023)")
    assert "−0" not in table.to_string() and "-0.0%" not in table.to_string()


def test_overview_as_of_2023_cards_chart_and_table_agree(ended_db, monkeypatch):
    monkeypatch.setenv("TRACKER_DB", str(ended_db))
    import streamlit as st

    st.cache_resource.clear()
    st.cache_data.clear()
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params["as_of"] = "2023"
    at.run()
    assert not at.exception
    bars = chart(at, 0)["data"][0]
    cards = {m.label: int(m.value) for m in at.metric[1:]}
    assert cards == dict(zip(bars["y"], bars["x"], strict=True))
    table = at.dataframe[0].value
    assert table["序时评价"].value_counts().to_dict() == cards
    assert "严重滞后" not in cards and "未完成" in cards and "待评估" in cards
    assert set(table["趋势研判"].dropna()) <= {"规划期已结束", "无法判断"}


def test_a_baseline_stated_by_another_plan_is_named():
    """000's 200亿元 (2017) has no baseline of its own: 241.5 亿元 for 2015 is what the 十三五 plan states."""
    import tempfile
    from pathlib import Path

    path = seeded_file(Path(tempfile.mkdtemp()) / "tracker.duckdb")
    store = Store.open(path, read_only=True)
    try:
        table = service.verdicts(Snapshot.read(store), plan_id="cq_work_2016").set_index("target_id")
    finally:
        store.close()
    note = table.loc["cqw-tech-contracts-2017", "note"]
    assert "基期值取自其他规划的陈述" in note and "十三五" in note
