"""Every page runs under AppTest against a database built from the seeds."""

import pytest
from streamlit.testing.v1 import AppTest

from tracker.config import PROJECT_ROOT

APP = str(PROJECT_ROOT / "app.py")
TIMEOUT = 60


@pytest.fixture
def app(seeded_db_path, monkeypatch) -> AppTest:
    monkeypatch.setenv("TRACKER_DB", str(seeded_db_path))
    # Each test gets its own cached connection to the file of this session.
    import streamlit as st

    st.cache_resource.clear()
    st.cache_data.clear()
    return AppTest.from_file(APP, default_timeout=TIMEOUT)




def test_catalogue_page_lists_the_default_plan(app):
    at = app.run()
    assert not at.exception
    assert at.title[0].value == "目标目录"
    table = at.dataframe[0].value
    assert len(table) == 73                                         # 重庆市科技创新“十三五”规划
    assert "研究与试验发展经费投入强度" in set(table["指标"])
    assert table["原文"].str.len().min() > 0
    assert at.query_params["plan"] == ["cq_sti_13fyp"] or at.query_params["plan"] == "cq_sti_13fyp"


def test_choosing_another_plan_changes_the_table(app):
    at = app.run()
    at.selectbox(key="catalogue_plan").set_value("weihai_2015").run()
    assert not at.exception
    table = at.dataframe[0].value
    assert len(table) == 11
    assert set(table["地区"]) == {"威海市"}
    assert any("力争 2.5" in text for text in table["目标"])


def test_traditional_plan_shows_simplified_names(app):
    at = app.run()
    at.selectbox(key="catalogue_plan").set_value("cq_work_2016").run()
    table = at.dataframe[0].value
    assert "国家级技术创新平台" in set(table["原文表述"])
    assert any("每年新認定3―5家" in q for q in table["原文"])     # the quote stays as the document wrote it


def test_kind_filter_and_search(app):
    at = app.run()
    at.multiselect(key="catalogue_kinds").set_value(["doubling"]).run()
    assert set(at.dataframe[0].value["类型"]) == {"翻番"}
    at.multiselect(key="catalogue_kinds").set_value([]).run()
    at.text_input(key="catalogue_search").input("技术合同").run()
    assert set(at.dataframe[0].value["指标"]) == {"技术合同成交额"}


def test_english_switch(app):
    at = app.run()
    at.radio(key="lang").set_value("en").run()
    assert not at.exception
    assert at.title[0].value == "Target catalogue"
    assert "Indicator" in at.dataframe[0].value.columns


def test_empty_database_says_what_to_do(tmp_path, monkeypatch):
    monkeypatch.setenv("TRACKER_DB", str(tmp_path / "empty.duckdb"))
    import streamlit as st

    st.cache_resource.clear()
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    assert not at.exception
    assert "python -m etl" in at.info[0].value
