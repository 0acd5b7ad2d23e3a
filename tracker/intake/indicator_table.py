"""The 主要指标表 of a plan as an Excel sheet: a template to fill in, and a reader of messy sheets into Proposals.

    规划主要指标表(标题行,可有多行)                              ->  Proposal(role="target", subject="研发经费投入强度",
    序号 | 指标 | 单位 | 属性 | 2015年 | 2020年目标 | 备注                kind="level", comparator=">=", value=2.5,
    1    | 研发经费投入强度(%) |  | 预期性 | 1.57 | ≥2.5 |                 unit="%", target_year=2020, baseline_year=2015,
                                                                          baseline_value=1.57, quote="1\t研发经费…")

The stored document text is the sheet written out, one line per row with the cells apart by a tab, so each row's
quote is an exact substring of it. Headers are found among the first rows (title rows above are skipped), a merged
header cell lends its text to the cells it covers, a header may carry a year ("2020年目标") or a unit
("目标值(亿元)"), value cells may carry ≥/以上/左右/区间/年均增长, digits may be full width. Never imports streamlit.
"""

from __future__ import annotations

import re
import unicodedata
from io import BytesIO

import pandas as pd

from tracker.intake.documents import DocumentText
from tracker.intake.errors import UnreadableDocument
from tracker.intake.proposal import Proposal

TEMPLATE_COLUMNS = ["序号", "指标", "单位", "属性", "基期年", "基期值", "目标年", "目标值", "备注"]
TEMPLATE_NOTE = ("主要指标表:每行一个指标。目标值可写“≥2.5”“2.5以上”“50左右”“3-5”“年均增长12%”;单位可写在“单位”列或"
                 "指标名称后的括号里;属性填预期性或约束性。上传后逐条核对再写入。")
HEADER_SCAN = 30
_BRACKET = re.compile(r"^(?P<name>.*?)[((\[](?P<unit>[^()()\[\]]*)[))\]]?\s*$")
_YEAR = re.compile(r"((?:19|20)\d\d)\s*年?")
_NUMBER = r"\d+(?:,\d{3})*(?:\.\d+)?"      # unsigned: "3-5" is a range, not 3 and −5
_ROLE_WORDS = {
    "seq": ("序号", "编号", "No."),
    "indicator": ("指标名称", "指标", "名称", "项目", "指标项"),
    "unit": ("计量单位", "单位"),
    "binding": ("指标属性", "属性", "性质"),
    "base_year": ("基期年", "基准年", "基年"),
    "target_year": ("目标年", "规划年"),
    "base_value": ("基期值", "基数", "现状值", "基期", "现状", "基准值"),
    "target_value": ("目标值", "规划目标", "目标", "预期目标"),
    "note": ("备注", "说明"),
}
BINDINGS = ("预期性", "约束性")


def template_bytes() -> bytes:
    """An empty 主要指标表 workbook: a note row, the header, a drop-down for 属性, frozen below the header."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    ws = wb.active
    ws.title = "主要指标"
    ws.append([TEMPLATE_NOTE])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(TEMPLATE_COLUMNS))
    ws["A1"].alignment = Alignment(wrap_text=True, vertical="top")
    ws.row_dimensions[1].height = 48
    ws.append(TEMPLATE_COLUMNS)
    for cell in ws[2]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
    ws.append([1, "研究与试验发展经费投入强度", "%", "预期性", 2015, 1.57, 2020, "≥2.5", "示例行,可删除"])
    for letter, width in zip("ABCDEFGHI", (6, 36, 10, 10, 10, 12, 10, 14, 24), strict=True):
        ws.column_dimensions[letter].width = width
    binding = DataValidation(type="list", formula1='"预期性,约束性"', allow_blank=True)
    ws.add_data_validation(binding)
    binding.add("D3:D500")
    ws.freeze_panes = "A3"
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


def _fold(value) -> str:
    """A cell as text: NFKC (full-width digits and brackets), spaces inside trimmed, integers without .0."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unicodedata.normalize("NFKC", str(value)).strip()


