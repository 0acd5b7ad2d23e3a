"""Strings of the entry, upload and batches pages (simplified Chinese, English), in the (zh, en) shape of
tracker.i18n.STRINGS so that the two can be merged, and the translated display tables those pages show."""

from __future__ import annotations

import pandas as pd

from tracker import i18n

STRINGS: dict[str, tuple[str, str]] = {
    # navigation
    "nav_entry": ("数据填报", "Data entry"),
    "nav_upload": ("数据上传", "Upload"),
    "nav_batches": ("数据批次", "Batches"),
    # shared
    "user": ("填报人", "Entered by"),
    "session_revoked": ("账户已停用、已删除或密码已更改,请重新登录。",
                        "The account was disabled, removed or its password changed: please sign in again."),
    "entered_as": ("填报人:{user}(当前登录账户)", "Entered by: {user} (the signed-in account)"),
    "plan": ("规划", "Plan"),
    "region": ("地区", "Region"),
    "year": ("年份", "Year"),
    "vintage": ("快报/年报", "Provisional/final"),
    "vintage_none": ("不注明", "Not stated"),
    "vintage_help": ("快报:统计快报数(初步);年报:年报数(最终)。未逐行注明的数值按此记录",
                     "快报: provisional figure; 年报: final figure. Applies where a row does not say"),
    "reason": ("修订原因", "Reason for the revision"),
    "reason_help": ("更正已有数值时说明原因,如“统计局年报修订”", "Why an existing value is corrected"),
    "source": ("来源/口径", "Source"),
    "source_help": ("未逐行填写来源时使用,如“2016年统计公报”", "Used where a row gives no source"),
    "note": ("批次说明", "Batch note"),
    "empty_db": ("数据库中还没有目录。请先运行 `python -m etl`。", "The database holds no catalogue yet. Run `python -m etl`."),
    "errors_block": ("有 {n} 个错误,改正之前不能保存,也不会写入任何数据。",
                     "{n} errors: nothing can be saved until they are fixed."),
    "warnings_note": ("{n} 条提示:请核对,不影响保存。", "{n} warnings: please check; they do not block saving."),
    "problems_title": ("检查结果", "Problems found"),
    "changes_title": ("将要写入的变化(原值 → 新值)", "What will change (old → new)"),
    "changes_title_blocked": ("改正错误后将写入的变化(原值 → 新值)", "What will change once the errors are fixed"),
    "no_changes": ("没有需要写入的变化:所有数值与当前值相同或为空。",
                   "Nothing to write: every value equals the current one or is blank."),
    "saved": ("已保存批次 {batch}:{n} 个数值。可在「数据批次」页查看或整批撤销。",
              "Saved batch {batch}: {n} values. See or undo it on the Batches page."),
    "stale": ("数据刚被他人更新,变化已重新计算,请再核对一次。",
              "The data was just updated by someone else; the changes were recomputed, please check again."),
    # entry page
    "entry_title": ("数据填报", "Data entry"),
    "entry_intro": (
        "选择规划、地区和年份,在表格的「数值」列直接修改。输入即检查;保存时所有变化作为一个批次写入,原值保留在历史中。"
        "清空一个已有数值表示撤回该数值。",
        "Choose a plan, region and year and edit the 数值 column. Edits are checked as you type; saving writes all "
        "changes as one batch and keeps the previous values in the history. Clearing a value withdraws it.",
    ),
    "entry_hint": ("修改「数值」列后,这里会显示检查结果和将要写入的变化。",
                   "Edit the value column; the checks and the changes appear here."),
    "entry_no_indicators": ("这个规划在该地区没有可填报数值的指标(定性目标请在目标目录中设定状态)。",
                            "This plan has no quantitative indicator for the region."),
    "entry_save": ("保存", "Save"),
    "col_indicator": ("指标", "Indicator"),
    "col_unit": ("单位", "Unit"),
    "col_previous": ("上年值", "Last year"),
    "col_value": ("数值", "Value"),
    "col_value_help": ("只填数字(可带单位,如 2.11%);清空表示撤回已有数值",
                       "Numbers only (a unit is allowed, e.g. 2.11%); clear to withdraw"),
    "col_current_source": ("当前值来源", "Current value's source"),
    "col_current_batch": ("当前值批次", "Current value's batch"),
    # upload page
    "upload_title": ("数据上传", "Upload"),
    "upload_intro": (
        "上传统计局的表格或填好的模板(.xlsx / .csv)。系统逐格检查并列出变化,确认后一次写入;有任何错误时不写入。",
        "Upload the statistics bureau's sheet or a filled template (.xlsx / .csv). Every cell is checked and the "
        "changes are listed; nothing is written until you confirm, and nothing at all if there is an error.",
    ),
    "templates": ("下载填报模板", "Download a template"),
    "templates_intro": ("模板已预填所选规划的地区、指标和当前值;长表每行一个数值,宽表每年一列。",
                        "Templates hold the plan's regions, indicators and current values; long: one value a row, "
                        "wide: one column a year."),
    "template_year": ("长表预填年份", "Year for the long template"),
    "download_long": ("下载长表模板", "Long template"),
    "download_wide": ("下载宽表模板", "Wide template"),
    "upload_file": ("选择文件", "Choose a file"),
    "upload_options": ("更多选项:默认地区、年份、快报/年报、修订原因", "More options: defaults, vintage, reason"),
    "default_region": ("默认地区(表中没有地区列时)", "Default region (when the sheet has none)"),
    "default_year": ("默认年份(表中没有年份列时)", "Default year (when the sheet has none)"),
    "auto": ("自动(按表格标题)", "Automatic (from the title)"),
    "sheet": ("工作表", "Sheet"),
    "sheet_auto": ("自动识别", "Detect"),
    "unreadable": ("无法读取文件:{msg}", "The file cannot be read: {msg}"),
    "read_summary": ("工作表「{sheet}」· {layout} · 表头在第 {row} 行", "Sheet “{sheet}” · {layout} · header in row {row}"),
    "metric_values": ("读取数值", "Values read"),
    "metric_errors": ("错误", "Errors"),
    "metric_warnings": ("提示", "Warnings"),
    "metric_new": ("新增", "New"),
    "metric_changed": ("修改", "Changed"),
    "metric_unchanged": ("不变", "Unchanged"),
    "confirm": ("我已核对以上 {n} 个变化,确认写入", "I have checked the {n} changes above; write them"),
    "commit": ("提交写入", "Commit"),
    "committed_file": ("这个文件已提交为批次 {batch}。如需撤销,请到「数据批次」页。",
                       "This file was committed as batch {batch}. Undo it on the Batches page."),
    "layout_long": ("长表", "long"),
    "layout_wide_years": ("宽表(年份为列)", "wide (years across)"),
    "layout_wide_indicators": ("宽表(指标为列)", "wide (indicators across)"),
    # batches page
    "batches_title": ("数据批次", "Batches"),
    "batches_intro": (
        "每次保存或上传都是一个批次。撤销一个批次会恢复它之前的数值,撤销本身也记录为批次;任何数据都不会被物理删除。",
        "Every save or upload is a batch. Reverting a batch restores the previous values and is itself recorded; "
        "nothing is ever deleted.",
    ),
    "batch_pick": ("查看批次", "Batch"),
    "batch_rows": ("批次中的数值", "Values in the batch"),
    "revert_title": ("撤销这个批次", "Revert this batch"),
    "revert_reason": ("撤销原因(必填)", "Reason (required)"),
    "revert_confirm": ("确认撤销批次 {batch}:它的 {n} 个数值将不再有效,恢复为之前的数值",
                       "Revert batch {batch}: its {n} values stop counting and the previous ones count again"),
    "revert_button": ("撤销批次", "Revert batch"),
    "reverted": ("已撤销批次 {batch}(撤销记录 {revert})。", "Reverted batch {batch} (recorded as {revert})."),
    "not_revertable_seed": ("规划文本陈述值(seed 批次)由 ETL 维护,不能撤销。", "The seed batch is maintained by the ETL."),
    "not_revertable_revert": ("这是一条撤销记录。", "This is a revert record."),
    "not_revertable_done": ("这个批次已被撤销(撤销记录 {by})。", "This batch was reverted ({by})."),
    "history_title": ("单个数值的修订历史", "Revision history of one value"),
    "history_pick": ("数值(地区 · 指标 · 年份)", "Value (region · indicator · year)"),
    "choose": ("请选择", "Choose"),
    "no_batches": ("还没有批次。", "No batches yet."),
    "col_batch": ("批次", "Batch"),
    "col_kind": ("类型", "Kind"),
    "col_status": ("状态", "Status"),
    "col_by": ("填报人", "By"),
    "col_at": ("时间", "When"),
    "col_file": ("文件", "File"),
    "col_revisions": ("修订数", "Revisions"),
    "col_new_values": ("新增", "New"),
    "col_revised_values": ("修改", "Revised"),
    "col_withdrawn": ("撤回", "Withdrawn"),
    "col_current_values": ("仍有效", "Still current"),
    "col_note": ("说明", "Note"),
    "col_reverts": ("撤销的批次", "Reverts"),
    "col_is_current": ("当前有效", "Counts now"),
}

