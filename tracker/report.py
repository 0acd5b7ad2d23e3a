"""The mid-term evaluation table (中期评估表) officials paste into reports, and its formatted Excel file."""

from __future__ import annotations

import io
import math
from datetime import datetime

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from tracker.i18n import describe_target
from tracker.verdicts import STATUS_COLOURS

COLUMNS = {
    "zh": ["序号", "指标", "属性", "基期值", "目标值", "当前值", "完成率", "序时进度", "评价"],
    "en": ["No.", "Indicator", "Binding", "Baseline", "Target", "Current", "Completion", "Schedule", "Assessment"],
}
_WIDTHS = [6, 34, 8, 16, 24, 16, 10, 12, 22]


def _num(value, unit: str = "") -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    text = f"{value:,.2f}".rstrip("0").rstrip(".") if abs(value) < 1e5 else f"{value:,.0f}"
    return f"{text}{unit}" if unit not in ("%",) else f"{text}%"


def _pct(value) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    return f"{value * 100:.1f}%"


def evaluation_table(verdicts: pd.DataFrame, lang: str = "zh") -> pd.DataFrame:
    """One row per target in the plan's order: the columns of the report, as display text."""
    rows = []
    for n, r in enumerate(verdicts.to_dict("records"), start=1):
        unit = r.get("unit") or ""
        baseline = _num(r.get("baseline_value_used"), unit)
        if baseline != "—" and not pd.isna(r.get("baseline_year_used")):
            baseline += f"({int(r['baseline_year_used'])})"
        current = _num(r.get("latest_value"), unit)
        if current != "—" and not pd.isna(r.get("latest_year")):
            current += f"({int(r['latest_year'])})"
        target = describe_target(r, lang)
        if r.get("kind") in ("growth", "doubling", "relative") and not pd.isna(r.get("target_value_used")):
            target += f" → {_num(r['target_value_used'], unit)}"
        assessment = r["schedule_label"] if r["trend_status"] == "insufficient" \
            else f"{r['schedule_label']};{r['trend_label']}"
        binding = r.get("binding") if isinstance(r.get("binding"), str) else ""
        rows.append([n, r["indicator"], binding, baseline, f"{target}({int(r['target_year'])})",
                     current, _pct(r.get("completion")), _pct(r.get("schedule_ratio")), assessment])
    table = pd.DataFrame(rows, columns=COLUMNS[lang])
    table.attrs["status"] = verdicts["schedule_status"].tolist()   # for colouring the assessment cell
    return table


def evaluation_xlsx(table: pd.DataFrame, *, title: str, as_of: int | None, source: str) -> bytes:
    """The table as a formatted workbook: title, header, borders, widths, coloured assessment, frozen header."""
    wb = Workbook()
    ws = wb.active
    ws.title = "中期评估表"
    ncol = len(table.columns)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=ncol)
    ws.cell(1, 1, title).font = Font(size=14, bold=True)
    ws.cell(1, 1).alignment = Alignment(horizontal="center")
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=ncol)
    ws.cell(2, 1, f"评估年份:{as_of or '最新'}    数据来源:{source}    生成时间:"
                  f"{datetime.now():%Y-%m-%d %H:%M}").font = Font(size=9, color="555555")
    thin = Side(style="thin", color="999999")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    header_fill = PatternFill("solid", fgColor="DDE5F0")
    for j, name in enumerate(table.columns, start=1):
        cell = ws.cell(3, j, name)
        cell.font, cell.fill, cell.border = Font(bold=True), header_fill, border
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.column_dimensions[get_column_letter(j)].width = _WIDTHS[j - 1] if j <= len(_WIDTHS) else 14
    statuses = table.attrs.get("status", [None] * len(table))
    for i, (values, status) in enumerate(zip(table.itertuples(index=False), statuses, strict=True), start=4):
        for j, value in enumerate(values, start=1):
            cell = ws.cell(i, j, value)
            cell.border = border
            cell.alignment = Alignment(vertical="center", wrap_text=True,
                                       horizontal="left" if j in (2, 5, 9) else "center")
        colour = STATUS_COLOURS.get(status)
        if colour:
            ws.cell(i, ncol).fill = PatternFill("solid", fgColor=colour.lstrip("#").upper())
    ws.freeze_panes = "A4"
    ws.print_title_rows = "3:3"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
