"""The units a plan names for each task: (牵头单位:区科技局;责任单位:区经济信息委、区招商投资局).

A Chinese implementation plan closes each task with the units that lead it and the units responsible for it; every
target stated in that task belongs to them. Pure functions of the text: the ETL reads the seeds with them and the
review of a new plan reads its document the same way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tracker.intake.sections import Outline

# Same-length replacements, so that offsets in the folded text are offsets in the original.
_FOLD = str.maketrans("（）：；，", "():;,")
_ROLE_WORDS = {"lead": r"牵头(?:单位|部门)", "responsible": r"(?:责任|配合|参与)(?:单位|部门)"}
BLOCK = re.compile(
    r"\(\s*(?P<first>牵头(?:单位|部门)|(?:责任|配合|参与)(?:单位|部门))\s*:\s*(?P<first_units>[^;)]*?)\s*"
    r"(?:;\s*(?P<second>(?:责任|配合|参与)(?:单位|部门))\s*:\s*(?P<second_units>[^)]*?)\s*)?\)",
    re.S,
)
_SPLIT = re.compile(r"[、,\s]+|和(?=区|市|县|省)")
ROLES = ("lead", "responsible")


@dataclass(frozen=True)
class UnitsBlock:
    """One parenthesis naming units, and the task (the text under its innermost heading) it closes."""

    start: int                  # offset of the parenthesis in the text
    end: int
    task_start: int             # offset of the task's heading (or the previous block's end)
    task_title: str
    lead: tuple[str, ...]
    responsible: tuple[str, ...]
    quote: str                  # the parenthesis as the text writes it

    def covers(self, offset: int) -> bool:
        return self.task_start <= offset < self.start


def _names(text: str | None) -> tuple[str, ...]:
    names = [n.strip(" .。") for n in _SPLIT.split(text or "")]
    return tuple(dict.fromkeys(n for n in names if n))


def read_blocks(text: str) -> list[UnitsBlock]:
    """Every 牵头单位/责任单位 parenthesis of a text with the task it closes, in text order."""
    folded = text.translate(_FOLD)
    outline = Outline(folded)
    blocks: list[UnitsBlock] = []
    previous_end = 0
    for m in BLOCK.finditer(folded):
        roles = {"lead": (), "responsible": ()}
        for which in ("first", "second"):
            word = m.group(which)
            if word:
                role = "lead" if re.fullmatch(_ROLE_WORDS["lead"], word) else "responsible"
                roles[role] = roles[role] + _names(m.group(f"{which}_units"))
        chain = outline.chain(m.start())
        heading = chain[-1] if chain else None
        task_start = max(heading.start, previous_end) if heading else previous_end
        blocks.append(UnitsBlock(m.start(), m.end(), task_start, heading.title if heading else "",
                                 roles["lead"], roles["responsible"], text[m.start():m.end()]))
        previous_end = m.end()
    return blocks


def units_of_offsets(text: str, offsets: dict[str, int]) -> list[dict]:
    """The units of each target (by the offset of its quote in text): rows of target_id, role, unit_name, seq,
    quote (the parenthesis) and quote_offset, for the targets inside a task that names its units."""
    blocks = read_blocks(text)
    rows = []
    for target_id, offset in offsets.items():
        block = next((b for b in blocks if b.covers(offset)), None)
        if block is None:
            continue
        for role in ROLES:
            for seq, name in enumerate(getattr(block, role), start=1):
                rows.append({"target_id": target_id, "role": role, "unit_name": name, "seq": seq,
                             "quote": block.quote, "quote_offset": block.start})
    return rows
