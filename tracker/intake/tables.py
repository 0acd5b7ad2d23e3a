"""Indicator tables (专栏 / 主要指标): rows of a name with its unit, 属性 and one value per year column.

Two shapes reach this module. A web page flattened to one cell per line (seed 003's 专栏2):

    专栏2 “十三五”科技创新发展规划指标与目标值表      →  row: 研究与试验发展经费投入强度, unit %, 预期性,
    序号 / 指标 / 属性 / 2015 / 指标值 / 2020 / 目标值          values {2015: 1.57, 2020: 2.5}
    2 / 研究与试验发展经费投入强度(% / 预期性 / 1.57 / 2.5

and a real table (docx, HTML) whose row is one line with cells apart by a tab. Either way the header must name
years; the latest year is the target year when it is not before the plan's start (a table of past years only, such
as a 完成情况 table, holds stated values), and the year before it is the base year.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

TABLE_TITLE = re.compile(r"^(专栏\s*\d+|.{0,30}(主要指标|指标表|目标值表|指标体系|目标表|指标与目标))")
UNIT_HEADERS = ("单位", "计量单位", "指标单位")
YEAR_CELL = re.compile(r"^((?:19|20)\d\d)年?(?:目标值?|指标值|基期|规划值|预期值)?$")
VALUE_CELL = re.compile(r"^(?P<cmp>≥|>=|>|≤|<=|<|约)?(?P<num>-?\d+(?:\.\d+)?)(?P<unit>%|‰)?(?P<after>以上|以下|以内|左右)?"
                        r"(?P<ann>\[\d+\]|\*)?$")
MISSING = {"——", "—", "-", "--", "/", "…"}
BINDING = {"预期性", "约束性"}
CHANGE = re.compile(r"^(累计)?(增长|增加|减少|下降|提高|降低)")
NAME = re.compile(r"^(?P<name>[^()]*[\u4e00-\u9fff][^()]*?)(?:\((?P<unit>[^()]*)\)?)?$")
SEQ = re.compile(r"^\d{1,3}$")
HEADER_WORD = re.compile(r"^(序号|编号|指标|指标名称|名称|属性|指标属性|单位|指标值|目标值|基期值|规划值|预期值|现状值|类别|备注|"
                         r"年均增长|累计|“?十.五”?(变化|累计|年均增长)|[((].*[))])$")
MAX_CELL = 40          # a longer line is running text: the table has ended


@dataclass(frozen=True)
class Cell:
    text: str
    start: int          # view offsets
    end: int


@dataclass(frozen=True)
class TableRow:
    name: str
    unit: str
    unit_repaired: bool
    binding: str | None
    values: dict[int, float | None]
    comparators: dict[int, str | None]
    start: int          # view offsets of the quote: name cell through the last value cell
    end: int


@dataclass(frozen=True)
class Table:
    title: str
    start: int
    end: int
    years: tuple[int, ...]
    rows: tuple[TableRow, ...]


def _is_value(text: str) -> bool:
    return bool(VALUE_CELL.match(text)) or text in MISSING


def _is_name(text: str) -> bool:
    return bool(re.search(r"[\u4e00-\u9fff]", text)) and text not in BINDING and not CHANGE.match(text) \
        and not HEADER_WORD.match(text) \
        and not YEAR_CELL.match(text) and len(text) <= MAX_CELL


def _lines(text: str, start: int, end: int):
    offset = start
    for line in text[start:end].split("\n"):
        yield offset, line
        offset += len(line) + 1


def find_tables(text: str) -> list[Table]:
    """Every indicator table of a view: flattened after a 专栏/主要指标 title, or tab-separated rows."""
    tables: list[Table] = []
    lines = list(_lines(text, 0, len(text)))
    i = 0
    while i < len(lines):
        off, line = lines[i]
        stripped = line.strip()
        if "\t" in stripped:
            j = i
            cells_rows = []
            while j < len(lines) and ("\t" in lines[j][1] or not lines[j][1].strip()):
                if lines[j][1].strip():
                    cells_rows.append(_split_tabs(lines[j][0], lines[j][1]))
                j += 1
            title = lines[i - 1][1].strip() if i else ""
            table = _interpret(title, cells_rows, off, lines[j - 1][0] + len(lines[j - 1][1]))
            if table:
                tables.append(table)
            i = j
            continue
        if TABLE_TITLE.match(stripped) and len(stripped) <= 60:
            cells: list[Cell] = []
            j = i + 1
            while j < len(lines):
                o, raw = lines[j]
                s = raw.strip()
                if s:
                    if len(s) > MAX_CELL or re.search(r"[。;,]", s) or TABLE_TITLE.match(s) and not _is_name(s) or re.match(r"^(第.{1,3}章|[一二三四五六七八九十]+、)", s):
                        break
                    cells.append(Cell(s, o + raw.index(s), o + raw.index(s) + len(s)))
                j += 1
            table = _interpret(stripped, _flat_rows(cells), off, cells[-1].end if cells else off)
            if table:
                tables.append(table)
                i = j
                continue
        i += 1
    return tables


def _split_tabs(offset: int, line: str) -> list[Cell]:
    cells, pos = [], offset
    for part in line.split("\t"):
        s = part.strip()
        if s:
            lead = len(part) - len(part.lstrip())
            cells.append(Cell(s, pos + lead, pos + lead + len(s)))
        pos += len(part) + 1
    return cells


def _flat_rows(cells: list[Cell]) -> list[list[Cell]]:
    """One cell per line → rows: a header row (up to the first name cell after a year), then one row per name."""
    rows: list[list[Cell]] = [[]]
    seen_year = False
    for k, cell in enumerate(cells):
        nxt = cells[k + 1] if k + 1 < len(cells) else None
        starts_row = seen_year and (_is_name(cell.text) or SEQ.match(cell.text) and nxt is not None and _is_name(nxt.text)
                                    and not _is_name(rows[-1][-1].text if rows[-1] else ""))
        if YEAR_CELL.match(cell.text):
            seen_year = True
        if starts_row and (len(rows) == 1 or any(_is_value(c.text) for c in rows[-1])) or starts_row and _is_name(cell.text) and rows[-1] and SEQ.match(rows[-1][-1].text) is None \
                and any(_is_name(c.text) for c in rows[-1]):
            rows.append([])
        rows[-1].append(cell)
    return rows


def _interpret(title: str, rows: list[list[Cell]], start: int, end: int) -> Table | None:
    if not rows:
        return None
    header_at = next((k for k, r in enumerate(rows) if sum(bool(YEAR_CELL.match(c.text)) for c in r) >= 1), None)
    if header_at is None or header_at > 2:
        return None
    years = tuple(int(YEAR_CELL.match(c.text).group(1)) for c in rows[header_at] if YEAR_CELL.match(c.text))
    # A 单位 column (docx and HTML rows keep their columns): the unit of a row whose name does not carry one.
    unit_column = next((k for k, c in enumerate(rows[header_at]) if c.text in UNIT_HEADERS), None)
    out = []
    for row in rows[header_at + 1:]:
        name_cell = next((c for c in row if _is_name(c.text)), None)
        if name_cell is None:
            continue
        after = row[row.index(name_cell) + 1:]
        value_cells = [c for c in after if _is_value(c.text)][: len(years)]
        if not value_cells:
            continue
        m = NAME.match(name_cell.text)
        name = (m.group("name") if m else name_cell.text).strip()
        unit = (m.group("unit") or "").strip() if m else ""
        values, comparators = {}, {}
        for year, cell in zip(years, value_cells, strict=False):
            vm = VALUE_CELL.match(cell.text)
            values[year] = float(vm.group("num")) if vm else None
            sign = None
            if vm and vm.group("cmp"):
                sign = {"≥": ">=", "≤": "<=", "约": "≈"}.get(vm.group("cmp"), vm.group("cmp"))
            elif vm and vm.group("after"):
                sign = {"以上": ">=", "以下": "<=", "以内": "<=", "左右": "≈"}[vm.group("after")]
            comparators[year] = sign
            if vm and vm.group("unit") and not unit:
                unit = vm.group("unit")
        if not unit and unit_column is not None and unit_column < len(row) and row[unit_column] is not name_cell \
                and not _is_value(row[unit_column].text) and len(row[unit_column].text) <= 8:
            unit = row[unit_column].text
        binding = next((c.text for c in after if c.text in BINDING), None)
        out.append(TableRow(name=name, unit=unit, unit_repaired=bool(m and m.group("unit") is not None
                                                                       and not name_cell.text.endswith(")")),
                            binding=binding, values=values, comparators=comparators,
                            start=name_cell.start, end=value_cells[-1].end))
    if not out:
        return None
    return Table(title=title, start=start, end=end, years=years, rows=tuple(out))
