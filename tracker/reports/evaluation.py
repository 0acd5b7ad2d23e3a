"""The evaluation table (中期评估表 / 终期评估表) officials paste into reports, and its formatted Excel file."""

from __future__ import annotations

import io
from datetime import datetime

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from tracker.formatting import MISSING, is_missing, number, percent
from tracker.i18n import describe_target, t
from tracker.methodology.verdicts import STATUS_COLOURS

# The report's columns: key → (relative width, alignment); the heading is the catalogue's "eval_col_<key>". The
# Excel file and the table picture read the widths and alignment from here.
LAYOUT: dict[str, tuple[float, str]] = {
    "number": (5, "center"),
    "indicator": (28, "left"),
    "binding": (7, "center"),
    "baseline": (15, "center"),
    "target": (22, "left"),
    "current": (17, "center"),
    "target_completion": (9, "center"),
    "increment_completion": (9, "center"),
    "schedule": (9, "center"),
    "after_plan": (14, "center"),
    "assessment": (20, "left"),
}


def evaluation_title(verdicts: pd.DataFrame, lang: str = "zh") -> str:
    """终期评估表 once every dated target of the plan has ended at the as-of year, else 中期评估表."""
    dated = verdicts.loc[verdicts["target_year"].notna(), "final"]
    ended = len(dated) > 0 and bool(dated.all())
    return t("eval_title_final" if ended else "eval_title_midterm", lang)


def as_of_year(verdicts: pd.DataFrame) -> int | None:
    """The year the table is as of (the latest year with data when none was chosen)."""
    years = verdicts["as_of"].dropna() if "as_of" in verdicts.columns else []
    return int(years.iloc[0]) if len(years) else None


def evaluation_table(verdicts: pd.DataFrame, lang: str = "zh") -> pd.DataFrame:
    """One row per target in the plan's order: the columns of the report, as display text."""
    keys = [k for k in LAYOUT if k != "after_plan" or verdicts["post_plan_year"].notna().any()]
    rows = [[cells[key] for key in keys] for cells in (_cells(r, lang) for r in verdicts.to_dict("records"))]
    table = pd.DataFrame(rows, columns=[t(f"eval_col_{k}", lang) for k in keys])
    table.attrs["status"] = verdicts["schedule_status"].tolist()   # for colouring the assessment cell
    table.attrs["widths"] = [LAYOUT[k][0] for k in keys]
    table.attrs["align"] = [LAYOUT[k][1] for k in keys]
    return table


def _cells(r: dict, lang: str) -> dict[str, object]:
    unit = r.get("unit") or ""
    baseline = number(r.get("baseline_value_used"), unit)
    if baseline != MISSING and not is_missing(r.get("baseline_year_used")):
        baseline += f"({int(r['baseline_year_used'])})"
    elif r.get("kind") not in ("qualitative", "per_year"):
        baseline = t("eval_no_baseline", lang)
    current = number(r.get("latest_value"), unit)
    # The base year's value is the baseline, not a current value: a report must not read it as "no progress".
    only_base = not is_missing(r.get("latest_year")) and r.get("latest_year") == r.get("baseline_year_used")
    if only_base:
        current = MISSING
    elif current != MISSING and not is_missing(r.get("latest_year")):
        current += f"({int(r['latest_year'])})"
    if r["schedule_status"] == "pending_evaluation":
        year = int(r["target_year"])
        missing = t("eval_missing_year", lang, year=year)
        current = missing if current == MISSING else t("eval_current_and_missing", lang, current=current,
                                                       missing=missing)
    target = describe_target(r, lang)
    if r.get("kind") in ("growth", "doubling", "relative") and not is_missing(r.get("target_value_used")):
        target += f" → {number(r['target_value_used'], unit)}"
    if not is_missing(r.get("target_year")):
        target += f"({int(r['target_year'])})"
    assessment = r["schedule_label"] if r["trend_status"] in ("insufficient", "ended") \
        else f"{r['schedule_label']};{r['trend_label']}"
    after_plan = MISSING if is_missing(r.get("post_plan_year")) else \
        f"{number(r['post_plan_value'], unit)}({int(r['post_plan_year'])})"
    binding = r.get("binding") if isinstance(r.get("binding"), str) else ""
    return {
        "number": r["number"], "indicator": r["indicator"], "binding": binding, "baseline": baseline, "target": target,
        "current": current, "target_completion": percent(r.get("target_completion")),
        "increment_completion": percent(r.get("increment_completion")), "schedule": percent(r.get("schedule_ratio")),
        "after_plan": after_plan, "assessment": assessment,
    }


def evaluation_xlsx(table: pd.DataFrame, *, title: str, as_of: int | None, source: str, lang: str = "zh") -> bytes:
    """The table as a formatted workbook: title, header, borders, widths, coloured assessment, frozen header."""
    wb = Workbook()
    ws = wb.active
    ws.title = "评估表" if lang != "en" else "Evaluation"
    ncol = len(table.columns)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=ncol)
    ws.cell(1, 1, title).font = Font(size=14, bold=True)
    ws.cell(1, 1).alignment = Alignment(horizontal="center")
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=ncol)
    year = f"{as_of}年" if as_of else "—"
    ws.cell(2, 1, f"评估年份:{year}    数据来源:{source}    生成时间:"
                  f"{datetime.now():%Y-%m-%d %H:%M}").font = Font(size=9, color="555555")
    thin = Side(style="thin", color="999999")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    header_fill = PatternFill("solid", fgColor="DDE5F0")
    widths = table.attrs.get("widths") or [12] * ncol
    align = table.attrs.get("align") or ["center"] * ncol
    for j, name in enumerate(table.columns, start=1):
        cell = ws.cell(3, j, name)
        cell.font, cell.fill, cell.border = Font(bold=True), header_fill, border
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.column_dimensions[get_column_letter(j)].width = widths[j - 1] * 1.2
    statuses = table.attrs.get("status", [None] * len(table))
    for i, (values, status) in enumerate(zip(table.itertuples(index=False), statuses, strict=True), start=4):
        for j, value in enumerate(values, start=1):
            cell = ws.cell(i, j, value)
            cell.border = border
            cell.alignment = Alignment(vertical="center", wrap_text=True, horizontal=align[j - 1])
        colour = STATUS_COLOURS.get(status)
        if colour:
            ws.cell(i, ncol).fill = PatternFill("solid", fgColor=colour.lstrip("#").upper())
    note_row = 4 + len(table)
    ws.merge_cells(start_row=note_row, start_column=1, end_row=note_row, end_column=ncol)
    ws.cell(note_row, 1, t("eval_definitions", lang)).font = Font(size=9, color="555555")
    ws.cell(note_row, 1).alignment = Alignment(wrap_text=True, vertical="top")
    ws.row_dimensions[note_row].height = 48
    ws.freeze_panes = "A4"
    ws.print_title_rows = "3:3"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
