"""Proposed targets from plan text: the target grammar on short sentences (simplified and traditional), facts versus
targets, Chinese numerals, tables, the catalogue entry, and a recall floor on the seed documents."""

from __future__ import annotations

from pathlib import Path

import pytest

from etl.catalogue import COMPARATORS, KINDS, load_catalogue
from tracker.i18n.messages import REASON_MESSAGES
from tracker.intake import propose_targets
from tracker.intake.proposal import REASONS

ROOT = Path(__file__).resolve().parent.parent


def _targets(text: str, start: int = 2016, end: int = 2020, **kw):
    proposals = propose_targets(text, plan_start=start, plan_end=end, **kw)
    for p in proposals:
        assert text[p.offset:p.offset + len(p.quote)] == p.quote          # quotes are exact substrings
        assert p.kind in KINDS and (p.comparator is None or p.comparator in COMPARATORS)
        assert 0 <= p.confidence <= 1 and set(p.reasons) <= set(REASONS), p.reasons
    return [p for p in proposals if p.role == "target"]


def _one(text: str, **kw):
    found = _targets(text, **kw)
    assert len(found) == 1, [(p.kind, p.number, p.quote) for p in found]
    return found[0]


# (sentence, kind, comparator, number, unit, target year) — one target each
GRAMMAR = [
    ("到2020年,全市高新技术企业达到3000家以上。", "level", ">=", 3000, "家", 2020),
    ("到2020年,國有工業企業研發投入強度超過1.5%。", "level", ">", 1.5, "%", 2020),
    ("在孵企业数量突破1000家。", "level", ">", 1000, "家", 2020),
    ("城镇调查失业率控制在5.5%以内。", "level", "<=", 5.5, "%", 2020),
    ("单位产值能耗不高于0.5吨标准煤。", "level", "<=", 0.5, "吨标准煤", 2020),
    ("研发人员不少于5万人。", "level", ">=", 5, "万人", 2020),
    ("力争到2017年交易规模达到50亿元左右。", "approx", "≈", 50, "亿元", 2017),
    ("到2020年引导约1亿人就近城镇化。", "approx", "≈", 1, "亿人", 2020),
    ("每年新認定3―5家國家級技術創新平台。", "range", "between", 3, "家", 2020),
    ("国内生产总值增长6.5%－7%。", "range", "between", 6.5, "%", 2020),
    ("高新技术企业数量年均增长12%以上。", "growth", ">=", 12, "%", 2020),
    ("每年新增50家以上市级技术创新平台。", "per_year", ">=", 50, "家", 2020),
    ("力爭到2017年累計培育500個以上新型科技平台。", "cumulative", ">=", 500, "个", 2017),
    ("到2020年,技术合同交易额力争实现翻番。", "doubling", ">=", 2, "倍", 2020),
    ("规模以上工业类国有企业实现研发机构全覆盖。", "coverage", ">=", 100, "%", 2020),
    ("全社会R&D投入经费超过全市平均水平。", "relative", ">", 0, "", 2020),
    ("高新技术产业增加值占工业增加值比重高于全市平均水平50%以上。", "relative", ">=", 50, "%", 2020),
    ("今年财政赤字拟安排2.18万亿元。", "level", "=", 2.18, "万亿元", 2016),
    ("今年将减轻企业负担5000多亿元。", "level", ">", 5000, "亿元", 2016),
]


@pytest.mark.parametrize("sentence, kind, comparator, number, unit, year", GRAMMAR)
def test_the_target_grammar_on_one_sentence(sentence, kind, comparator, number, unit, year):
    p = _one(sentence)
    assert (p.kind, p.comparator, p.number, p.unit, p.target_year) == (kind, comparator, number, unit, year)


def test_traditional_and_simplified_read_alike_and_quotes_keep_the_original_characters():
    trad = _one("力爭到2017年培育科技型企業超過5000家。")
    simp = _one("力争到2017年培育科技型企业超过5000家。")
    assert (trad.kind, trad.comparator, trad.value) == (simp.kind, simp.comparator, simp.value)
    assert "企業" in trad.quote and trad.subject_display == simp.subject_display == "培育科技型企业"


def test_floor_and_stretch_are_one_target():
    p = _one("全社会研发经费占生产总值比重突破2.2%,力争达到2.5%以上。", start=2015, end=2017)
    assert (p.kind, p.comparator, p.value, p.stretch, p.target_year) == ("floor_stretch", ">", 2.2, 2.5, 2017)
    assert "stretch_merged" in p.reasons


def test_from_baseline_to_target():
    p = _one("劳动年龄人口平均受教育年限从10.23年提高到10.8年。")
    assert (p.value, p.baseline_value, p.unit, p.comparator) == (10.8, 10.23, "年", ">=")
    p = _one("将科技型中小企业加计扣除比例从75%提高到100%。")
    assert (p.value, p.baseline_value) == (100, 75)


