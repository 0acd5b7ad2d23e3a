"""The outline of a document (headings and their levels) and what a heading says about the text under it:
a review of past results, a year (三、2016年重点工作), or a five-year-plan horizon (“十三五”时期 → 2020)."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

CN_NUM = "一二三四五六七八九十"
HEADING = [
    (1, re.compile(rf"^(第[{CN_NUM}百零〇\d]+[章篇部分]+|[{CN_NUM}]+、)")),
    (2, re.compile(rf"^(第[{CN_NUM}百零〇\d]+节|\([{CN_NUM}]+\))")),
    (3, re.compile(r"^(\d{1,2}[.、](?!\d)|\(\d{1,2}\))")),
    (2, re.compile(r"^(专栏\s*\d+)")),
]
MAX_TITLE = 40
# Words of a heading over a review of what was done (the facts of a report, not its targets).
REVIEW_WORDS = re.compile(r"回顾|发展基础|现实基础|工作基础|发展现状|基本情况|主要成就|取得成效|工作成效|完成情况|进展情况|"
                          r"工作总结|成绩|取得的成就")
YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)年")
FIVE_YEAR_PLAN = re.compile(r"[“\"']?十([一二三四五六七八九])五[”\"']?(?:时期|期间|规划|末|以来)?")


def five_year_plan_years(numeral: str) -> tuple[int, int]:
    """The years of the N-th five-year plan from the digit after 十 (十三五 → 2016–2020; 十一五 began in 2006)."""
    n = 10 + "一二三四五六七八九".index(numeral) + 1
    start = 2006 + 5 * (n - 11)
    return start, start + 4


@dataclass(frozen=True)
class Heading:
    start: int           # view offset of the heading line
    end: int             # view offset of the heading's end (its line, or its first sentence when inline)
    level: int
    title: str


class Outline:
    """The headings of a view, and the chain of headings over any offset."""

    def __init__(self, text: str):
        self.headings: list[Heading] = []
        offset = 0
        for line in text.split("\n"):
            stripped = line.strip()
            for level, pattern in HEADING:
                if pattern.match(stripped):
                    title = re.split(r"[。;]", stripped, maxsplit=1)[0]
                    if len(title) <= MAX_TITLE:
                        self.headings.append(Heading(offset, offset + len(title), level, title))
                    break
            offset += len(line) + 1
        if any(h.title.startswith("第") and h.level == 1 and re.match(r"^第.{1,4}[章篇部]", h.title)
               for h in self.headings):
            # Under 第X章 the 一、 headings are sections of a chapter, and (一) items one level further down.
            self.headings = [h if re.match(r"^第.{1,4}[章篇部]", h.title) or h.title.startswith("专栏")
                             else Heading(h.start, h.end, h.level + 1, h.title) for h in self.headings]
        self._starts = [h.start for h in self.headings]

    def chain(self, pos: int) -> list[Heading]:
        """The headings pos lies under, outermost first (a heading ends at the next one of its level or above)."""
        i = bisect.bisect_right(self._starts, pos) - 1
        chain: list[Heading] = []
        level = 99
        while i >= 0:
            h = self.headings[i]
            if h.level < level:
                chain.append(h)
                level = h.level
            i -= 1
        return chain[::-1]

    def path(self, pos: int) -> str:
        """The section path as the catalogue writes it: 二、明确总体要求 / (二)主要目标."""
        return " / ".join(h.title for h in self.chain(pos))

    def is_review(self, pos: int) -> bool:
        return any(REVIEW_WORDS.search(h.title) for h in self.chain(pos))

    def year(self, pos: int) -> tuple[int, str] | None:
        """(year, how) from the innermost heading that names one: a year, or a five-year plan's last year."""
        for h in reversed(self.chain(pos)):
            # The latest year a heading names: “十三五”时期发展成就和“十四五”时期主要目标任务 is about 十四五.
            years = [int(y) for y in YEAR.findall(h.title)]
            years += [five_year_plan_years(m.group(1))[1] for m in FIVE_YEAR_PLAN.finditer(h.title)]
            if years:
                return max(years), "section_year"
        return None
