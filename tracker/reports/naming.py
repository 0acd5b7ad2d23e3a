"""What tells a target apart from the plan's other targets of the same indicator and region, for table rows,
picture titles and captions (X区's four industry bases each have 组建产学研用合作团队; a milestone has a 2016 and a
2017 target). Taken from the target's own fields: its section, its subject (the words of the text) and its year."""

from __future__ import annotations

import re

import pandas as pd

from tracker.formatting import is_missing
from tracker.i18n import t

# The numbering in front of a heading: "三、", "(二)", "1. ", "第五章 ".
_NUMBERING = re.compile(r"^\s*(?:第[一二三四五六七八九十百\d]+[章节条]|[((][一二三四五六七八九十\d]+[))]|"
                        r"[一二三四五六七八九十\d]+\s*[、.．])\s*")
_BOX = re.compile(r"^(专栏\s*\d+)")
PART_SEPARATOR = " · "


def section_tail(section) -> str:
    """The innermost heading of a section path, without its numbering: "1. 建设汽车产业协同创新基地" → "建设汽车产业协同创新基地"."""
    if is_missing(section) or not str(section).strip():
        return ""
    tail = _NUMBERING.sub("", str(section).split(" / ")[-1]).strip()
    box = _BOX.match(tail)
    return box[1] if box else tail       # "专栏2 “十三五”科技创新发展规划指标与目标值表" → "专栏2"


def _text(value) -> str:
    return "" if is_missing(value) else str(value).strip()


def target_parts(targets: pd.DataFrame) -> dict[str, str]:
    """target_id → what distinguishes it ("" when nothing needs saying): its section where targets of the same
    plan, region and indicator come from different sections, then its subject where they share a section."""
    frame = targets.assign(
        part_section=[section_tail(s) for s in targets.get("section", pd.Series([None] * len(targets)))],
        part_subject=[_text(s) for s in targets.get("subject", pd.Series([None] * len(targets)))],
    )
    parts: dict[str, str] = {}
    for _, group in frame.groupby(["plan_id", "region", "indicator"], sort=False, dropna=False):
        by_section = group["part_section"].nunique() > 1
        for _, same_section in group.groupby("part_section", sort=False):
            by_subject = same_section["part_subject"].nunique() > 1
            for row in same_section.itertuples():
                words = [row.part_section if by_section else "", row.part_subject if by_subject else ""]
                parts[row.target_id] = PART_SEPARATOR.join(w for w in words if w)
    return parts


def target_title(indicator: str, region: str, part: str, target_year, lang: str = "zh") -> str:
    """A picture's title: 建成市级产学研用协同创新平台(X区) · 建设汽车产业协同创新基地 · 2022年目标."""
    words = [t("pic_indicator_region", lang, indicator=indicator, region=region)]
    if part:
        words.append(part)
    if not is_missing(target_year):
        words.append(t("pic_target_year", lang, year=int(target_year)))
    return PART_SEPARATOR.join(words)
