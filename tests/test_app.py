"""Every page runs under AppTest against a database built from the seeds (and one with entered actuals)."""

import base64
import json

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from tracker.config import PROJECT_ROOT

APP = str(PROJECT_ROOT / "app.py")
TIMEOUT = 60


def _app(path, monkeypatch) -> AppTest:
    monkeypatch.setenv("TRACKER_DB", str(path))
    import streamlit as st

    # The store is a cached resource per server process: a test that changes TRACKER_DB needs a new one.
    st.cache_resource.clear()
    st.cache_data.clear()
    return AppTest.from_file(APP, default_timeout=TIMEOUT)


@pytest.fixture
def app(seeded_db_path, monkeypatch) -> AppTest:
    return _app(seeded_db_path, monkeypatch)


@pytest.fixture
def app_with_data(progress_db_path, monkeypatch) -> AppTest:
    return _app(progress_db_path, monkeypatch)


def chart(at: AppTest, n: int = 0) -> dict:
    return json.loads(at.get("plotly_chart")[n].proto.spec)


def values(array) -> list:
    """A trace's x or y as a list: plotly 7 writes numeric arrays as {"dtype", "bdata"} (base64)."""
    if isinstance(array, dict) and "bdata" in array:
        return np.frombuffer(base64.b64decode(array["bdata"]), dtype=array["dtype"]).tolist()
    return list(array)


def open_page(at: AppTest, page: str, **params) -> AppTest:
    at.run()
    for key, value in params.items():
        at.query_params[key] = value
    return at.switch_page(f"screens/{page}.py").run()


# -- overview -----------------------------------------------------------------------------------------------------
def test_overview_is_the_default_page_with_an_empty_state(app):
    at = app.run()
    assert not at.exception
    assert at.title[0].value == "总览"
    assert at.metric[0].label == "目标总数" and at.metric[0].value == "76"
    # The cards count the categories the status chart draws, in the same order and with the same numbers.
    bars = chart(at, 0)["data"][0]
    assert [m.label for m in at.metric][1:] == list(bars["y"])
    assert [int(m.value) for m in at.metric][1:] == list(bars["x"])
    assert sum(bars["x"]) == 76
    assert "还没有实际值" in at.info[0].value                      # seeds state baselines only
    assert len(at.dataframe[0].value) == 76
    assert len(at.get("plotly_chart")) == 1                        # status chart; no heatmap without data


def test_overview_with_data_shows_heatmap_and_verdicts(app_with_data):
    at = app_with_data.run()
    assert not at.exception
    table = at.dataframe[0].value.set_index("指标")
    # As of the latest data (2021) the 2020 target has ended without a 2020 value: awaiting it, not 已达标.
    assert table.loc["高新技术企业", "序时评价"] == "待评估"
    at.selectbox(key="overview_as_of").set_value(2018).run()
    table = at.dataframe[0].value.set_index("指标")
    assert table.loc["高新技术企业", "序时评价"] == "已达标"        # 3,141 in 2018 ≥ 3,000
    heatmap = chart(at, 1)
    assert max(heatmap["data"][0]["x"]) == 2018                    # nothing after the as-of year
    assert heatmap["data"][0]["type"] == "heatmap"
    assert heatmap["layout"]["xaxis"]["dtick"] == 1


def download_labels(at: AppTest) -> list[str]:
    return [button.proto.label for button in at.get("download_button")]


def test_every_chart_page_offers_png_downloads(app_with_data):
    at = app_with_data.run()
    assert {"下载PNG", "下载总览图(PNG)"} <= set(download_labels(at))
    assert at.button(key="overview_zip_build").proto.label == "生成图片包(ZIP)"
    assert "下载PNG" in download_labels(open_page(app_with_data, "indicator", target="cq13-table2-02"))
    assert "下载评估表图片(PNG,共 6 页,ZIP)" in download_labels(open_page(app_with_data, "evaluation"))
    assert "下载PNG" in download_labels(open_page(app_with_data, "compare"))


def test_overview_as_of_changes_the_chart(app_with_data):
    at = app_with_data.run()
    before = values(chart(at, 0)["data"][0]["x"])
    at.selectbox(key="overview_as_of").set_value(2016).run()
    assert not at.exception
    assert values(chart(at, 0)["data"][0]["x"]) != before
    assert at.query_params["as_of"] in (["2016"], "2016")


def test_overview_plan_switch(app_with_data):
    at = app_with_data.run()
    at.selectbox(key="overview_plan").set_value("weihai_2015").run()
    assert at.metric[0].value == "11"


# -- indicator detail ---------------------------------------------------------------------------------------------
def test_indicator_page_draws_path_actuals_target_and_projection(app_with_data):
    at = open_page(app_with_data, "indicator", target="cq13-table2-02", as_of="2018")
    assert not at.exception
    spec = chart(at)
    names = [trace.get("name") for trace in spec["data"]]
    assert {"序时进度路径", "目标", "实际值(年报)", "实际值(快报)", "基期值", "趋势预测"} <= set(names)
    actual = next(tr for tr in spec["data"] if tr.get("name") == "实际值(年报)")
    assert {1.72, 1.88} <= set(values(actual["y"]))
    assert spec["layout"]["xaxis"]["dtick"] == 1
    assert "(%)" in spec["layout"]["yaxis"]["title"]["text"]
    text = " ".join(m.value for m in at.markdown)
    assert "完成序时进度的" in text
    assert "研究与试验发展经费投入强度" in text                      # the quote from 专栏2