def test_a_doubling_names_its_base_year_and_splits_two_indicators():
    found = _targets("到2020年国内生产总值和城乡居民人均收入比2010年翻一番。")
    assert [(p.subject_display, p.kind, p.multiple, p.baseline_year) for p in found] == [
        ("国内生产总值", "doubling", 2, 2010), ("城乡居民人均收入", "doubling", 2, 2010)]


def test_respectively_pairs_subjects_with_numbers():
    found = _targets("“十三五”时期,单位国内生产总值用水量、能耗、二氧化碳排放量分别下降23%、15%、18%。")
    assert [(p.subject_display, p.number, p.kind, p.target_year) for p in found] == [
        ("单位国内生产总值用水量", 23, "cumulative", 2020), ("能耗", 15, "cumulative", 2020),
        ("二氧化碳排放量", 18, "cumulative", 2020)]
    found = _targets("今年化学需氧量、氨氮排放量要分别下降2%。", start=2016, end=2016)
    assert [(p.subject_display, p.rate, p.kind) for p in found] == [("化学需氧量", 2, "growth"), ("氨氮排放量", 2, "growth")]


def test_a_change_is_growth_in_one_year_and_cumulative_over_a_plan():
    assert _one("单位国内生产总值能耗下降3.4%以上。", start=2016, end=2016).kind == "growth"
    assert _one("单位国内生产总值能耗下降15%。", start=2016, end=2020).kind == "cumulative"
    assert _one("人均预期寿命提高1岁。").kind == "cumulative"


def test_milestones_in_several_years_share_the_subject():
    found = _targets("力爭2016年推動2家以上、2017年推動3家以上有潛力企業組建研發創新中心。", start=2016, end=2017)
    assert [(p.value, p.target_year, p.comparator) for p in found] == [(2, 2016, ">="), (3, 2017, ">=")]
    assert found[0].subject_display == found[1].subject_display


def test_subjects_after_the_numbers_and_chinese_numerals():
    found = _targets("力争五年内引进一百名首席科学家、一千名高级研发人才和10000名研发工程师。")
    assert [(p.subject_display, p.value, p.kind) for p in found] == [
        ("引进首席科学家", 100, "cumulative"), ("高级研发人才", 1000, "cumulative"), ("研发工程师", 10000, "cumulative")]
    assert "chinese_numeral" in found[0].reasons
    assert _targets("推动百名科学家、千名博士、万名研究生到企业开展科技创新。")[2].value == 10000


@pytest.mark.parametrize("text", [
    "深入实施“十三五”规划,发挥“三个作用”,坚持一批重点项目。",
    "推广3D打印和5G网络,落实1+2+N政策体系,2016—2020年。",
    "对3岁以下婴幼儿照护给予支持。",
    "发布时间:2015-04-09 电话0631-5894088",
    "来源:https://zh.wikisource.org/wiki/2016%E5%B9%B4%E4%B8%AD",
    "按照“四个全面”战略布局,推动“两个轮子”协调运转。",                   # numbers inside a short quotation: names
    "积极落实“鸿雁计划”和“人才30条”,完善《若干政策》(简称“企业14条”)。",
    "土地承包到期后再延长30年,改革开放30多年来成就显著。",               # durations, not targets
])
def test_names_dates_and_scopes_are_not_targets(text):
    assert _targets(text) == []


def test_a_duration_counts_when_the_indicator_is_measured_in_years():
    p = _one("劳动年龄人口平均受教育年限从10.23年提高到10.8年。")
    assert (p.number, p.unit) == (10.8, "年")


def test_the_change_a_stated_level_implies_is_not_a_second_target():
    found = _targets("今年一般公共预算支出规模28.5万亿元、比上年增加1.1万亿元。", start=2024, end=2024)
    assert [(p.number, p.unit) for p in found] == [(28.5, "万亿元")]
    found = _targets("赤字率拟按4%左右安排、比上年提高1个百分点。", start=2025, end=2025)
    assert [(p.number, p.unit) for p in found] == [(4, "%")]
    # a change of its own (no level before it in the clause) stays a target
    assert _one("全年粮食产量比上年增长2%。", start=2024, end=2024).number == 2


@pytest.mark.parametrize("text, year", [
    ("2015年全市高新技术企业1035家。", 2015),
    ("过去一年,全市新增科技型企业1200家。", 2015),
    ("“十二五”期间,研发经费投入强度已达到1.57%。", 2015),
])
def test_statements_of_fact_are_baselines_not_targets(text, year):
    proposals = propose_targets(text, plan_start=2016, plan_end=2020)
    assert [p.role for p in proposals] == ["baseline"]
    assert proposals[0].baseline_year == year and proposals[0].target_year is None