LABELS: dict[str, tuple[str, str]] = {
    "error": ("错误", "Error"),
    "warning": ("提示", "Warning"),
    "new": ("新增", "new"),
    "changed": ("修改", "changed"),
    "withdrawn": ("撤回", "withdrawn"),
    "unchanged": ("不变", "unchanged"),
    "seed": ("规划文本", "seed"),
    "entry": ("网页填报", "entry"),
    "upload": ("文件上传", "upload"),
    "revert": ("撤销", "revert"),
    "committed": ("有效", "committed"),
    "reverted": ("已撤销", "reverted"),
}


def tt(key: str, lang: str = "zh", **values) -> str:
    """The string for key in lang ('zh' or 'en'), with {placeholders} filled from values."""
    zh, en = STRINGS[key]
    text = en if lang == "en" else zh
    return text.format(**values) if values else text


def label(code, lang: str = "zh") -> str:
    return i18n.label(LABELS, None if code is None else str(code), lang)


def _num(value) -> str:
    return "" if pd.isna(value) else f"{value:,.10g}"


def problems_table(problems: pd.DataFrame, lang: str = "zh") -> pd.DataFrame:
    """Problems as the pages show them: errors first, then warnings, each with its sheet and cell."""
    ordered = problems.sort_values("level", key=lambda s: s != "error", kind="stable")
    en = lang == "en"
    return pd.DataFrame({
        "Level" if en else "级别": ordered["level"].map(lambda c: label(c, lang)),
        "Sheet" if en else "工作表": ordered["sheet"].fillna(""),
        "Cell" if en else "单元格": [cell_ref(c, r, lang) for c, r in zip(ordered["column"], ordered["row"], strict=True)],
        "Content" if en else "内容": ordered["cell"].fillna(""),
        "Message" if en else "说明": ordered["message_zh"],
    }).reset_index(drop=True)


