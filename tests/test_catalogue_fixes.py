"""Catalogue corrections: character-level conversion, the relative target's reference indicator, baselines from
another document, targets at or below their baseline, and the 百名科学家/千名博士/万名研究生 targets."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest
import yaml
from conftest import entered_batch_id, seeded_file

from etl import checks
from etl.catalogue import CatalogueError, load_catalogue
from tracker.catalogue.text import display_form, to_simplified
from tracker.config import PROJECT_ROOT, SEEDS_DIR
from tracker.db.schema import SCHEMA_VERSION
from tracker.db.store import OutdatedSchemaError, Store


# -- traditional → simplified is character conversion -------------------------------------------------------------
@pytest.mark.parametrize(
    ("traditional", "simplified"),
    [
        ("開發9個核心產品", "开发9个核心产品"),
        ("核心產品", "核心产品"),  # a phrase conversion writes 内核产品
        ("建立健全多層次創新創業投資基金", "建立健全多层次创新创业投资基金"),  # not 创建健全
        ("新增市級技術創新平台", "新增市级技术创新平台"),  # not 添加
        ("技術合同", "技术合同"),  # not 契约
        ("網際網路", "网际网路"),  # the characters, not the mainland word 互联网
        ("積體電路", "积体电路"),
    ],
)
def test_conversion_is_character_by_character(traditional, simplified):
    assert to_simplified(traditional) == simplified


@pytest.mark.parametrize(
    "text",
    [
        "原文未写年份,按方案目标年2017年、2016—2017年累计新增理解。",
        "建立健全多层次创新创业投资基金",
        "技术合同成交额",
    ],
)
def test_simplified_text_passes_unchanged(text):
    assert to_simplified(text) == text
    assert display_form(text, "simplified") == text


def test_only_traditional_sources_are_converted():
    assert display_form("乾", "simplified") == "乾"  # t2s would give 干: simplified text is left alone
    assert display_form("核心產品", "traditional") == "核心产品"
    assert display_form(None, "traditional") is None
    # A reviewer's note quoting the seed's characters keeps them.
    note = "“契約”为繁简/两岸用语自动转换所致,即“合同”"
    assert display_form(note, "simplified") == note


def test_reviewer_notes_of_a_traditional_plan_are_stored_as_written(built):
    targets = built.tables["targets"].set_index("target_id")
    # The reviewer quotes the seed's characters inside a simplified note: both stay as written.
    cloud = targets.loc["cqw-cloud-platform-2017", "assumption"]
    assert "原文“網際網路 ”即“互联网+”" in cloud
    assert "累计新增理解" in targets.loc["cqw-natl-agri-parks-2017", "assumption"]
    assert targets.loc["cqw-core-products-2017", "subject"] == "核心产品"
    assert targets.loc["cqw-gov-equity-funds-2017", "section"].endswith("(十九)建立健全多层次创新创业投资基金")


def test_no_display_text_rewrites_the_sources_words(built):
    """Wherever the seed or the reviewer says 核心/建立健全/新增/合同, the display text says so too."""
    t = built.tables
    columns = {
        "targets": ["subject", "section", "assumption", "note"],
        "plans": ["title", "assumption"],
        "plan_structure": ["title"],
        "etl_notes": ["message"],
        "indicator_aliases": ["alias"],
        "indicators": ["indicator"],
    }
    texts = [str(v) for table, cols in columns.items() for c in cols for v in t[table][c].dropna()]
    for rewritten in ("内核产品", "创建健全", "添加", "在线服务平台"):
        assert not [x for x in texts if rewritten in x], rewritten
    pairs = [(r.subject, r.subject_original) for r in t["targets"].itertuples() if r.subject_original]
    pairs += [(r.title, r.title_original) for r in t["plans"].itertuples()]
    for display, original in pairs:
        for word in ("核心", "建立健全", "新增", "合同"):
            if word in original:
                assert word in display, (original, display)
        if "契约" in display:
            assert "契約" in original, (original, display)  # 契约 only where the seed itself writes 契約


# -- a relative target names the indicator it compares with ------------------------------------------------------
def test_soe_rd_intensity_is_compared_with_the_citys_industrial_rd_ratio(built, store):
    row = built.tables["targets"].set_index("target_id").loc["cq13-soe-rd-intensity-relative-2020"]
    assert (row["region"], row["relative_to_region"]) == ("重庆市", "重庆市")
    assert row["relative_to_indicator_id"] == "industrial_rd_to_revenue"
    targets = store.targets("cq_sti_13fyp").set_index("target_id")
    assert (
        targets.loc["cq13-soe-rd-intensity-relative-2020", "relative_to_indicator"]
        == "规模以上工业企业研发经费支出与主营业务收入之比"
    )
    others = targets[(targets["kind"] == "relative") & (targets.index != "cq13-soe-rd-intensity-relative-2020")]
    assert len(others) == 2 and others["relative_to_indicator"].isna().all()  # their own indicator


def edit_target(catalogue_copy, file_name, target_id, **changes):
    path = catalogue_copy / file_name
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    entry = next(t for t in doc["targets"] if t["id"] == target_id)
    for key, value in changes.items():
        if value is None:
            entry.pop(key, None)
        else:
            entry[key] = value
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"relative_to_indicator": None}, "compares 重庆市 with itself"),
        ({"relative_to_indicator": "soe_industrial_rd_intensity"}, "compares 重庆市 with itself"),
        ({"relative_to_indicator": "no_such_indicator"}, "unknown relative_to_indicator"),
        ({"relative_to_indicator": "high_tech_enterprises"}, "is in 家"),
    ],
)
def test_a_relative_target_against_itself_or_an_unknown_indicator_is_refused(
    catalogue_copy, seeds_dir, changes, problem
):
    edit_target(catalogue_copy, "003.yaml", "cq13-soe-rd-intensity-relative-2020", **changes)
    with pytest.raises(CatalogueError) as excinfo:
        load_catalogue(catalogue_copy, seeds_dir)
    assert any("cq13-soe-rd-intensity-relative-2020" in p and problem in p for p in excinfo.value.problems)


def old_file(path):
    """A database as the previous version wrote it: without the new columns and without the write counter."""
    seeded_file(path, entered=True)
    con = duckdb.connect(str(path))
    con.execute("""DROP VIEW targets_full; DROP VIEW actuals_current; DROP VIEW actuals_history;
                   ALTER TABLE targets DROP COLUMN relative_to_indicator_id;
                   ALTER TABLE actuals DROP COLUMN source_plan_id;
                   ALTER TABLE users DROP COLUMN credentials_version;
                   ALTER TABLE login_attempts DROP COLUMN attempt_id;
                   ALTER TABLE login_attempts DROP COLUMN client;
                   ALTER TABLE login_attempts ALTER COLUMN ok SET NOT NULL;
                   DROP TABLE documents; DROP TABLE target_archive;
                   ALTER TABLE plans DROP COLUMN origin; ALTER TABLE plans DROP COLUMN status;
                   ALTER TABLE plans DROP COLUMN issuing_body; ALTER TABLE plans DROP COLUMN revision;
                   ALTER TABLE plans DROP COLUMN created_by; ALTER TABLE plans DROP COLUMN created_at;
                   ALTER TABLE plans DROP COLUMN updated_by; ALTER TABLE plans DROP COLUMN updated_at;
                   ALTER TABLE targets DROP COLUMN reviewed_by; ALTER TABLE targets DROP COLUMN reviewed_at;
                   ALTER TABLE targets DROP COLUMN revision;
                   ALTER TABLE regions DROP COLUMN origin; ALTER TABLE region_aliases DROP COLUMN origin;
                   ALTER TABLE indicators DROP COLUMN origin; ALTER TABLE indicator_aliases DROP COLUMN origin;
                   ALTER TABLE actuals DROP COLUMN review_status; ALTER TABLE actuals DROP COLUMN reviewed_by;
                   ALTER TABLE actuals DROP COLUMN reviewed_at; ALTER TABLE actuals DROP COLUMN review_note;
                   DROP TABLE year_locks;
                   DELETE FROM meta WHERE key = 'data_version';
                   UPDATE meta SET value = '2' WHERE key = 'schema_version'""")
    con.execute(DDL_BEFORE_VIEWS_OF_VERSION_2)
    con.close()
    return path


# The three views as version 2 defined them (an old file has them).
DDL_BEFORE_VIEWS_OF_VERSION_2 = """
CREATE VIEW actuals_history AS
SELECT a.*, b.kind AS batch_kind, b.status AS batch_status,
       b.status = 'committed' AND row_number() OVER (
           PARTITION BY a.region, a.indicator, a.year, b.status = 'committed'
           ORDER BY (b.kind = 'seed'), a.actual_id DESC) = 1 AS is_current
