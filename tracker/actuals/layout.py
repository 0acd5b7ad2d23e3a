"""Where the table of a sheet starts and how it is laid out: the header row, the role of each column (地区, 指标,
数值 …, year columns, indicator columns) and the body as the raw long table of tracker.actuals.validate.

    long             地区 | 指标 | 年份 | 数值 | 单位 | 来源/口径 | 备注 | 快报/年报 | 修订原因   (any order, some optional)
    wide_years       地区 | 指标(亿元) | 单位 | 2015 | 2016年 | 2017年(快报) | …            (years across)
    wide_indicators  地区 | 年份 | 技术合同成交额(亿元) | 高新技术企业(家) | …          (indicators across)
"""

from __future__ import annotations

import re
import unicodedata

import opencc
import pandas as pd

from tracker.actuals.cells import column_letter
from tracker.actuals.validate import POSITIONED, RAW_COLUMNS, Reference, empty_raw, parse_year, split_unit, unit_token
from tracker.catalogue.text import to_simplified
from tracker.config import FIRST_YEAR, LAST_YEAR

HEADER_SCAN = 30                 # rows searched for the header
# Header words for each field of the long table (after NFKC, without spaces and a bracketed unit).
HEADER_WORDS = {
    "region": {"地区", "区域", "地区名称", "行政区划", "行政区", "区县", "城市", "地市", "区县名称"},
    "indicator": {"指标", "指标名称", "项目", "名称", "指标项", "统计指标", "指标项目"},
    "year": {"年份", "年度", "年", "时间", "统计年度", "数据年份"},
    "value": {"数值", "数据", "值", "实际值", "完成值", "指标值", "统计值", "实绩", "数量", "完成数"},
    "unit": {"单位", "计量单位"},
    "source": {"来源/口径", "来源", "口径", "数据来源", "统计口径", "来源口径", "资料来源"},
    "note": {"备注", "说明", "注"},
    "vintage": {"快报/年报", "数据类型", "版本", "快报年报", "数据版本", "数据性质"},
    "reason": {"修订原因", "原因", "修订说明", "调整原因"},
    # a unit below the region with its own series (an industry base, a park): the row's value is that unit's
    "breakdown": {"基地", "产业基地", "所属基地", "基地名称", "园区", "园区名称", "分解单位", "下级单位"},
}
# Traditional spellings too, converted once here: looking a header up through to_simplified alone is not enough,
# because the Taiwan-phrase converter turns 指標 into 指针 ("pointer").
# One converter for all the words: building one costs ~90 ms, and the reader is imported by every upload.
_TO_TRADITIONAL = opencc.OpenCC("s2t")
_WORD_ROLE = {form: role for role, words in HEADER_WORDS.items() for w in words
              for form in (w, _TO_TRADITIONAL.convert(w))}


def header_word(text: str) -> tuple[str | None, str | None]:
    """(field, unit) of a header cell: '数值(亿元)' → ('value', '亿元'); '地区*' → ('region', None)."""
    folded = re.sub(r"[\s*※]", "", unicodedata.normalize("NFKC", text))
    role = _WORD_ROLE.get(folded) or _WORD_ROLE.get(to_simplified(folded))
    if role:
        return role, None
    match = re.match(r"^(.*?)[(\[]([^()\[\]]*)[)\]]?$", folded)
    if match and _WORD_ROLE.get(match.group(1)):
        return _WORD_ROLE[match.group(1)], unit_token(match.group(2))
    return None, None


