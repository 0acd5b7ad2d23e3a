"""Catalogue corrections: character-level conversion, the relative target's reference indicator, baselines from
another document, targets at or below their baseline, and the 百名科学家/千名博士/万名研究生 targets."""

from __future__ import annotations

import pytest

from tracker.text import display_form, to_simplified


# -- traditional → simplified is character conversion -------------------------------------------------------------
@pytest.mark.parametrize(("traditional", "simplified"), [
    ("開發9個核心產品", "开发9个核心产品"),
    ("核心產品", "核心产品"),                  # a phrase conversion writes 内核产品
    ("建立健全多層次創新創業投資基金", "建立健全多层次创新创业投资基金"),   # not 创建健全
    ("新增市級技術創新平台", "新增市级技术创新平台"),                   # not 添加
    ("技術合同", "技术合同"),                  # not 契约
    ("網際網路", "网际网路"),                  # the characters, not the mainland word 互联网
    ("積體電路", "积体电路"),
])
def test_conversion_is_character_by_character(traditional, simplified):
    assert to_simplified(traditional) == simplified


@pytest.mark.parametrize("text", [
    "原文未写年份,按方案目标年2017年、2016—2017年累计新增理解。",
    "建立健全多层次创新创业投资基金",
    "技术合同成交额",
])
def test_simplified_text_passes_unchanged(text):
    assert to_simplified(text) == text
    assert display_form(text, "simplified") == text


def test_only_traditional_sources_are_converted():
    assert display_form("乾", "simplified") == "乾"        # t2s would give 干: simplified text is left alone
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
            assert "契約" in original, (original, display)     # 契约 only where the seed itself writes 契約