def read_indicator_table(name: str, data: bytes, *, plan_start: int, plan_end: int,
                         indicators=None) -> tuple[DocumentText, list[Proposal]]:
    """The sheet's text (stored as the plan's document) and one proposal per indicator row, plus a stated value
    for each base-year value; raise UnreadableDocument when no indicator table is found.

    indicators: a tracker.intake.review.Names (or None) to suggest the canonical indicator of each row."""
    if not data:
        raise UnreadableDocument("document_empty", name=name)
    try:
        sheets = pd.read_excel(BytesIO(data), sheet_name=None, header=None, engine="calamine", dtype=object)
    except Exception as exc:  # noqa: BLE001 - any reader failure is a file the clerk must fix
        raise UnreadableDocument("table_unreadable", name=name, detail=str(exc)[:120]) from exc
    for sheet, frame in sheets.items():
        grid = [[_fold(v) for v in row] for row in frame.itertuples(index=False)]
        found = _header(grid, plan_start)
        if found is None:
            continue
        header_row, roles = found
        text, line_start = _text_of(grid)
        proposals = []
        for r in range(header_row + 1, len(grid)):
            proposals += _row_proposals(grid[r], roles, line_start[r], plan_start, plan_end, indicators,
                                        str(sheet))
        if not proposals:
            raise UnreadableDocument("table_no_rows", name=name)
        return DocumentText(name=name, kind="xlsx", text=text), proposals
    raise UnreadableDocument("table_no_header", name=name)


def _text_of(grid: list[list[str]]) -> tuple[str, list[int]]:
    """The sheet as lines of tab-separated cells (trailing empty cells dropped) and where each line starts."""
    lines, starts, offset = [], [], 0
    for row in grid:
        cells = list(row)
        while cells and not cells[-1]:
            cells.pop()
        line = "\t".join(cells)
        starts.append(offset)
        lines.append(line)
        offset += len(line) + 1
    return "\n".join(lines), starts


def header_role(cell: str, plan_start: int) -> tuple[str | None, str | None, int | None]:
    """(role, unit, year) of a header cell: '2020年目标' → ('target_value', None, 2020); '目标值(亿元)' →
    ('target_value', '亿元', None); '2015年' → ('base_value', None, 2015) when before the plan's start."""
    folded = re.sub(r"\s+", "", cell)
    unit = None
    match = _BRACKET.match(folded)
    if match and match.group("name"):
        folded, unit = match.group("name"), match.group("unit") or None
    year = None
    year_match = _YEAR.search(folded)
    if year_match:
        year = int(year_match.group(1))
        rest = (folded[:year_match.start()] + folded[year_match.end():]).strip()
        if not rest or rest in ("年", "年度"):
            return ("target_value" if year >= plan_start else "base_value"), unit, year
        folded = rest
    for role, words in _ROLE_WORDS.items():
        if folded in words or any(folded.startswith(w) for w in words if len(w) >= 2 and role not in ("seq",)):
            return role, unit, year
    return None, None, None


def _header(grid: list[list[str]], plan_start: int) -> tuple[int, dict] | None:
    """The header row and its columns' (role, unit, year): the first row naming an indicator column and a target
    column. A blank header cell takes the text of a merged cell above it or to its left."""
    for i, row in enumerate(grid[:HEADER_SCAN]):
        above = grid[i - 1] if i else []
        roles: dict[int, tuple[str, str | None, int | None]] = {}
        for c, cell in enumerate(row):
            if not cell and c < len(above) and above[c]:
                cell = above[c]                       # a vertically merged header (calamine leaves it blank)
            role, unit, year = header_role(cell, plan_start) if cell else (None, None, None)
            if role is None and not cell and c and roles.get(c - 1, (None,))[0] in ("base_value", "target_value"):
                role, unit, year = roles[c - 1]       # a horizontally merged header covers this column too
            if role is not None and (role in ("base_value", "target_value") or role not in
                                     {r for r, _, _ in roles.values()}):
                roles[c] = (role, unit, year)
        kinds = {r for r, _, _ in roles.values()}
        if "indicator" in kinds and "target_value" in kinds:
            # A second header row under merged cells ("指标值" / "目标值" under the years) refines the first.
            return i, roles
    return None


