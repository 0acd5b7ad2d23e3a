"""The one number formatter of pages, tables, pictures and sentences (3,584家, 2.11%, 84.4%, —)."""

from __future__ import annotations

import math

MISSING = "—"


def is_missing(value) -> bool:
    """None, NaN and pandas' NA all read as missing."""
    if value is None:
        return True
    try:
        return bool(math.isnan(value))
    except TypeError:
        return str(value) in ("<NA>", "NaT")


def number(value, unit: str = "") -> str:
    """Up to two decimals below 1,000, none from 1,000 up (3,584家, not 3,583.95家); never "-0"."""
    if is_missing(value):
        return MISSING
    value = float(value)
    text = f"{value:,.2f}".rstrip("0").rstrip(".") if abs(value) < 1e3 else f"{value:,.0f}"
    if text in ("-0", "-0.0"):
        text = "0"
    return f"{text}{unit}" if unit else text


def exact(value) -> str:
    """Every significant digit, with thousands separators (1,450.5; 0.0157): what a clerk typed, for checking it;
    "" when missing."""
    return "" if is_missing(value) else f"{float(value):,.10g}"


def percent(ratio, digits: int = 1) -> str:
    """A ratio as a percentage (0.844 → 84.4%); never "-0.0%"."""
    if is_missing(ratio):
        return MISSING
    text = f"{float(ratio) * 100:.{digits}f}"
    if float(text) == 0:
        text = text.lstrip("-")
    return f"{text}%"


def difference_unit(unit: str, lang: str = "zh") -> str:
    """The unit of a difference: percentage points for a percentage (2.5% − 2.11% = 0.39个百分点)."""
    if unit == "%":
        from tracker.i18n import t  # the catalogue imports this module's formatter

        return t("unit_percentage_points", lang)
    return unit
