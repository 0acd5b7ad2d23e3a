"""Parse the flattened 专栏 tables of seed 003 (十二五 results, 十三五 targets) from the text.

The web page flattened each table to one cell per line, with blank lines, stray indentation and non-breaking spaces
between them, and lost the closing bracket of most name cells. The shape, before and after:

      专栏2 “十三五”科技创新发展规划指标与目标值表        ->  TableRow(seq=2, name="研究与试验发展经费投入强度",
    序号 / 指标 / 属性 / 2015 / 指标值 / 2020 / 目标值             unit="%", unit_repaired=True, binding="预期性",
      2                                                         values={2015: 1.57, 2020: 2.5}, …)
      研究与试验发展经费投入强度(%
      预期性
      1.57
      2.5

A row is a sequence number followed by a name cell carrying its unit in brackets; its cells are the next lines
that look like cells (numbers, "——", 属性, or a change text such as "增长0.3个百分点"). Any other line inside the
table is page furniture and is reported, not parsed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

HEADING_RE = re.compile(r"^专栏\s*(\d+)\s*(.*)$")
# The table ends at the next chapter or section heading.
END_RE = re.compile(r"^(第[一二三四五六七八九十]+章|[一二三四五六七八九十]+、|专栏\s*\d+)")
YEAR_RE = re.compile(r"^(19|20)\d\d$")
NUMBER_RE = re.compile(r"^-?\d+(\.\d+)?$")
MISSING = {"——", "—", "-", "--", "/", ""}
NAME_RE = re.compile(r"^(?P<name>[^((]*[\u4e00-\u9fff][^((]*)[((](?P<unit>[^))]*)(?P<close>[))])?$")
BINDING = {"预期性", "约束性"}
CHANGE_RE = re.compile(r"^(增长|增加|减少|下降|提高)")


@dataclass
class TableRow:
    seq: int
    name: str
    unit: str
    unit_repaired: bool                 # the closing bracket was missing in the text
    binding: str | None
    values: dict[int, float | None]     # year -> value (None where the table prints ——)
    change: str | None                  # the 专栏1 “十二五”变化 text
    quote: str                          # exact substring of the seed: name cell through the last cell


@dataclass
class Table:
    number: int
    title: str
    year_labels: dict[int, str]         # year -> 指标值 | 目标值
    rows: list[TableRow] = field(default_factory=list)
    furniture: list[str] = field(default_factory=list)   # lines inside the table that are not cells


def _lines_with_offsets(text: str):
    offset = 0
    for line in text.split("\n"):
        yield offset, line
        offset += len(line) + 1


def _is_cell(cell: str) -> bool:
    return bool(NUMBER_RE.match(cell)) or cell in MISSING or cell in BINDING or bool(CHANGE_RE.match(cell))


def parse_table(text: str, number: int) -> Table:
    """Parse 专栏<number> of the text; raise ValueError when it cannot be found or read."""
    lines = [(off, raw, raw.strip()) for off, raw in _lines_with_offsets(text)]
    start = next((i for i, (_, _, s) in enumerate(lines)
                  if (m := HEADING_RE.match(s)) and int(m.group(1)) == number), None)
    if start is None:
        raise ValueError(f"专栏{number} not found")
    title = HEADING_RE.match(lines[start][2]).group(2).strip()
    end = next((i for i in range(start + 1, len(lines)) if END_RE.match(lines[i][2])), len(lines))
    body = [(off, raw, s) for off, raw, s in lines[start + 1:end] if s]

    table = Table(number=number, title=title, year_labels={})
    # Header: everything before the first row number; years pair with the label on the next line.
    i = 0
    while i < len(body) and body[i][2] != "1":
        s = body[i][2]
        if YEAR_RE.match(s):
            label = body[i + 1][2] if i + 1 < len(body) else ""
            table.year_labels[int(s)] = label
        i += 1
    years = sorted(table.year_labels)
    if not years:
        raise ValueError(f"专栏{number}: no year columns in the header")

    expected = 1
    while i < len(body):
        off, _, s = body[i]
        is_row_start = (
            s == str(expected)
            and i + 1 < len(body)
            and NAME_RE.match(body[i + 1][2]) is not None
        )
        if not is_row_start:
            table.furniture.append(s)
            i += 1
            continue
        name_off, name_raw, name_cell = body[i + 1]
        m = NAME_RE.match(name_cell)
        cells, last_end, j = [], None, i + 2
        # A row has one value per year, plus 属性 and/or a change text; stop at the next row number.
        while j < len(body) and len(cells) < len(years) + 2:
            cell_off, cell_raw, cell = body[j]
            if cell == str(expected + 1) and j + 1 < len(body) and NAME_RE.match(body[j + 1][2]):
                break
            if _is_cell(cell):
                cells.append(cell)
                last_end = cell_off + len(cell_raw.rstrip())
            else:
                table.furniture.append(cell)
            j += 1
        binding = next((c for c in cells if c in BINDING), None)
        change = next((c for c in cells if CHANGE_RE.match(c)), None)
        # 专栏1 writes "——" for an unknown change too: the value cells are the first len(years) of the rest.
        value_cells = [c for c in cells if c not in BINDING and not CHANGE_RE.match(c)][: len(years)]
        if len(value_cells) != len(years):
            raise ValueError(f"专栏{number} row {expected} ({m.group('name')}): expected {len(years)} values, "
                             f"found {value_cells}")
        values = {y: (None if c in MISSING else float(c)) for y, c in zip(years, value_cells, strict=True)}
        name_start = name_off + (len(name_raw) - len(name_raw.lstrip()))
        table.rows.append(TableRow(
            seq=expected,
            name=m.group("name").strip(),
            unit=m.group("unit").strip(),
            unit_repaired=m.group("close") is None,
            binding=binding,
            values=values,
            change=change,
            quote=text[name_start:last_end],
        ))
        expected += 1
        i = j
    if not table.rows:
        raise ValueError(f"专栏{number}: no rows found")
    return table
