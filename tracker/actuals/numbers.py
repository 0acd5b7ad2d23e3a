"""A value cell's text → a number, the unit written in it and its qualifier, or the reason it is not a number.

Only what a clerk can see is read: ASCII or full-width digits, a thousands comma, a decimal point, an exponent, a
unit and a qualifier (余, 以上 …). Anything that would change the value silently is refused instead: digits NFKC
would invent (① → 1, 1² → 12), spaces inside a number (24 1.5), Excel error values (#DIV/0!), and magnitudes no
indicator can have (1e309 is infinite, 1e308 is not a count of anything).
"""

from __future__ import annotations

import re
import unicodedata

import numpy as np
import pandas as pd

# Blank-like cells: what clerks write for "no figure". NFKC has already turned "－", "／" into "-", "/" and "…" into
# "...", so both spellings of the ellipsis are listed.
MISSING_MARKERS = frozenset({"", "-", "--", "—", "——", "―", "――", "–", "/", "…", "……", "...", "......", "暂无", "无数据",
                             "未统计"})
# What Excel shows in a cell whose formula failed (also found as text in exported CSV files).
EXCEL_ERRORS = frozenset({"#DIV/0!", "#N/A", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!", "#CALC!",
                          "#GETTING_DATA", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!"})
# No indicator of the catalogue comes near this in its own unit (亿元, 家, %, 人 …): a larger number is a slip.
MAX_ABS_VALUE = 1e12

_VALUE_RE = re.compile(
    r"^(?P<pre>约|近|超过|逾|达)?"
    r"(?P<num>[+-]?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?|[+-]?\.[0-9]+)"
    r"(?P<qual>余|多)?(?P<unit>[^0-9,.]*?)(?P<post>以上|左右|多|余)?$"
)
_SPACE_IN_NUMBER = re.compile(r"[0-9][\s\u3000]+[0-9.,]|[0-9.,][\s\u3000]+[0-9]")
_FULL_WIDTH_DIGITS = frozenset("０１２３４５６７８９")


def fold(text: pd.Series) -> pd.Series:
    """NFKC width folding without spaces: '２，１１０ 家' → '2,110家'."""
    return text.astype("str").fillna("").str.normalize("NFKC").str.replace(r"\s+", "", regex=True)


def lookalike(text: str) -> str | None:
    """The first character that NFKC would read as a digit although it is not one a clerk types (①, ², ٢), or None."""
    for ch in text:
        if ch.isascii() or ch in _FULL_WIDTH_DIGITS:
            continue
        if unicodedata.category(ch) in ("Nd", "No") or any(c.isdigit() for c in unicodedata.normalize("NFKC", ch)):
            return ch
    return None


def parse_numbers(text: pd.Series) -> pd.DataFrame:
    """Cell texts → number, unit written in the cell, qualifier, the offending character; status ok | missing |
    invalid | excel_error | lookalike | space_in_number | too_large (vectorised; per distinct text where needed)."""
    raw = text.astype("str").fillna("")
    folded = fold(raw)
    parts = folded.str.extract(_VALUE_RE)
    missing = folded.isin(MISSING_MARKERS)
    number = pd.to_numeric(parts["num"].str.replace(",", "", regex=False), errors="coerce")
    status = pd.Series(np.where(missing, "missing", np.where(number.notna(), "ok", "invalid")), index=text.index,
                       dtype=object)
    status[folded.str.upper().isin(EXCEL_ERRORS)] = "excel_error"
    status[(status == "ok") & (~np.isfinite(number.fillna(0)) | (number.abs() > MAX_ABS_VALUE))] = "too_large"
    spaced = raw.str.normalize("NFKC").str.contains(_SPACE_IN_NUMBER)
    status[spaced & status.isin(["ok", "invalid"])] = "space_in_number"
    odd = pd.Series("", index=text.index, dtype=object)
    foreign = ~raw.str.isascii() & ~missing
    if foreign.any():
        distinct = {t: lookalike(t) for t in raw[foreign].unique()}
        odd = raw.map(distinct).where(foreign, "").fillna("")
        status[odd != ""] = "lookalike"
    usable = status == "ok"
    qualifier = parts["pre"].fillna("") + parts["qual"].fillna("") + parts["post"].fillna("")
    return pd.DataFrame({
        "number": number.where(usable),
        "cell_unit": parts["unit"].fillna(""),
        "qualifier": qualifier,
        "status": status,
        "character": odd,
    }, index=text.index)