def detect(texts: list[list[str]], ref: Reference):
    """(header row index, layout, roles) of the best header among the first rows, or None."""
    best = None
    for i, row in enumerate(texts[:HEADER_SCAN]):
        # A header cell left blank under a vertically merged label (CSV exports, unmerged copies) takes the label.
        above = texts[i - 1] if i else [""] * len(row)
        cells = [t or (above[c] if c < len(above) and header_word(above[c])[0] else "") for c, t in enumerate(row)]
        roles, years, indicators = {}, {}, {}
        for c, t in enumerate(cells):
            if not t:
                continue
            role, unit = header_word(t)
            if role and role not in {r for r, _ in roles.values()}:
                roles[c] = (role, unit)
                continue
            year, vintage = parse_year(t)
            if year and FIRST_YEAR <= year <= LAST_YEAR:
                years[c] = (t, vintage)
                continue
            if ref.indicators.resolve(split_unit(t)[0]):
                indicators[c] = t
        have = {r for r, _ in roles.values()}
        if "indicator" in have and "value" in have:
            layout, score = "long", len(roles) + 1
        elif "indicator" in have and years:
            layout, score = "wide_years", len(roles) + len(years)
        elif indicators and have & {"year", "region"}:
            layout, score = "wide_indicators", len(roles) + len(indicators)
        else:
            continue
        if score >= 2 and (best is None or score > best[0]):
            best = (score, i, layout, {"roles": roles, "years": years, "indicators": indicators, "cells": cells})
    return None if best is None else best[1:]


def to_long(texts: pd.DataFrame, header: int, layout: str, found: dict, sheet: str):
    """The body below the header as raw long rows with positions."""
    body = texts.iloc[header + 1:]
    if body.empty:
        return empty_raw()
    body = body[(body != "").any(axis=1)]
    excel_row = pd.Series(body.index + 1, index=body.index)   # grid rows start at A1: 1-based as Excel shows
    roles = {role: (c, unit) for c, (role, unit) in found["roles"].items()}

    def column(role: str):
        if role not in roles:
            return "", pd.NA, None
        c = roles[role][0]
        return body[c], excel_row, column_letter(c)

    base = {"sheet": sheet, "header_unit": "", "withdraw": False}
    for f in ("region", "indicator", "year", "unit", "vintage", "source", "note", "reason"):
        text, row, col = column(f)
        base[f] = text
        if f in POSITIONED:
            base[f"{f}_row"], base[f"{f}_col"] = row, col
    base.update(parent="", parent_row=pd.NA, parent_col=None)
    if "breakdown" in roles:      # a row naming its base is that base's value: the base is its region
        text, row, col = column("breakdown")
        named = text.fillna("").astype(str).str.strip() != ""
        if "region" in roles:     # … and the 地区 beside it must be the base's own (validate checks)
            base["parent"] = pd.Series(base["region"], index=body.index).where(named, "")
            base["parent_row"], base["parent_col"] = base["region_row"], base["region_col"]
        base["region"] = text.where(named, base["region"])
        base["region_col"] = pd.Series(col, index=body.index).where(named, base["region_col"])
        base["region_row"] = excel_row.where(named, base["region_row"])
    chunks = []
    if layout == "long":
        text, row, col = column("value")
        chunks.append(pd.DataFrame({**base, "value": text, "value_row": row, "value_col": col,
                                    "header_unit": roles["value"][1] or ""}, index=body.index))
    elif layout == "wide_years":
        for c, (year_text, vintage) in found["years"].items():
            chunk = {**base, "value": body[c], "value_row": excel_row, "value_col": column_letter(c),
                     "year": year_text, "year_row": header + 1, "year_col": column_letter(c)}
            if vintage and "vintage" not in roles:
                chunk.update(vintage=vintage, vintage_row=header + 1, vintage_col=column_letter(c))
            chunks.append(pd.DataFrame(chunk, index=body.index))
    else:  # wide_indicators: the header names the indicator (often with its unit in brackets)
        for c, name in found["indicators"].items():
            chunks.append(pd.DataFrame({**base, "value": body[c], "value_row": excel_row,
                                        "value_col": column_letter(c), "indicator": name,
                                        "indicator_row": header + 1, "indicator_col": column_letter(c)},
                                       index=body.index))
    raw = pd.concat(chunks, ignore_index=True)
    for f in POSITIONED:
        raw[f"{f}_row"] = raw[f"{f}_row"].astype("Int64")
    return raw[RAW_COLUMNS]


