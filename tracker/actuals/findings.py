"""What a sheet holds beside the values that are read, so that nothing is lost or changed without a word: columns
and sheets with numbers that are not used, year headers that are not years, value cells under one merged range,
hidden rows, columns and sheets, CSV lines longer than their header, and the sheet's own source line.
"""

from __future__ import annotations

import re
import unicodedata

import numpy as np
import pandas as pd

from tracker.actuals.cells import column_index, column_letter
from tracker.actuals.validate import parse_year, problem
from tracker.config import FIRST_YEAR, LAST_YEAR

SHOWN = 10                     # rows or columns named in one message; the rest are counted
_HAS_DIGIT = r"[0-9０-９]"
_YEARISH = re.compile(r"^(?:[0-9]+(?:\.[0-9]+)?|[〇○零一二三四五六七八九十]{2,4})\s*(?:年度|年)?(?:[(\[].*)?$")
_SOURCE_LINE = re.compile(r"^\s*(?:数据来源|资料来源|来源)\s*[::]\s*(\S.*?)\s*$")


def year_like(text: str) -> bool:
    """A header that reads like a year but is not one the reader takes: 2017.5, 18年, 二〇一九年, 1890."""
    folded = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
    if not folded or not _YEARISH.match(folded):
        return False
    year = parse_year(folded)[0]
    return year is None or not FIRST_YEAR <= year <= LAST_YEAR


def unused_columns(texts: pd.DataFrame, header: int, used: set[int], sheet: str) -> list[pd.DataFrame]:
    """An error for each column with numbers under a year-like header, a warning for each other unused column
    with numbers (a year column beside a long table, a column without a header)."""
    body = texts.iloc[header + 1:]
    found = []
    for c in texts.columns:
        if c in used or body.empty:
            continue
        title = texts.at[header, c]
        if not body[c].str.contains(_HAS_DIGIT, regex=True).any():
            continue
        if year_like(title):
            found.append(problem("error", "bad_year_header", sheet=sheet, row=header + 1, column=column_letter(c),
                                 cell=title, header=title))
        else:
            found.append(problem("warning", "unused_column", sheet=sheet, row=header + 1, column=column_letter(c),
                                 cell=title, header=title))
    return found


def holds_numbers(grid: list[list]) -> bool:
    """Whether a sheet has a numeric cell (a notes sheet has none)."""
    return any(isinstance(v, int | float) and not isinstance(v, bool) for row in grid for v in row)


def merged_values(raw: pd.DataFrame, merged: list[tuple[int, int, int, int]], sheet: str):
    """(raw without the value cells under a merged range, one error per such range): a number merged over several
    years or rows belongs to none of them in particular."""
    if raw.empty or not merged:
        return raw, []
    rows = raw["value_row"].to_numpy(dtype="int64") - 1
    cols = raw["value_col"].map({c: column_index(c) for c in raw["value_col"].unique()}).to_numpy()
    hit = np.zeros(len(raw), dtype=bool)
    found = []
    value_columns = set(cols.tolist())
    for r0, c0, r1, c1 in merged:
        if (r0, c0) == (r1, c1) or not value_columns & set(range(c0, c1 + 1)):
            continue
        inside = (rows >= r0) & (rows <= r1) & (cols >= c0) & (cols <= c1)
        if not inside.any():
            continue
        hit |= inside
        top = raw[inside].iloc[0]
        found.append(problem("error", "merged_value", sheet=sheet, row=r0 + 1, column=column_letter(c0),
                             cell=top["value"], range=f"{column_letter(c0)}{r0 + 1}:{column_letter(c1)}{r1 + 1}"))
    return raw[~hit], found


def hidden(raw: pd.DataFrame, hidden_rows: set[int], hidden_columns: set[int], used: set[int], sheet: str):
    """A warning naming the hidden rows that hold values, and one naming the hidden columns that are read."""
    found = []
    if hidden_rows and not raw.empty:
        rows = sorted(set(raw["value_row"].dropna().astype(int)) & {r + 1 for r in hidden_rows})
        if rows:
            found.append(problem("warning", "hidden_rows", sheet=sheet, name=sheet, rows=_listed(map(str, rows)), n=len(rows)))
    columns = sorted(hidden_columns & used)
    if columns:
        found.append(problem("warning", "hidden_columns", sheet=sheet, name=sheet, columns=_listed(map(column_letter, columns)),
                             n=len(columns)))
    return found


def csv_extra_fields(texts: pd.DataFrame, widths: list[int], header: int, sheet: str):
    """(body rows to drop, one error per CSV line with more fields than its header holding something there): an
    unquoted 2,504 splits into 2 and 504."""
    width = widths[header]
    long_lines = [i for i in range(header + 1, len(widths)) if widths[i] > width]
    found, drop = [], []
    for i in long_lines:
        extra = [t for t in texts.iloc[i, width:widths[i]] if t]
        if extra:
            drop.append(i)
            found.append(problem("error", "csv_extra_fields", sheet=sheet, row=i + 1, column=column_letter(width),
                                 cell="、".join(extra)[:50], n=widths[i], header=width))
    return drop, found


def source_line(texts: pd.DataFrame, header: int) -> str | None:
    """The sheet's own 数据来源/资料来源 line, above the header or below the table ('数据来源:市统计局' → '市统计局')."""
    for c in texts.columns:
        col = texts[c]
        marked = col[col.str.contains(r"来源\s*[::]", regex=True)]
        for i, text in marked.items():
            if i == header:
                continue
            match = _SOURCE_LINE.match(unicodedata.normalize("NFKC", text))
            if match:
                return match.group(1)
    return None


def _listed(items) -> str:
    items = list(items)
    return "、".join(items[:SHOWN]) + ("…" if len(items) > SHOWN else "")