def test_indicator_as_of_changes_the_data(app_with_data):
    at = open_page(app_with_data, "indicator", target="cq13-table2-02")
    at.selectbox(key="indicator_as_of").set_value(2016).run()
    actual = next(tr for tr in chart(at)["data"] if tr.get("name") == "实际值(年报)")
    assert values(actual["y"]) == [1.27, 1.57, 1.72]                # 2010, 2015 (专栏1) and 2016; not 2017


# -- comparison, evaluation, methodology, sources -----------------------------------------------------------------
def test_comparison_of_rd_intensity_across_three_regions(app_with_data):
    at = open_page(app_with_data, "compare")
    assert not at.exception
    ranking = at.dataframe[0].value
    assert {"重庆市", "威海市", "X区"} <= set(ranking["地区"])
    series = {trace["name"] for trace in chart(at)["data"]}
    assert any(name.startswith("威海市") for name in series)


def test_evaluation_table_and_excel(app_with_data):
    at = open_page(app_with_data, "evaluation")
    assert not at.exception
    table = at.dataframe[0].value
    assert list(table.columns) == ["序号", "地区", "指标", "分项", "属性", "基期值", "目标值", "当前值", "目标完成度",
                                   "增量完成度", "序时进度", "规划期后", "评价"]
    assert len(table) == 76
    # The title names the latest data year, not "最新" (escaped: a plan's title is shown as typed).
    assert at.subheader[0].value.replace("\\", "").endswith("终期评估表(2021年)")
    assert len(at.get("download_button")) >= 2                          # Excel and CSV (and the pictures)
    # The whole table is on the page once more as escaped HTML, for the browser's print.
    printed = next(m.value for m in at.markdown if "<table" in m.value)
    assert printed.count("<tr>") == 77


def test_methodology_shows_thresholds_in_force(app):
    at = open_page(app, "methodology")
    assert not at.exception
    values = at.dataframe[0].value.set_index("参数")["数值"]
    assert values["schedule_on_track"] == "0.95"


def test_sources_lists_the_default_plan_with_quotes(app):
    at = open_page(app, "sources")
    assert not at.exception
    assert at.title[0].value == "规划与出处"
    table = at.dataframe[0].value
    assert len(table) == 76
    assert "研究与试验发展经费投入强度" in set(table["指标"])
    assert table["原文"].str.len().min() > 0


def test_sources_plan_switch_and_decomposition(app):
    at = open_page(app, "sources")
    at.selectbox(key="sources_plan").set_value("xq_collab_2022").run()
    assert not at.exception
    assert len(at.dataframe[0].value) == 22
    text = " ".join(c.value for c in at.caption)
    assert "30+30+30+10" in text


def test_sources_traditional_plan_shows_simplified_names(app):
    at = open_page(app, "sources")
    at.selectbox(key="sources_plan").set_value("cq_work_2016").run()
    table = at.dataframe[0].value
    assert "国家级技术创新平台" in set(table["原文表述"])
    assert any("每年新認定3―5家" in q for q in table["原文"])     # the quote stays as the document wrote it


def test_sources_kind_filter_and_search(app):
    at = open_page(app, "sources")
    at.multiselect(key="sources_kinds").set_value(["doubling"]).run()
    assert set(at.dataframe[0].value["类型"]) == {"翻番"}
    at.multiselect(key="sources_kinds").set_value([]).run()
    at.text_input(key="sources_search").input("技术合同").run()
    assert set(at.dataframe[0].value["指标"]) == {"技术合同成交额"}


# -- language and empty database ----------------------------------------------------------------------------------
def test_english_switch(app_with_data):
    at = app_with_data.run()
    at.radio(key="lang").set_value("en").run()
    assert not at.exception
    assert at.title[0].value == "Overview"
    assert "Indicator" in at.dataframe[0].value.columns
    assert "Awaiting final data" in set(at.dataframe[0].value["Schedule verdict"])


def test_empty_database_says_what_to_do(tmp_path, monkeypatch):
    at = _app(tmp_path / "empty.duckdb", monkeypatch).run()
    assert not at.exception
    assert "python -m etl" in at.info[0].value


def test_overview_filters_find_what_lags_in_a_chapter(progress_db_path, monkeypatch):
    """专栏2's ten indicators as of 2018, then only those behind: the table's rows are the ones the filters name."""
    from tracker.views import tables

    at = _app(progress_db_path, monkeypatch)
    at.query_params["as_of"] = "2018"
    at = open_page(at, "overview")
    column = next(s for s in at.multiselect if s.key == "overview_sections")
    chapter = next(o for o in column.options if o.startswith("专栏2"))
    column.set_value([chapter]).run()
    assert "显示 10 / 76 项目标" in [c.value for c in at.caption]
    next(t for t in at.toggle if t.key == "overview_behind").set_value(True).run()
    shown = at.dataframe[0].value
    assert 0 < len(shown) < 10
    assert set(shown["序时评价"]) <= {"滞后", "严重滞后", "逆向", "未完成"}
    assert "研究与试验发展经费投入强度" in set(shown["指标"])          # 2.01 % against 2.13 % on the path
    assert tables.BEHIND == ("lagging", "severely_lagging", "regressing", "not_completed")


def test_a_link_in_english_opens_in_english(progress_db_path, monkeypatch):
    at = _app(progress_db_path, monkeypatch)
    at.query_params["lang"] = "en"
    at.run()
    assert at.title[0].value == "Overview"
    assert at.query_params["lang"] in ("en", ["en"])          # kept for the next link
    at.session_state["lang"] = "zh"
    at.run()
    assert at.title[0].value == "总览" and "lang" not in at.query_params
