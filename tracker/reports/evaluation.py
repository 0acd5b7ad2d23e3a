"""The evaluation table (中期评估表 / 终期评估表) officials paste into reports.

One Report per plan and as-of year holds the table twice: as display text for the page and the picture (a value
with its year in one cell, "52.9%(2015)"), and as data for the Excel file and the CSV, where numbers are numbers:
a value in the unit of the 单位 column with its year in the column after it, completion readings as ratios
(0.844, shown as 84.4 % by the cell's number format). The workbook itself: tracker.reports.workbook.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

import pandas as pd

from tracker.formatting import MISSING, is_missing, number, percent
from tracker.i18n import describe_target, t
from tracker.methodology.verdicts import STATUS_COLOURS
from tracker.reports.cells import csv_bytes
from tracker.reports.layout import as_of_text
from tracker.reports.naming import target_parts

# The display table's columns: key → (relative width, alignment); the heading is the catalogue's "eval_col_<key>".
# The picture reads the widths and alignment from here.
DISPLAY: dict[str, tuple[float, str]] = {
    "number": (4, "center"),
    "region": (9, "center"),
    "indicator": (26, "left"),
    "part": (9, "left"),
    "binding": (6, "center"),
    "baseline": (13, "center"),
    "target": (18, "left"),
    "current": (13, "center"),
    "target_completion": (9, "center"),
    "increment_completion": (9, "center"),
    "schedule": (8, "center"),
    "after_plan": (12, "center"),
    "assessment": (17, "left"),
}
# The data table's columns: key → (Excel column width in characters, kind). Kinds: "int" a row number, "text",
# "value" a number in the row's unit, "year", "ratio" a share shown as a percentage.
DATA: dict[str, tuple[float, str]] = {
    "number": (5, "int"),
    "region": (9, "text"),
    "indicator": (22, "text"),
    "part": (16, "text"),
    "binding": (7, "text"),
    "unit": (6, "text"),
    "baseline": (9, "value"),
    "baseline_year": (6, "year"),
    "target_text": (15, "text"),
    "target_value": (9, "value"),
    "target_year": (6, "year"),
    "current": (9, "value"),
    "current_year": (6, "year"),
    "target_completion": (8, "ratio"),
    "increment_completion": (8, "ratio"),
    "schedule": (8, "ratio"),
    "after_plan": (9, "value"),
    "after_plan_year": (6, "year"),
    "assessment": (14, "text"),
    "remark": (16, "text"),
}
# Status fills dark enough to need white text (the Excel cell, the picture, the printed table).
DARK_FILLS = frozenset({"#1a9850", "#d73027", "#a50026", "#00441b", "#006d2c", "#762a83"})
_OPTIONAL = {"part": "part", "after_plan": "post_plan_year", "after_plan_year": "post_plan_year"}


@dataclass(frozen=True)
class Report:
    """The evaluation table of one plan as of one year, ready for the page, the picture, Excel and CSV."""

    title: str                 # 重庆市科技创新“十三五”规划 终期评估表(2023年)
    as_of_label: str           # 2023年(最新数据)
    year: int | None           # the year the table is as of (the latest data year when none was chosen)
    display: pd.DataFrame      # display text; attrs: status, widths, align
    data: pd.DataFrame         # numbers as numbers; attrs: status, kinds, widths
    lang: str = "zh"


def evaluation_title(verdicts: pd.DataFrame, lang: str = "zh") -> str:
    """终期评估表 once every dated target of the plan has ended at the as-of year, else 中期评估表."""
    dated = verdicts.loc[verdicts["target_year"].notna(), "final"]
    ended = len(dated) > 0 and bool(dated.all())
    return t("eval_title_final" if ended else "eval_title_midterm", lang)


def as_of_year(verdicts: pd.DataFrame) -> int | None:
    """The year the table is as of (the latest year with data when none was chosen)."""
    years = verdicts["as_of"].dropna() if "as_of" in verdicts.columns else []
    return int(years.iloc[0]) if len(years) else None


def build_report(verdicts: pd.DataFrame, plan_title: str, as_of: int | None = None, lang: str = "zh",
                 targets: pd.DataFrame | None = None) -> Report:
    """The Report of a plan's verdicts (service.verdicts); targets (the plan's catalogue rows) give each target's
    section, which tells apart the same indicator in several parts of a plan (X区's four bases)."""
    year = as_of_year(verdicts)
    label = as_of_text(as_of, year, lang)
    kind = evaluation_title(verdicts, lang)
    title = t("eval_heading", lang, plan=plan_title, kind=kind, year=year) if year is not None \
        else t("eval_heading_no_year", lang, plan=plan_title, kind=kind)
    rows = _with_parts(verdicts, targets).to_dict("records")
    display = _frame([_display_cells(r, lang) for r in rows], DISPLAY, verdicts, lang)
    display.attrs.update(widths=[DISPLAY[k][0] for k in display.attrs["keys"]],
                         align=[DISPLAY[k][1] for k in display.attrs["keys"]])
    data = _frame([_data_cells(r, lang) for r in rows], DATA, verdicts, lang)
    for column, key in zip(data.columns, data.attrs["keys"], strict=True):
        kind = DATA[key][1]
        if kind in ("int", "year"):
            data[column] = data[column].astype("Int64")
        elif kind in ("value", "ratio"):
            data[column] = data[column].astype("float64")
    data.attrs.update(kinds=[DATA[k][1] for k in data.attrs["keys"]], widths=[DATA[k][0] for k in data.attrs["keys"]])
    return Report(title=title, as_of_label=label, year=year, display=display, data=data, lang=lang)


def evaluation_table(verdicts: pd.DataFrame, lang: str = "zh", targets: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per target in the plan's order: the columns of the report, as display text."""
    return build_report(verdicts, "", None, lang, targets).display


def evaluation_csv(report: Report) -> bytes:
    """The data table as CSV (numbers as numbers, text that could start a formula neutralised)."""
    return csv_bytes(report.data)


def _with_parts(verdicts: pd.DataFrame, targets: pd.DataFrame | None) -> pd.DataFrame:
    frame = verdicts
    if "section" not in frame.columns and targets is not None and "section" in targets.columns:
        frame = frame.merge(targets[["target_id", "section"]], on="target_id", how="left", validate="one_to_one")
    parts = target_parts(frame) if len(frame) else {}
    return frame.assign(part=[parts.get(i, "") for i in frame["target_id"]])


def _frame(rows: list[dict], layout: dict, verdicts: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The rows with the layout's columns in order, optional ones only where some row has a value."""
    keys = [k for k in layout if k not in _OPTIONAL or _has_any(rows, verdicts, _OPTIONAL[k])]
    table = pd.DataFrame([[r[k] for k in keys] for r in rows], columns=[t(f"eval_col_{k}", lang) for k in keys])
    table.attrs["keys"] = keys
    table.attrs["status"] = verdicts["schedule_status"].tolist()   # for colouring the assessment cell
    return table


def _has_any(rows: list[dict], verdicts: pd.DataFrame, column: str) -> bool:
    if column == "part":
        return any(r["part"] for r in rows)
    return bool(verdicts[column].notna().any())


def _year(value) -> int | None:
    return None if is_missing(value) else int(value)


def _value(value) -> float | None:
    return None if is_missing(value) else float(value)


_BINDING_KEYS = {"预期性": "eval_binding_expected", "约束性": "eval_binding_binding"}


def _binding(r: dict, lang: str) -> str:
    """属性 in the reader's language (the catalogue stores 预期性 / 约束性)."""
    binding = r.get("binding") if isinstance(r.get("binding"), str) else ""
    return t(_BINDING_KEYS[binding], lang) if binding in _BINDING_KEYS else binding


def _only_base(r: dict) -> bool:
    """The base year's value is the baseline, not a current value: a report must not read it as "no progress"."""
    return not is_missing(r.get("latest_year")) and r.get("latest_year") == r.get("baseline_year_used")


def _needs_baseline(r: dict) -> bool:
    return is_missing(r.get("baseline_value_used")) and r.get("kind") not in ("qualitative", "per_year")


def _assessment(r: dict) -> str:
    return r["schedule_label"] if r["trend_status"] in ("insufficient", "ended") \
        else f"{r['schedule_label']};{r['trend_label']}"


def _display_cells(r: dict, lang: str) -> dict[str, object]:
    unit = r.get("unit") or ""
    baseline = number(r.get("baseline_value_used"), unit)
    if baseline != MISSING and not is_missing(r.get("baseline_year_used")):
        baseline += f"({int(r['baseline_year_used'])})"
    elif _needs_baseline(r):
        baseline = t("eval_no_baseline", lang)
    current = MISSING if _only_base(r) else number(r.get("latest_value"), unit)
    if current != MISSING and not is_missing(r.get("latest_year")):
        current += f"({int(r['latest_year'])})"
    if r["schedule_status"] == "pending_evaluation":
        missing = t("eval_missing_year", lang, year=int(r["target_year"]))
        current = missing if current == MISSING else t("eval_current_and_missing", lang, current=current,
                                                       missing=missing)
    target = describe_target(r, lang)
    if r.get("kind") in ("growth", "doubling", "relative") and not is_missing(r.get("target_value_used")):
        target += f" → {number(r['target_value_used'], unit)}"
    if not is_missing(r.get("target_year")):
        target += f"({int(r['target_year'])})"
    after_plan = MISSING if is_missing(r.get("post_plan_year")) else \
        f"{number(r['post_plan_value'], unit)}({int(r['post_plan_year'])})"
    return {
        "number": r["number"], "region": r["region"], "indicator": r["indicator"], "part": r["part"],
        "binding": _binding(r, lang), "baseline": baseline, "target": target, "current": current,
        "target_completion": percent(r.get("target_completion")),
        "increment_completion": percent(r.get("increment_completion")), "schedule": percent(r.get("schedule_ratio")),
        "after_plan": after_plan, "assessment": _assessment(r),
    }


def _data_cells(r: dict, lang: str) -> dict[str, object]:
    remarks = []
    if _needs_baseline(r):
        remarks.append(t("eval_no_baseline", lang))
    if _only_base(r):
        remarks.append(t("eval_only_base", lang))
    if r["schedule_status"] == "pending_evaluation":
        remarks.append(t("eval_missing_year", lang, year=int(r["target_year"])))
    current = not _only_base(r)
    return {
        "number": int(r["number"]), "region": r["region"], "indicator": r["indicator"], "part": r["part"],
        "binding": _binding(r, lang), "unit": r.get("unit") or "",
        "baseline": _value(r.get("baseline_value_used")), "baseline_year": _year(r.get("baseline_year_used")),
        "target_text": describe_target(r, lang), "target_value": _value(r.get("target_value_used")),
        "target_year": _year(r.get("target_year")),
        "current": _value(r.get("latest_value")) if current else None,
        "current_year": _year(r.get("latest_year")) if current else None,
        "target_completion": _value(r.get("target_completion")),
        "increment_completion": _value(r.get("increment_completion")), "schedule": _value(r.get("schedule_ratio")),
        "after_plan": _value(r.get("post_plan_value")), "after_plan_year": _year(r.get("post_plan_year")),
        "assessment": _assessment(r), "remark": t("list_separator", lang).join(remarks),
    }


def print_html(report: Report) -> str:
    """The display table as an HTML table for the browser's print (the page's data grid draws only the rows in
    view); every cell is escaped, so user text is shown as typed, never read as markup."""
    table = report.display
    last = len(table.columns) - 1
    head = "".join(f"<th>{escape(str(c))}</th>" for c in table.columns)
    rows = []
    for values, status in zip(table.itertuples(index=False), table.attrs["status"], strict=True):
        colour = STATUS_COLOURS.get(status, "#ffffff")
        text = "#ffffff" if colour.lower() in DARK_FILLS else "#222222"
        cells = [f'<td style="background:{colour};color:{text}">{escape(str(v))}</td>' if j == last
                 else f"<td>{escape(str(v))}</td>" for j, v in enumerate(values)]
        rows.append(f"<tr>{''.join(cells)}</tr>")
    return (f'<h3 class="evaluation-print-title">{escape(report.title)}</h3>'
            f'<table class="evaluation-print"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'
            f'<p class="evaluation-print-note">{escape(t("eval_definitions", report.lang))}</p>')