def test_a_review_section_holds_facts_and_the_plan_section_targets():
    text = ("一、2015年工作回顾\n国内生产总值达到67.7万亿元,增长6.9%。\n"
            "二、2016年主要目标\n国内生产总值增长6.5%－7%,城镇新增就业1000万人以上。\n")
    proposals = propose_targets(text, plan_start=2016, plan_end=2016)
    assert [(p.role, p.number) for p in proposals] == [("baseline", 67.7), ("baseline", 6.9), ("target", 6.5),
                                                        ("target", 1000)]
    assert "review_section" in proposals[0].reasons and proposals[2].section == "二、2016年主要目标"


def test_the_target_year_comes_from_the_heading_when_the_sentence_has_none():
    text = "二、“十三五”时期主要目标\n常住人口城镇化率达到60%。\n三、2016年重点工作\n新建改建农村公路20万公里。\n"
    assert [p.target_year for p in _targets(text, start=2016, end=2016)] == [2020, 2016]


FLAT_TABLE = """专栏2 “十三五”主要指标
序号
指标
属性
2015
指标值
2020
目标值
1
科技进步贡献率(%
预期性
52.9
60
2
高新技术企业(家)
约束性
1035
3000
"""


def test_a_flattened_indicator_table_gives_one_target_per_row():
    found = _targets(FLAT_TABLE + "到2020年,高新技术企业达到3000家。\n",
                     indicators=[{"id": "ht", "name": "高新技术企业", "aliases": []}])
    assert [(p.subject, p.unit, p.value, p.baseline_value, p.binding, p.target_year) for p in found] == [
        ("科技进步贡献率", "%", 60, 52.9, "预期性", 2020), ("高新技术企业", "家", 3000, 1035, "约束性", 2020)]
    assert found[1].indicator == "ht" and found[1].indicator_match == "exact" and "restated" in found[1].reasons
    assert "unit_repaired" in found[0].reasons and found[0].confidence >= 0.8


def test_indicator_suggestions_exact_alias_contained_and_new():
    indicators = [{"id": "rd", "name": "研究与试验发展经费投入强度", "aliases": ["研发经费投入强度"]},
                  {"id": "ht", "name": "高新技术企业", "aliases": []}]
    found = _targets("研发经费投入强度达到2.5%,全市高新技术企业数量达到3000家,众创空间达到100个。",
                     indicators=indicators)
    assert [(p.indicator, p.indicator_match) for p in found] == [("rd", "alias"), ("ht", "contained"), (None, "new")]


def test_to_catalogue_entry_has_the_shape_of_a_catalogue_target():
    p = _one("高新技术企业数量年均增长12%以上。", start=2015, end=2017)
    entry = p.to_catalogue_entry(target_id="wh-ht-growth", region="威海市")
    assert entry == {"id": "wh-ht-growth", "subject": "高新技术企业数量", "region": "威海市", "kind": "growth",
                     "comparator": ">=", "rate": 12, "unit": "%", "target_year": 2017,
                     "quote": "高新技术企业数量年均增长12%以上"}
    fact = propose_targets("2015年全市高新技术企业1035家。", plan_start=2016, plan_end=2020)[0]
    assert fact.to_catalogue_entry(region="重庆市") == {"region": "重庆市", "year": 2015, "value": 1035, "unit": "家",
                                                        "quote": "2015年全市高新技术企业1035家"}


def test_every_reason_has_a_message_in_both_languages():
    for code in REASONS:
        zh, en = REASON_MESSAGES[code]
        assert zh and en
    row = _one("到2020年,全市高新技术企业达到3000家以上。").as_row("en")
    assert "comparator word" in row["reasons_text"] and row["number"] == 3000


def test_recall_floor_on_the_seed_documents():
    """Every quantified reviewed target of the five seeds: at least 80 % are proposed (quotes overlap, same number);
    the proposals are mostly right (precision at least 65 %)."""
    cat = load_catalogue(ROOT / "etl" / "catalogue", ROOT / "seeds")
    hits = labels = proposed = 0
    for plan in cat.plans:
        text = cat.seeds[plan["seed_file"]].text
        found = _targets(text, start=plan["start_year"], end=plan["target_year"])
        proposed += len(found)
        free = list(found)
        for t in cat.targets:
            if t["plan_id"] != plan["plan_id"] or t["kind"] == "qualitative":
                continue
            number = {"growth": t.get("rate"), "doubling": t.get("multiple"), "relative": t.get("margin"),
                      "coverage": 100}.get(t["kind"], t.get("value"))
            start = text.index(t["quote"])
            labels += 1
            match = next((p for p in free if p.offset < start + len(t["quote"]) and start < p.offset + len(p.quote)
                          and p.number is not None and number is not None and abs(p.number - number) < 1e-9), None)
            if match is not None:
                free.remove(match)
                hits += 1
    assert labels > 120
    assert hits / labels >= 0.8, (hits, labels)
    assert hits / proposed >= 0.65, (hits, proposed)
