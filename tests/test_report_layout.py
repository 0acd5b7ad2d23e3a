"""Text in pictures: wrapped only between words or beside CJK characters, the as-of year always a year."""

from datetime import datetime

import pytest

from tracker.reports.layout import Caption, as_of_text, plain, text_px, wrap_text


@pytest.mark.parametrize("text, width", [
    ("Lagging; needs acceleration", 90),
    ("Awaiting final data; needs acceleration", 140),
    ("qualitative (status set by a person)(2020)", 180),
    ("3,141家(2019), no 2020 value", 150),
])
def test_english_breaks_only_at_spaces_or_beside_cjk(text, width):
    lines = wrap_text(text, 15, width)
    assert len(lines) > 1                                         # the case does wrap
    assert " ".join(lines).replace("家 (", "家(") == text           # nothing lost; joined at the spaces it broke at
    words = set(text.replace("家", " ").split())
    for line in lines:
        assert all(word in words for word in line.replace("家", " ").split()), line   # no "need s"
        assert text_px(line, 15) <= width


def test_chinese_breaks_between_characters_but_punctuation_stays_with_its_word():
    lines = wrap_text("战略性新兴制造业增加值占规模以上工业增加值的比重(2015),需加速。“十三五”规划", 15, 150)
    assert "".join(lines) == "战略性新兴制造业增加值占规模以上工业增加值的比重(2015),需加速。“十三五”规划"
    for line in lines:
        assert line[0] not in ",。、;:)”", line                # a closing mark never starts a line
        assert line[-1] not in "(“", line                      # an opening mark never ends one
        assert text_px(line, 15) <= 150


def test_a_word_wider_than_the_line_is_cut_rather_than_overflowing():
    lines = wrap_text("Interdisciplinarity", 15, 60)
    assert "".join(lines) == "Interdisciplinarity" and all(text_px(line, 15) <= 60 for line in lines)


def test_the_as_of_year_is_a_year_even_for_the_latest_data():
    assert as_of_text(None, 2023) == "2023年(最新数据)"
    assert as_of_text(None, 2023, "en") == "2023 (latest data)"
    assert as_of_text(2018, 2023) == "2018年"
    caption = Caption(plan="p", as_of=None, latest_year=2023, generated_at=datetime(2024, 1, 2, 3, 4))
    assert "评估年份:2023年(最新数据)" in caption.lines()[1]


def test_user_text_is_shown_as_typed_in_plotly_labels():
    assert plain("<b>研发</b> & <a href='x'>") == "&lt;b&gt;研发&lt;/b&gt; &amp; &lt;a href='x'&gt;"