def cell_ref(column, row, lang: str = "zh") -> str:
    """'C6' for an Excel cell; 'row 2 · 数值' for the browser table; '' for a whole-sheet finding."""
    column = "" if pd.isna(column) else str(column)
    row = "" if pd.isna(row) else str(int(row))
    if column.isascii() and column.isalpha() and column.isupper():
        return f"{column}{row}"
    if not row:
        return column
    return (f"row {row}" if lang == "en" else f"第 {row} 行") + (f" · {column}" if column else "")


def changes_table(rows: pd.DataFrame, lang: str = "zh") -> pd.DataFrame:
    """The rows that will be written, old → new."""
    en = lang == "en"
    where = [f"{s} {cell_ref(c, r, lang)}".strip() for s, c, r in zip(rows["sheet"].fillna(""), rows["column"],
                                                                          rows["row"], strict=True)]
    return pd.DataFrame({
        "Change" if en else "变化": rows["change"].map(lambda c: label(c, lang)),
        "Region" if en else "地区": rows["region"],
        "Indicator" if en else "指标": rows["indicator"],
        "Year" if en else "年份": rows["year"],
        "Old" if en else "原值": rows["old_value"].map(_num),
        "New" if en else "新值": rows["value"].map(_num),
        "Unit" if en else "单位": rows["unit"],
        "Provisional/final" if en else "快报/年报": rows["vintage"].fillna(""),
        "Reason" if en else "修订原因": rows["reason"].fillna(""),
        "Where" if en else "位置": where,
    }).reset_index(drop=True)


