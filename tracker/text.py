"""Chinese text helpers: traditional → simplified display names."""

from __future__ import annotations

from functools import lru_cache

import opencc


@lru_cache(maxsize=1)
def _converter() -> opencc.OpenCC:
    # tw2sp, not plain t2s: seed 000 went through a Taiwan-locale converter on its way to the web
    # (積體電路, 網際網路, 資訊), and tw2sp also maps those phrases back to mainland usage (集成电路, 互联网, 信息).
    return opencc.OpenCC("tw2sp")


def to_simplified(text: str | None) -> str | None:
    """Simplified-Chinese display form of a traditional-character text (None stays None)."""
    if text is None:
        return None
    return _converter().convert(text)
