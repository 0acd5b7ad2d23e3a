"""Excel templates for actual values, one per plan, written with openpyxl (reading uploads is tracker.actuals.upload).

Two data sheets share one layout idea: a frozen header in row 1, drop-down lists for region and indicator (from the
名录 sheet, which also shows each indicator's unit), number validation on value cells, and the plan's
region/indicator pairs filled in with the values that count now. A 填写说明 sheet explains the rules in Chinese.

    长表 (long):  地区 | 指标 | 年份 | 数值 | 单位 | 来源/口径 | 备注 | 快报/年报 | 修订原因
    宽表 (wide):  地区 | 指标 | 单位 | 2015 | 2016 | … | 2020 | 来源/口径 | 备注
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from tracker.actuals.validate import QUALITATIVE_UNITS, VINTAGES
from tracker.config import FIRST_YEAR, LAST_YEAR

LONG_HEADER = ["地区", "指标", "年份", "数值", "单位", "来源/口径", "备注", "快报/年报", "修订原因"]
LONG_SHEET, WIDE_SHEET, HELP_SHEET, LIST_SHEET = "数据填报", "宽表填报", "填写说明", "名录"
BLANK_ROWS = 300                  # empty, validated rows below the pre-filled ones
_HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")
_KEY_FILL = PatternFill("solid", fgColor="F2F2F2")


@dataclass(frozen=True)
class TemplateSpec:
    """What a plan's template holds: its region/indicator pairs, years, current values and the name lists."""

    plan_id: str
    plan_title: str
    pairs: pd.DataFrame          # region, indicator, unit (quantitative indicators of the plan's targets)
    years: tuple[int, ...]       # wide template columns
    year: int                    # the year pre-filled in the long template
    current: pd.DataFrame        # region, indicator, year, value, vintage
    regions: tuple[str, ...]
    indicators: pd.DataFrame     # indicator, unit (every known indicator, for the drop-down list)

    @classmethod
    def from_store(cls, store, plan_id: str, year: int | None = None) -> TemplateSpec:
        plan = store.plans().set_index("plan_id").loc[plan_id]
        indicators = store.indicators()
        units = indicators.set_index("indicator")["unit"]
        targets = store.targets(plan_id)
        pairs = targets[["region", "indicator"]].drop_duplicates()
        pairs = pairs.assign(unit=pairs["indicator"].map(units))
        pairs = pairs[~pairs["unit"].isin(QUALITATIVE_UNITS)].sort_values(["region", "indicator"])
        this_year = dt.date.today().year
        first = int(plan["base_year"] if pd.notna(plan["base_year"]) else plan["start_year"])
        last = max(int(plan["target_year"]), first)
        year = year or min(last, this_year - 1)
        quantitative = indicators[~indicators["unit"].isin(QUALITATIVE_UNITS)]
        return cls(
            plan_id=plan_id, plan_title=str(plan["title"]), pairs=pairs.reset_index(drop=True),
            years=tuple(range(first, last + 1)), year=int(year), current=store.current_values(),
            regions=tuple(store.regions()["region"]), indicators=quantitative[["indicator", "unit"]],
        )


def long_template(spec: TemplateSpec) -> bytes:
    """The long template: one row per value; the plan's pairs pre-filled for spec.year."""
    wb = Workbook()
    ws = wb.active
    ws.title = LONG_SHEET
    ws.append(LONG_HEADER)
    current = _current_lookup(spec.current)
    for r in spec.pairs.itertuples(index=False):
        found = current.get((r.region, r.indicator, spec.year), (None, None))
        ws.append([r.region, r.indicator, spec.year, found[0], r.unit, None, None, found[1], None])
    last = ws.max_row + BLANK_ROWS
    _style_header(ws, [8, 34, 8, 12, 8, 24, 20, 10, 20])
    ws.freeze_panes = "C2"
    _name_lists(wb, spec)
    _validate_names(ws, spec, "A", "B", last)
    _validate_year(ws, f"C2:C{last}")
    _validate_number(ws, f"D2:D{last}")
    vintage = DataValidation(type="list", formula1=f'"{",".join(VINTAGES)}"', allow_blank=True,
                             error="请选择「快报」或「年报」", errorTitle="快报/年报", showErrorMessage=True)
    vintage.add(f"H2:H{last}")
    ws.add_data_validation(vintage)
    _instructions(wb, spec, wide=False)
    return _save(wb)


def wide_template(spec: TemplateSpec) -> bytes:
    """The wide template: one row per region and indicator, one column per year of the plan."""
    wb = Workbook()
    ws = wb.active
    ws.title = WIDE_SHEET
    ws.append(["地区", "指标", "单位", *spec.years, "来源/口径", "备注"])
    current = _current_lookup(spec.current)
    for r in spec.pairs.itertuples(index=False):
        values = [current.get((r.region, r.indicator, y), (None, None))[0] for y in spec.years]
        ws.append([r.region, r.indicator, r.unit, *values, None, None])
    last = ws.max_row + BLANK_ROWS
    n = len(spec.years)
    _style_header(ws, [8, 34, 8] + [10] * n + [24, 20])
    ws.freeze_panes = "D2"
    _name_lists(wb, spec)
    _validate_names(ws, spec, "A", "B", last)
    _validate_number(ws, f"D2:{get_column_letter(3 + n)}{last}")
    _instructions(wb, spec, wide=True)
    return _save(wb)


def _current_lookup(current: pd.DataFrame) -> dict:
    return {(r.region, r.indicator, int(r.year)): (r.value, r.vintage) for r in current.itertuples(index=False)}