def batches_table(batches: pd.DataFrame, lang: str = "zh") -> pd.DataFrame:
    def t(key):
        return tt(key, lang)

    return pd.DataFrame({
        t("col_batch"): batches["batch_id"],
        t("col_kind"): batches["kind"].map(lambda c: label(c, lang)),
        t("col_status"): batches["status"].map(lambda c: label(c, lang)),
        t("col_by"): batches["created_by"],
        t("col_at"): batches["created_at"].dt.strftime("%Y-%m-%d %H:%M"),
        t("col_file"): batches["file_name"].fillna(""),
        t("col_revisions"): batches["revisions"],
        t("col_new_values"): batches["new_values"],
        t("col_revised_values"): batches["revised_values"],
        t("col_withdrawn"): batches["withdrawn_values"],
        t("col_current_values"): batches["current_values"],
        t("col_reverts"): batches["reverts_batch_id"].fillna(""),
        t("col_note"): batches["note"].fillna(""),
    })


def revisions_table(revisions: pd.DataFrame, lang: str = "zh") -> pd.DataFrame:
    en = lang == "en"
    return pd.DataFrame({
        "Region" if en else "地区": revisions["region"],
        "Indicator" if en else "指标": revisions["indicator"],
        "Year" if en else "年份": revisions["year"],
        "Before" if en else "原值": revisions["previous_value"].map(_num),
        "Value" if en else "数值": revisions["value"].map(lambda v: _num(v) if pd.notna(v) else ("(withdrawn)" if en else "(撤回)")),
        "Unit" if en else "单位": revisions["unit"],
        "Provisional/final" if en else "快报/年报": revisions["vintage"].fillna(""),
        "Reason" if en else "修订原因": revisions["reason"].fillna(""),
        tt("col_is_current", lang): revisions["is_current"],
    })


def history_table(history: pd.DataFrame, lang: str = "zh") -> pd.DataFrame:
    en = lang == "en"
    return pd.DataFrame({
        "Value" if en else "数值": history["value"].map(lambda v: _num(v) if pd.notna(v) else ("(withdrawn)" if en else "(撤回)")),
        "Unit" if en else "单位": history["unit"],
        "Provisional/final" if en else "快报/年报": history["vintage"].fillna(""),
        "Source" if en else "来源/口径": history["source"].fillna(""),
        "Reason" if en else "修订原因": history["reason"].fillna(""),
        "Batch" if en else "批次": history["batch_id"],
        "Kind" if en else "类型": history["batch_kind"].map(lambda c: label(c, lang)),
        "Batch status" if en else "批次状态": history["batch_status"].map(lambda c: label(c, lang)),
        "By" if en else "填报人": history["entered_by"],
        "When" if en else "时间": history["entered_at"].dt.strftime("%Y-%m-%d %H:%M"),
        tt("col_is_current", lang): history["is_current"],
    })
