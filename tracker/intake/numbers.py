"""Quantities in the matching view: a number (Arabic or Chinese numerals), a range, its magnitude and unit.

The value is kept as written and the magnitude stays in the unit (1.3万亿斤 → 1.3 and 万亿斤; 5000万人 → 5000 and
万人), the convention of the catalogue. Chinese numerals are converted with cn2an one token at a time, and only
when a unit follows (一百个 → 100个; 十三五, 一是, 一批, 第一 are not quantities). Years, dates, item numbers and
numbers that are part of a name (5G, C919, 3D, M2, 1+2+N) are not quantities either.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass

NUM = r"\d+(?:,\d{3})*(?:\.\d+)?"
CN_DIGITS = "零〇一二两三四五六七八九十百千"
CN = rf"[{CN_DIGITS}]+(?:点[零〇一二三四五六七八九]+)?"
MAGNITUDE = r"万亿|千亿|百亿|亿|千万|百万|万|千"
# Longest first, so that 个百分点 wins over 个 and 人次 over 人.
UNITS = sorted(["个百分点", "百分点", "平方公里", "平方米", "立方米", "公顷", "公里", "千米", "千瓦时", "千瓦", "吨标准煤", "标准煤", "人次", "人年", "人·年", "美元", "港元", "欧元", "元", "亩", "斤", "吨", "套", "户", "辆", "项", "个", "家", "名", "人", "所", "门", "件", "座", "条", "处", "台", "张", "支", "种", "篇", "部", "岁", "年", "天", "小时", "次", "倍", "位", "米", "千克", "间", "栋", "片", "只", "头", "册", "场", "笔", "%", "‰"], key=len, reverse=True)
UNIT = "|".join(re.escape(u) for u in UNITS)
AFTER = r"以上|以内|以下|左右|上下|之内|之上"
QUANTITY = re.compile(
    rf"(?P<a>{NUM}|{CN}|万(?=名))(?P<a_unit>%)?"
    rf"(?:(?P<dash>-|至|到)(?P<b>{NUM}|{CN}))?"
    rf"(?P<more>多|余)?(?P<mag>{MAGNITUDE})?(?P<unit>{UNIT})?(?P<more2>多|余)?(?P<after>{AFTER})?"
)
YEAR_AHEAD = re.compile(r"(?:-\d{4})?年")


@dataclass(frozen=True)
class Quantity:
    """A number in the view, view offsets [start, end) including a trailing 以上/左右 …"""

    start: int
    end: int
    value: float
    value_hi: float | None
    unit: str              # magnitude and unit as written: 万亿元, 万人, %, 个百分点; "" when none
    more: bool             # 多/余: "more than" (5000多亿元, 200余家)
    after: str             # 以上 以内 以下 左右 上下 之内 or ""
    chinese: bool          # written in Chinese numerals
    text: str


def cn_to_number(token: str) -> float | None:
    """A Chinese numeral token as a number (cn2an), None when it is not one (十三五)."""
    import cn2an

    if token in ("百", "千", "万"):
        return {"百": 100.0, "千": 1000.0, "万": 10000.0}[token]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return float(cn2an.cn2an(token, "normal"))
        except (ValueError, KeyError, TypeError, IndexError):
            return None


def _number(token: str) -> float | None:
    if token[0].isdigit():
        return float(token.replace(",", ""))
    return cn_to_number(token)


def find_quantities(text: str, start: int = 0, end: int | None = None) -> list[Quantity]:
    """Every quantity in text[start:end] (view offsets)."""
    end = len(text) if end is None else end
    found: list[Quantity] = []
    pos = start
    while pos < end:
        m = QUANTITY.search(text, pos, end)
        if not m:
            break
        pos = m.end() if m.end() > m.start() else m.start() + 1
        q = _quantity(text, m)
        if q is not None:
            found.append(q)
        elif m.group("a")[0].isdigit() is False and len(m.group("a")) > 1:
            pos = m.start() + 1          # 十三五个 …: try again from the next character
    return found


def _quantity(text: str, m: re.Match) -> Quantity | None:
    a, b = m.group("a"), m.group("b")
    chinese = not a[0].isdigit()
    unit = (m.group("mag") or "") + (m.group("unit") or m.group("a_unit") or "")
    before = text[m.start() - 1] if m.start() else ""
    head_end = m.start() + len(a)
    next_char = text[head_end] if head_end < len(text) else ""
    if not chinese:
        if before and (before.isascii() and (before.isalpha() or before in "+.#") or before.isdigit()):
            return None                                      # M2, G20, 1+2+N, a number cut in two
        if before in ("/", "%", "=", "&") or re.match(r"%[0-9A-Fa-f]{2}", text[head_end:head_end + 3]):
            return None                                      # inside a web address (…/wiki/2016%E5%B9%B4…)
        if next_char and (next_char.isascii() and next_char.isalpha() or next_char == "+"):
            return None                                      # 5G, 3D, 3.0版 (3.0 then 版 has no unit: dropped below)
        if re.fullmatch(r"(19|20)\d\d", a) and (YEAR_AHEAD.match(text, head_end)
                                                 or re.match(r"-\d{1,2}-", text[head_end:head_end + 4])):
            return None                                      # 2020年, 2016-2020年, 2015-04-09
        if text.startswith(("月", "日", "号", "时", "点"), head_end) or before and before in "第前":
            return None
        if not unit:
            return None                                      # a bare number (a table cell, a phone number, a date)
        if len(a) > 1 and a[0] == "0" and a[1] != ".":
            return None                                      # 0631: a dialling code, not a quantity
    else:
        if text.startswith("分之", head_end):
            return None                                      # 三分之一: a share, not a count
        if before == "第" or not (m.group("unit") or m.group("mag")) or m.group("unit") in ("%", "‰"):
            return None
        if len(a) == 1 and a in "百千万" and m.group("unit") != "名":
            return None                                      # 千家万户, 万众: idioms, not counts
    value = _number(a)
    if value is None:
        return None
    if chinese and value < 2 and not m.group("mag"):
        return None                                          # 一个, 一项: "a", not a target
    value_hi = _number(b) if b else None
    if b and (value_hi is None or value_hi <= value):
        if m.group("dash") == "-" and not chinese:
            value_hi = None                                  # 2-1 is not a range: keep the first number only
        else:
            return None
    if unit == "年" and (re.match(r"(内|来|前|后|间|行动|计划|规划|时间|中)", text[m.end():m.end() + 2])):
        return None                                          # 三年内, 五年来, 三年行动: a span of time
    end = m.end()
    if b and value_hi is None:
        end = m.start() + len(a)
    return Quantity(start=m.start(), end=end, value=value, value_hi=value_hi, unit=unit,
                    more=bool(m.group("more") or m.group("more2")), after=m.group("after") or "",
                    chinese=chinese, text=text[m.start():end])