def _style_header(ws, widths: list[int]) -> None:
    for c, width in enumerate(widths, start=1):
        cell = ws.cell(row=1, column=c)
        cell.font = Font(bold=True)
        cell.fill = _HEAD_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center")
        ws.column_dimensions[get_column_letter(c)].width = width
    for row in ws.iter_rows(min_row=2, max_col=2):
        for cell in row:
            cell.fill = _KEY_FILL


def _name_lists(wb: Workbook, spec: TemplateSpec) -> None:
    """The 名录 sheet: regions (A) and indicators with their units (C, D); the drop-downs read from it."""
    ws = wb.create_sheet(LIST_SHEET)
    ws.append(["地区名录", None, "指标名录", "单位"])
    regions = list(spec.regions)
    inds = spec.indicators.sort_values("indicator")
    for i in range(max(len(regions), len(inds))):
        ws.append([
            regions[i] if i < len(regions) else None, None,
            inds["indicator"].iloc[i] if i < len(inds) else None, inds["unit"].iloc[i] if i < len(inds) else None,
        ])
    for c, width in zip("ABCD", [12, 2, 44, 8], strict=True):
        ws.column_dimensions[c].width = width
        ws[f"{c}1"].font = Font(bold=True)


def _validate_names(ws, spec: TemplateSpec, region_col: str, indicator_col: str, last: int) -> None:
    """Drop-downs reading the 名录 sheet (a list written inline may not exceed 255 characters)."""
    lists = ((region_col, f"'{LIST_SHEET}'!$A$2:$A${len(spec.regions) + 1}", "地区"),
             (indicator_col, f"'{LIST_SHEET}'!$C$2:$C${len(spec.indicators) + 1}", "指标"))
    for col, source, what in lists:
        dv = DataValidation(type="list", formula1=source, allow_blank=True, showErrorMessage=True,
                            errorStyle="warning", errorTitle=f"未知{what}",
                            error=f"请从下拉列表选择{what};名称见「{LIST_SHEET}」工作表")
        dv.add(f"{col}2:{col}{last}")
        ws.add_data_validation(dv)


def _validate_year(ws, cells: str) -> None:
    dv = DataValidation(type="whole", operator="between", formula1=str(FIRST_YEAR), formula2=str(LAST_YEAR),
                        allow_blank=True, showErrorMessage=True, errorTitle="年份", error="请填写四位数年份,如 2016")
    dv.add(cells)
    ws.add_data_validation(dv)


def _validate_number(ws, cells: str) -> None:
    dv = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True,
                        showErrorMessage=True, showInputMessage=True, errorTitle="只能填写数字",
                        error="请只填写数字,不带单位;百分比填 2.11 表示 2.11%;缺失请留空",
                        promptTitle="数值", prompt="按「单位」列的单位填写数字;百分比填 2.11 表示 2.11%")
    dv.add(cells)
    ws.add_data_validation(dv)


def _instructions(wb: Workbook, spec: TemplateSpec, *, wide: bool) -> None:
    ws = wb.create_sheet(HELP_SHEET, 1)
    data_sheet = WIDE_SHEET if wide else LONG_SHEET
    lines = [
        f"{spec.plan_title} — 实际值填报模板",
        f"生成日期:{dt.date.today():%Y-%m-%d}。已预填本规划的地区和指标,以及系统中目前有效的数值。",
        "",
        "怎样填写",
        f"1. 在「{data_sheet}」工作表中填写,不要改动第 1 行表头。",
        "2. 地区、指标请从下拉列表中选择(完整名录见「名录」工作表);繁体字和常用别称也能识别。",
        "3. 数值只填数字,单位以「单位」列为准:百分比填 2.11 表示 2.11%;金额按指标单位(如亿元)填写。",
        "   如果单位不同(例如万元),请在「单位」列写明,系统会换算并提示;单位不可换算(如“个”与“家”)时会报错。",
        "4. 没有数据的格子请留空(也可填“—”或“/”),不会覆盖已有数值。",
        "5. 数值与系统中当前值相同的行不会重复写入;只有新增或变化的数值会写入,并保留全部历史。",
    ]
    if wide:
        lines.append("6. 每个年份一列;需要其他年份时,可在右侧增加一列,表头写年份(如 2021 或 2021年)。")
    else:
        lines += [
            "6. 「年份」填四位数年份;同一地区、指标、年份只能出现一次。",
            "7. 「快报/年报」:统计快报数填“快报”,年报(最终)数填“年报”;「修订原因」用于更正已有数值时说明原因。",
        ]
    lines += [
        "",
        "上传与核对",
        "· 在系统「数据上传」页上传本文件(也可用命令 python -m tracker import 文件名 --dry-run 先检查)。",
        "· 系统逐格检查:非数字、单位不符、百分比超过 100、负数、未知地区或指标(会给出最接近的名称)、重复行;",
        "  与上年相比变化超过 3 倍的数值会提示核对,但不阻止提交。",
        "· 有任何错误时整个文件都不会写入;请按提示的工作表、行、列改正后重新上传。",
        "· 提交前会列出每个数值的变化(原值 → 新值);确认后一次写入,形成一个批次,可在「数据批次」页整批撤销。",
    ]
    for line in lines:
        ws.append([line])
    ws["A1"].font = Font(bold=True, size=14)
    for row, line in enumerate(lines, start=1):
        if line in ("怎样填写", "上传与核对"):
            ws[f"A{row}"].font = Font(bold=True)
    ws.column_dimensions["A"].width = 110


def _save(wb: Workbook) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