FROM actuals a JOIN batches b USING (batch_id);
CREATE VIEW actuals_current AS
SELECT * EXCLUDE (is_current, batch_status) FROM actuals_history WHERE is_current AND value IS NOT NULL;
CREATE VIEW targets_full AS
SELECT t.*, i.indicator_en, i.measure, i.direction, i.path_kind, p.base_year AS plan_base_year, p.title AS plan_title
FROM targets t JOIN indicators i USING (indicator_id) JOIN plans p USING (plan_id);
"""


def test_an_old_file_is_read_and_upgraded_by_the_etl(tmp_path):
    from etl.__main__ import main

    path = old_file(tmp_path / "old.duckdb")
    with pytest.raises(OutdatedSchemaError, match="结构版本为 2"):   # read-only: never migrated, says so
        Store.open(path, read_only=True)
    assert main(["--db", str(path)]) == 0
    store = Store.open(path)
    try:
        assert store.meta("schema_version") == str(SCHEMA_VERSION)
        targets = store.targets().set_index("target_id")
        assert (
            targets.loc["cq13-soe-rd-intensity-relative-2020", "relative_to_indicator_id"] == "industrial_rd_to_revenue"
        )
        assert len(targets) == 153
        entered = store.query_df("SELECT * FROM actuals_current WHERE batch_id = ?", [entered_batch_id(store)])
        assert len(entered) == 14  # what people entered is still there
    finally:
        store.close()


# -- a baseline from another plan's text is named ---------------------------------------------------------------
def test_a_stated_value_names_its_document_and_plan(built, store):
    seed = built.seed_actuals.set_index(["region", "indicator", "year"])
    row = seed.loc[("重庆市", "技术合同成交额", 2015)]
    assert row["source_plan_id"] == "cq_sti_13fyp"
    assert row["source"].startswith("重庆市科技创新“十三五”规划 专栏1")
    text_value = seed.loc[("重庆市", "高新技术企业", 2015)]
    assert text_value["source_plan_id"] == "cq_sti_13fyp" and "十三五" in text_value["source"]
    current = store.actuals_current().set_index(["region", "indicator", "year"])
    assert current.loc[("重庆市", "技术合同成交额", 2015), "source_plan_id"] == "cq_sti_13fyp"
    assert set(current["source_plan_id"].dropna()) <= set(built.tables["plans"]["plan_id"])


def test_the_work_plans_contract_target_below_the_13th_plans_2015_value_is_flagged(built):
    checks = built.tables["checks"]
    flagged = checks[checks["check_kind"] == "baseline_target"].set_index("target_ids")
    row = flagged.loc["cqw-tech-contracts-2017"]
    assert (row["plan_id"], row["status"]) == ("cq_work_2016", "warning")
    for part in (
        "200亿元",
        "241.5亿元",
        "2015年",
        "《重庆市科技创新“十三五”规划》",
        "不是本规划自身的数据",
        "cqw-tech-contracts-2017",
    ):
        assert part in row["message"], part
    # Targets above their baseline are not flagged: 专栏2's 2.5 % against 1.57 %, 高新技术企业 3000 against 1035.
    assert not {"cq13-table2-02", "cq13-table2-04"} & set(flagged.index)


def frames(rows, direction=1):
    base = {
        "plan_id": "p",
        "region": "甲市",
        "indicator": "指标",
        "indicator_id": "x",
        "kind": "level",
        "basis": "level",
        "target_value_hi": None,
        "baseline_year": None,
        "baseline_value": None,
        "unit": "%",
        "subject": None,
        "target_year": 2020,
    }
    targets = pd.DataFrame([{**base, **r} for r in rows])
    indicators = pd.DataFrame(
        [
            {"indicator_id": "x", "measure": "level", "direction": direction},
            {"indicator_id": "flow", "measure": "increment", "direction": 1},
        ]
    )
    plans = pd.DataFrame(
        [
            {"plan_id": "p", "base_year": 2015, "short_name": "甲市规划"},
            {"plan_id": "q", "base_year": 2010, "short_name": "乙规划"},
        ]
    )
    seed = pd.DataFrame(
        [
            {
                "region": "甲市",
                "indicator_id": "x",
                "year": 2015,
                "value": 10.0,
                "source": "甲市规划",
                "source_plan_id": "p",
            },
            {
                "region": "甲市",
                "indicator_id": "x",
                "year": 2014,
                "value": 12.0,
                "source": "乙规划 专栏1 表",
                "source_plan_id": "q",
            },
        ]
    )
    return targets, seed, indicators, plans


def flagged_ids(rows, direction=1):
    return [c["target_ids"] for c in checks.baseline_checks(*frames(rows, direction))]


def test_baseline_check_up_and_down():
    rows = [
        {"target_id": "above", "target_value": 11.0},  # 11 > 10: fine
        {"target_id": "equal", "target_value": 10.0},  # at the baseline
        {"target_id": "below-stated", "target_value": 8.0, "baseline_value": 9.0, "baseline_year": 2015},
        {"target_id": "stated-wins", "target_value": 9.5, "baseline_value": 9.0, "baseline_year": 2015},
        {"target_id": "range-floor", "kind": "range", "target_value": 9.0, "target_value_hi": 12.0},
        {"target_id": "other-plan", "target_value": 11.0, "baseline_year": 2014},  # 11 ≤ 12 of plan q
        {"target_id": "flow", "indicator_id": "flow", "target_value": 1.0},  # not a level: skipped
        {"target_id": "per-year", "kind": "per_year", "basis": "per_year", "target_value": 1.0},
        {"target_id": "no-baseline", "target_value": 1.0, "baseline_year": 2000},  # nothing to compare with
    ]
    assert flagged_ids(rows) == ["equal", "below-stated", "range-floor", "other-plan"]
    messages = {c["target_ids"]: c["message"] for c in checks.baseline_checks(*frames(rows))}
    assert "不高于基期值 12%" in messages["other-plan"] and "《乙规划》专栏1 表所述" in messages["other-plan"]
    assert "本规划正文所述" in messages["equal"]
    down = [
        {"target_id": "down-fine", "target_value": 9.0},  # lower is better: 9 < 10
        {"target_id": "down-above", "target_value": 10.5},
        {"target_id": "down-range", "kind": "range", "target_value": 8.0, "target_value_hi": 10.0},
    ]
    assert flagged_ids(down, direction=-1) == ["down-above", "down-range"]
    assert "不低于基期值" in checks.baseline_checks(*frames(down, -1))[0]["message"]


def test_the_sources_page_shows_the_check(seeded_db_path, monkeypatch):
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("TRACKER_DB", str(seeded_db_path))
    st.cache_resource.clear()
    st.cache_data.clear()
    at = AppTest.from_file(str(PROJECT_ROOT / "screens" / "sources.py"), default_timeout=60).run()
    at.selectbox(key="sources_plan").set_value("cq_work_2016").run()
    assert not at.exception
    shown = next(df.value for df in at.dataframe if "说明" in df.value.columns and "检查" in df.value.columns)
    row = shown[shown["检查"] == "目标不高于基期值"]
    assert len(row) == 1 and "241.5亿元" in row["说明"].iloc[0] and "200亿元" in row["说明"].iloc[0]
    st.cache_resource.clear()


# -- 推动百名科学家、千名博士、万名研究生到企业开展科技创新 ---------------------------------------------------------
@pytest.mark.parametrize(
    ("target_id", "indicator", "value"),
    [
        ("cq13-scientists-to-enterprises-2020", "到企业开展科技创新的科学家", 100),
        ("cq13-doctors-to-enterprises-2020", "到企业开展科技创新的博士", 1000),
        ("cq13-postgraduates-to-enterprises-2020", "到企业开展科技创新的研究生", 10000),
    ],
)
def test_scientists_doctors_and_postgraduates_to_enterprises(built, target_id, indicator, value):
    row = built.tables["targets"].set_index("target_id").loc[target_id]
    assert {
        k: row[k]
        for k in (
            "indicator",
            "kind",
            "comparator",
            "target_value",
            "unit",
            "start_year",
            "target_year",
            "basis",
            "plan_id",
        )
    } == {
        "indicator": indicator,
        "kind": "cumulative",
        "comparator": ">=",
        "target_value": value,
        "unit": "人",
        "start_year": 2016,
        "target_year": 2020,
        "basis": "cumulative",
        "plan_id": "cq_sti_13fyp",
    }
    assert row["quote"] == "推动百名科学家、千名博士、万名研究生到企业开展科技创新"
    text = (SEEDS_DIR / row["seed_file"]).read_text(encoding="utf-8")
    assert text[row["quote_offset"] : row["quote_offset"] + len(row["quote"])] == row["quote"]
