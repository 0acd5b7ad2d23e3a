"""Cells a spreadsheet can never run: text starting with = + - @ (or a tab or carriage return) is what Excel,
LibreOffice and WPS read as a formula when a CSV or a workbook is opened (OWASP "CSV injection"). Such text gets
an apostrophe in front, the OWASP remedy; numbers stay numbers, so a negative value is not touched."""

from __future__ import annotations

import pandas as pd

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """value itself, or text that cannot start a formula ("'=1+1")."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of frame with every text cell and heading neutralised."""
    safe = frame.map(neutralise)
    safe.columns = [neutralise(c) for c in frame.columns]
    return safe


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """frame as CSV in UTF-8 with a byte-order mark (Excel on a Chinese Windows then reads the characters right)."""
    return neutralise_frame(frame).to_csv(index=False).encode("utf-8-sig")


_MARKDOWN = set("\\`*_{}[]()#+-.!|<>:$~&")


def markdown_literal(text) -> str:
    """text for a Streamlit element that reads Markdown (st.subheader): every Markdown or HTML character escaped
    with a backslash, so a title with "*", "<b>" or ":red[…]" shows as typed."""
    return "".join("\\" + ch if ch in _MARKDOWN else ch for ch in str(text))
