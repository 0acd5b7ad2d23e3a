"""Chinese text helpers: traditional → simplified characters (OpenCC character conversion, no rewording)."""

from __future__ import annotations

from functools import lru_cache

import opencc

TRADITIONAL = "traditional"


@lru_cache(maxsize=1)
def _converter() -> opencc.OpenCC:
    # t2s converts characters only. The phrase conversions (tw2sp, t2tw …) also replace words by "equivalent"
    # idioms and change what the document says: 核心產品 → 内核产品, 建立健全 → 创建健全, 新增 → 添加, and they
    # rewrite simplified text too. Taiwan-style wording in seed 000 (網際網路, 積體電路) therefore stays as written,
    # in simplified characters (网际网路, 积体电路); the catalogue's notes say what it means.
    return opencc.OpenCC("t2s")


def to_simplified(text: str | None) -> str | None:
    """Simplified characters of a traditional-character text, character by character (None stays None).

    Only for text known to be in traditional characters, or for matching keys that are converted on both sides
    (names.normalise_name): simplified text is not guaranteed to come back unchanged (乾 → 干)."""
    if text is None:
        return None
    return _converter().convert(text)


def display_form(text: str | None, script: str | None) -> str | None:
    """The text as shown to users: converted when its source is written in traditional characters (a plan's
    ``script: traditional``), returned as it is otherwise, e.g. for anything a reviewer wrote."""
    return to_simplified(text) if script == TRADITIONAL else text
