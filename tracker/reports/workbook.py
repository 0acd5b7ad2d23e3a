"""The evaluation table as an Excel workbook a planning office can sum, sort and print.

Numbers are numeric cells with number formats (a value in its row's unit, a year without a thousands separator,
a completion ratio as 0.0 %); the title names the as-of year; printed, the sheet is landscape A4, one page wide,
with the header row repeated on every page and page numbers in the footer.
"""

from __future__ import annotations

import io
from datetime import datetime

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties

from tracker.formatting import is_missing
from tracker.i18n import t
from tracker.methodology.verdicts import STATUS_COLOURS
from tracker.reports.cells import neutralise
from tracker.reports.evaluation import DARK_FILLS, Report

HEADER_ROW = 3
FORMATS = {"int": "0", "year": "0", "ratio": "0.0%", "text": "@"}


def value_format(value: float) -> str:
    """Whole numbers and numbers from 1,000 up without decimals (3,584), others with one or two (2.11, 52.9)."""
    return "#,##0" if float(value).is_integer() or abs(value) >= 1000 else "#,##0.0#"


def evaluation_xlsx(report: Report, *, source: str, generated_at: datetime | None = None,
                    values: str | None = None) -> bytes:
    """The report's data table as a formatted, printable workbook; values: which actual values it used (approved
    only, or pending ones too), printed in the header."""
    lang, data = report.lang, report.data
    wb = Workbook()
    ws = wb.active
    ws.title = t("eval_sheet", lang)
    ncol = len(data.columns)
    thin = Side(style="thin", color="999999")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)

    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=ncol)
    ws.cell(1, 1, neutralise(report.title)).font = Font(size=14, bold=True)
    ws.cell(1, 1).alignment = Alignment(horizontal="center", vertical="center")
    ws.row_dimensions[1].height = 24
    generated = generated_at or datetime.now()
    meta = "    ".join([t("pic_as_of", lang, as_of=report.as_of_label), t("pic_source", lang, source=source),
                        t("pic_generated", lang, at=f"{generated:%Y-%m-%d %H:%M}"), *([values] if values else [])])
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=ncol)
    ws.cell(2, 1, neutralise(meta)).font = Font(size=9, color="555555")
    ws.cell(2, 1).alignment = Alignment(wrap_text=True, vertical="center")
    ws.row_dimensions[2].height = 28    # merged cells are not auto-fitted

    header_fill = PatternFill("solid", fgColor="DDE5F0")
    for j, (name, width) in enumerate(zip(data.columns, data.attrs["widths"], strict=True), start=1):
        cell = ws.cell(HEADER_ROW, j, neutralise(name))
        cell.font, cell.fill, cell.border = Font(bold=True, size=10), header_fill, border
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.column_dimensions[get_column_letter(j)].width = width * 1.15
    ws.row_dimensions[HEADER_ROW].height = 30

    kinds = data.attrs["kinds"]
    statuses = data.attrs.get("status", [None] * len(data))
    body_font = Font(size=10)
    for i, (values, status) in enumerate(zip(data.itertuples(index=False), statuses, strict=True),
                                         start=HEADER_ROW + 1):
        for j, (value, kind) in enumerate(zip(values, kinds, strict=True), start=1):
            cell = ws.cell(i, j)
            if not is_missing(value):
                if kind in ("int", "year"):
                    value = int(value)
                elif kind in ("value", "ratio"):
                    value = float(value)
                cell.value = neutralise(value)
                cell.number_format = value_format(value) if kind == "value" else FORMATS.get(kind, "General")
            cell.border, cell.font = border, body_font
            cell.alignment = Alignment(vertical="center", wrap_text=kind == "text",
                                       horizontal="left" if kind == "text" else "right" if kind in
                                       ("value", "ratio") else "center")
        colour = STATUS_COLOURS.get(status)
        if colour:
            cell = ws.cell(i, data.attrs["keys"].index("assessment") + 1)
            cell.fill = PatternFill("solid", fgColor=colour.lstrip("#").upper())
            if colour.lower() in DARK_FILLS:
                cell.font = Font(size=10, color="FFFFFF")

    note_row = HEADER_ROW + 1 + len(data)
    ws.merge_cells(start_row=note_row, start_column=1, end_row=note_row, end_column=ncol)
    ws.cell(note_row, 1, f"{t('eval_data_note', lang)}\n{t('eval_definitions', lang)}").font = \
        Font(size=9, color="555555")
    ws.cell(note_row, 1).alignment = Alignment(wrap_text=True, vertical="top")
    ws.row_dimensions[note_row].height = 64

    last = get_column_letter(ncol)
    ws.freeze_panes = ws.cell(HEADER_ROW + 1, 4)        # header and 序号/地区/指标 stay in view
    ws.auto_filter.ref = f"A{HEADER_ROW}:{last}{note_row - 1}"
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.print_area = f"A1:{last}{note_row}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)   # without it Excel ignores fitToWidth
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0                                            # as many pages down as it needs
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.5
    ws.oddFooter.center.text = t("eval_footer", lang)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
