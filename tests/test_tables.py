"""专栏1 and 专栏2 of seed 003, parsed from the flattened text."""

import pytest

from etl.tables import parse_table
from tracker.config import SEEDS_DIR

SEED_003 = (SEEDS_DIR / "003_650c5ad76bff8716.txt").read_text(encoding="utf-8")

# (seq, name, unit, 2010, 2015) as printed in 专栏1; None where the table prints ——.
RESULTS = [
    (1, "科技进步贡献率", "%", 47.8, 52.9),
    (2, "研究与试验发展经费投入强度", "%", 1.27, 1.57),
    (3, "每万名就业人员中研发人员", "人年", 24, 36),
    (4, "高新技术企业", "家", 338, 1035),
    (5, "战略性新兴制造业增加值占规模以上工业增加值的比重", "%", None, 13.5),
    (6, "知识密集型服务业增加值占地区生产总值的比重", "%", None, 16.3),
    (7, "规模以上工业企业研发经费支出与主营业务收入之比", "%", 0.79, 0.97),
    (8, "每万人口发明专利拥有量", "件", 1.1, 4.3),
    (9, "技术合同成交额", "亿元", 168, 241.5),
    (10, "公民具备科学素养的比例", "%", 2.5, 4.74),
]
# (seq, 属性, 2015, 2020) as printed in 专栏2.
TARGETS = [
    (1, "预期性", 52.9, 60), (2, "预期性", 1.57, 2.5), (3, "预期性", 36, 60), (4, "预期性", 1035, 3000),
    (5, "预期性", 13.5, 30), (6, "预期性", 16.3, 20), (7, "预期性", 0.97, 1.2), (8, "预期性", 4.3, 8.6),
    (9, "预期性", 241.5, 400), (10, "预期性", 4.74, 8.3),
]


def test_results_table_every_number():
    table = parse_table(SEED_003, 1)
    assert table.year_labels == {2010: "指标值", 2015: "指标值"}
    got = [(r.seq, r.name, r.unit, r.values[2010], r.values[2015]) for r in table.rows]
    assert got == RESULTS
    assert table.rows[1].change == "增长0.3个百分点"
    assert table.furniture == []


def test_targets_table_every_number():
    table = parse_table(SEED_003, 2)
    assert table.year_labels == {2015: "指标值", 2020: "目标值"}
    assert [(r.seq, r.binding, r.values[2015], r.values[2020]) for r in table.rows] == TARGETS
    assert [r.name for r in table.rows] == [name for _, name, *_ in RESULTS]


def test_missing_closing_brackets_are_repaired_and_reported():
    rows = parse_table(SEED_003, 2).rows
    assert [r.seq for r in rows if r.unit_repaired] == [1, 2, 5, 6, 7, 10]
    assert rows[2].unit == "人年" and not rows[2].unit_repaired


def test_row_quotes_are_exact_substrings():
    for number in (1, 2):
        for row in parse_table(SEED_003, number).rows:
            assert row.quote in SEED_003
            assert row.quote.startswith(row.name)


def test_page_furniture_inside_the_table_is_skipped_and_reported():
    # A print-page footer and a page number land between two rows, as scraped pages often do.
    start = SEED_003.index("专栏2")
    cell = SEED_003.index("研究与试验发展经费投入强度(%", start)
    line_end = SEED_003.index("\n", cell)
    broken = SEED_003[:line_end] + "\n  返回顶部 打印本页 \n  第 2 页 " + SEED_003[line_end:]
    table = parse_table(broken, 2)
    assert [(r.seq, r.binding, r.values[2015], r.values[2020]) for r in table.rows] == TARGETS
    assert "返回顶部 打印本页" in table.furniture


def test_full_width_and_closed_brackets_parse_alike():
    text = ("专栏9 测试表\n序号\n指标\n属性\n2015\n指标值\n2020\n目标值\n"
            "1\n某指标(%)\n约束性\n1.0\n2.0\n2\n另一指标(家\n预期性\n——\n5\n")
    rows = parse_table(text, 9).rows
    assert [(r.name, r.unit, r.unit_repaired, r.binding, r.values) for r in rows] == [
        ("某指标", "%", False, "约束性", {2015: 1.0, 2020: 2.0}),
        ("另一指标", "家", True, "预期性", {2015: None, 2020: 5.0}),
    ]


def test_a_missing_table_is_an_error():
    with pytest.raises(ValueError, match="专栏99"):
        parse_table(SEED_003, 99)