def _row_proposals(row: list[str], roles: dict, start: int, plan_start: int, plan_end: int,
                   names, sheet: str) -> list[Proposal]:
    cells = {role: [] for role in _ROLE_WORDS}
    for c, (role, unit, year) in roles.items():
        if c < len(row) and row[c]:
            cells[role].append((row[c], unit, year))
    if not cells["indicator"]:
        return []
    raw_name = cells["indicator"][0][0]
    match = _BRACKET.match(raw_name)
    name, name_unit = (match.group("name").strip(), match.group("unit")) if match and match.group("name") else (
        raw_name, None)
    name = re.sub(r"^\d+[.、.]\s*", "", name)
    if not name or not re.search(r"[\u4e00-\u9fff]", name):
        return []
    line = "\t".join(_trimmed(row))
    quote, offset = line, start
    unit_cell = cells["unit"][0][0] if cells["unit"] else None
    binding = next((c for c, _, _ in cells["binding"] if c in BINDINGS), None)
    base_year = _int(cells["base_year"][0][0]) if cells["base_year"] else None
    base_value = base_unit = None
    for value_text, unit, year in cells["base_value"]:
        number = _plain_number(value_text)
        if number is not None:
            base_value, base_unit, base_year = number, unit, year or base_year
    explicit_year = _int(cells["target_year"][0][0]) if cells["target_year"] else None
    indicator_id = names.indicator_id(name) if names is not None else None
    common = {"subject": name, "subject_display": name, "section": f"主要指标表 {sheet}",
              "indicator": indicator_id, "indicator_match": "exact" if indicator_id else "new",
              "indicator_name": name if indicator_id else None, "binding": binding}
    proposals = []
    for value_text, unit, year in cells["target_value"]:
        parsed = parse_value(value_text)
        target_year = year or explicit_year or plan_end
        reasons = ["table_row"] + (["explicit_year"] if (year or explicit_year) else ["horizon_year"])
        proposals.append(Proposal(
            quote=quote, offset=offset, role="target", kind=parsed["kind"], comparator=parsed["comparator"],
            value=parsed["value"], value_hi=parsed["value_hi"], rate=parsed["rate"], multiple=parsed["multiple"],
            unit="%" if parsed["kind"] == "growth" else (unit or unit_cell or name_unit or ""),
            target_year=target_year, baseline_year=base_year if base_value is not None else None,
            baseline_value=base_value, year_source="table", confidence=0.8 if parsed["kind"] != "qualitative"
            else 0.4, reasons=reasons, **common))
    if base_value is not None and base_year is not None and base_year < plan_start:
        proposals.append(Proposal(
            quote=quote, offset=offset, role="baseline", kind="level", comparator="=", value=base_value,
            unit=base_unit or unit_cell or name_unit or "", target_year=None, baseline_year=base_year,
            year_source="table", confidence=0.75, reasons=["table_row", "baseline_stated"], **common))
    return proposals


def _trimmed(row: list[str]) -> list[str]:
    cells = list(row)
    while cells and not cells[-1]:
        cells.pop()
    return cells


def _int(text: str) -> int | None:
    match = _YEAR.search(text or "")
    return int(match.group(1)) if match else None


def _plain_number(text: str) -> float | None:
    match = re.fullmatch(rf"\s*(-?{_NUMBER})\s*%?\s*", text or "")
    return float(match.group(1).replace(",", "")) if match else None


def parse_value(text: str) -> dict:
    """A target cell in words: '≥2.5' / '2.5以上' / '50左右' / '3-5' / '年均增长12%' / '翻一番' / '全覆盖'."""
    folded = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or ""))
    out = {"kind": "level", "comparator": "=", "value": None, "value_hi": None, "rate": None, "multiple": None}
    numbers = [float(n.replace(",", "")) for n in re.findall(_NUMBER, folded)]
    if "全覆盖" in folded:
        return out | {"kind": "coverage", "comparator": ">=", "value": 100.0}
    if "翻" in folded and "番" in folded:
        return out | {"kind": "doubling", "comparator": ">=", "multiple": 4.0 if "两番" in folded else 2.0}
    if "增长" in folded and numbers:
        return out | {"kind": "growth", "comparator": ">=" if re.search("以上|≥|不低于", folded) else "=",
                      "rate": numbers[0]}
    if not numbers:
        return out | {"kind": "qualitative", "comparator": None}
    range_match = re.fullmatch(rf"({_NUMBER})%?[-~～—–―至到]({_NUMBER})%?.*", folded)
    if range_match:
        return out | {"kind": "range", "comparator": "between", "value": numbers[0], "value_hi": numbers[1]}
    comparator = "="
    if re.search(r"^(≥|>=|不低于|不少于|达到)|以上$|以上[^\d]*$", folded):
        comparator = ">="
    elif re.search(r"^(>|超过|突破|高于)", folded):
        comparator = ">"
    elif re.search(r"^(≤|<=|不超过|不高于|控制在)|以(内|下)$", folded):
        comparator = "<="
    elif re.search(r"^<|^低于", folded):
        comparator = "<"
    elif re.search(r"左右|^约|^≈", folded):
        return out | {"kind": "approx", "comparator": "≈", "value": numbers[0]}
    return out | {"comparator": comparator, "value": numbers[0]}
