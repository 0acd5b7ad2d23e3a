"""The matching view of a document's text: what the rules read, with a map back to the original characters.

The rules match a compact, normalised copy of the text — full-width forms folded (２０２０％ → 2020%), traditional
characters as simplified (t2s, character by character), zero-width characters and spaces inside a line dropped,
and a line break inside a sentence dropped — while every proposal's quote is cut from the original text through
the offset map, so it stays an exact substring in the document's own characters.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from tracker.catalogue.text import to_simplified

ZERO_WIDTH = {"\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad"}
# Dashes that join the two ends of a range (3―5家, 8%—10%, 6.5%－7%) all read as "-" in the view.
DASHES = {"―": "-", "—": "-", "–": "-", "‐": "-", "‑": "-", "‒": "-", "~": "-", "〜": "-"}
TERMINAL = set("。！？!?;；:：")
MIN_BROKEN_LINE = 20       # a line at least this long that stops without punctuation continues on the next line


@dataclass(frozen=True)
class View:
    """text: the normalised view; origin[i]: index in the original text of text[i]; original: the original."""

    text: str
    origin: tuple[int, ...]
    original: str

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original span [start, end) of the view span [start, end)."""
        return self.origin[start], self.origin[end - 1] + 1

    def quote(self, start: int, end: int) -> str:
        a, b = self.span(start, end)
        return self.original[a:b]


def _fold(char: str) -> str:
    if char in DASHES:
        return "-"
    folded = unicodedata.normalize("NFKC", char)
    return folded if len(folded) == 1 else char


def build_view(text: str) -> View:
    """The normalised view of text and its offset map."""
    simplified = to_simplified(text)
    if len(simplified) != len(text):           # t2s is character for character in practice; never trust it blindly
        simplified = "".join(c if len(s := to_simplified(c)) != 1 else s for c in text)
    lines = text.split("\n")
    out: list[str] = []
    origin: list[int] = []
    offset = 0
    for n, line in enumerate(lines):
        for i, char in enumerate(line):
            if char in ZERO_WIDTH:
                continue
            folded = _fold(simplified[offset + i])
            if char == "\t":
                # A tab separates table cells (docx and HTML rows): kept, once.
                if out and out[-1] not in "\t\n":
                    out.append("\t")
                    origin.append(offset + i)
                continue
            if folded.isspace():
                # Spaces inside Chinese text are layout; one is kept between two Latin letters or digits.
                prev = out[-1] if out and out[-1] != "\n" else ""
                nxt = next((c for c in line[i + 1:] if not c.isspace() and c not in ZERO_WIDTH), "")
                if prev.isascii() and prev.isalnum() and nxt.isascii() and nxt.isalnum() and out[-1] != " ":
                    out.append(" ")
                    origin.append(offset + i)
                continue
            out.append(folded)
            origin.append(offset + i)
        offset += len(line) + 1
        if n < len(lines) - 1:
            out.append("\n")
            origin.append(offset - 1)
    view_text = "".join(out)
    return _join_broken_lines(View(view_text, tuple(origin), text))


def _join_broken_lines(view: View) -> View:
    """Drop the line breaks (and the blank lines after them) that cut a sentence of running text in two."""
    text, origin = view.text, view.origin
    keep = [True] * len(text)
    for m in re.finditer(r"\n+", text):
        line_start = text.rfind("\n", 0, m.start()) + 1
        previous = text[line_start:m.start()]
        line_end = text.find("\n", m.end())
        following = text[m.end():line_end if line_end >= 0 else len(text)]
        # Both sides must look like running text: a table cell or a title is a short line on its own, and a line
        # with a tab is a table row (docx, HTML), however long.
        if ("\t" not in previous and "\t" not in following and len(previous) >= MIN_BROKEN_LINE and previous[-1] not in TERMINAL and _is_han(previous[-1])
                and following and _is_han(following[0]) and not _starts_block(following)
                and not (_starts_block(previous) and len(previous) <= 40)
                and (len(following) >= MIN_BROKEN_LINE or following[-1] in TERMINAL)):
            for i in range(m.start(), m.end()):
                keep[i] = False
    if all(keep):
        return view
    return View("".join(c for c, k in zip(text, keep, strict=True) if k),
                tuple(o for o, k in zip(origin, keep, strict=True) if k), view.original)


_BLOCK_START = re.compile(r"^(第[一二三四五六七八九十百零〇\d]+[章节条部篇]|[一二三四五六七八九十]+、|\([一二三四五六七八九十\d]+\)"
                          r"|\d+[.、]|专栏|[一二三四五六七八九十]是|附件|附表|——)")


def _starts_block(text: str) -> bool:
    return bool(_BLOCK_START.match(text))


def _is_han(char: str) -> bool:
    return "\u4e00" <= char <= "\u9fff"
