"""The translated tables the data pages show: problems with their cells, changes old → new, batches, revisions and
the history of one value. Values are shown exactly as stored (every digit) so that a clerk can check them."""

from __future__ import annotations

import pandas as pd

from tracker.actuals.validate import ENTRY_FIELDS, ENTRY_SHEET
from tracker.formatting import exact
from tracker.i18n import data_label, render_problems
from tracker.i18n import t as i18n_t


def problems_table(problems: pd.DataFrame, lang: str = "zh") -> pd.DataFrame:
    """Problems as the pages show them: errors first, then warnings, each with its sheet and cell."""
    ordered = problems.sort_values("level", key=lambda s: s != "error", kind="stable")
    def t(key):
        return i18n_t(key, lang)

    return pd.DataFrame({
        t("tbl_level"): ordered["level"].map(lambda c: data_label(c, lang)),
        t("tbl_sheet"): ordered["sheet"].fillna("").map(lambda s: sheet_name(s, lang)),
        t("tbl_cell"): [cell_ref(c, r, lang) for c, r in zip(ordered["column"], ordered["row"], strict=True)],
        t("tbl_content"): ordered["cell"].fillna(""),
        t("tbl_message"): render_problems(ordered, lang),
    }).reset_index(drop=True)


def cell_ref(column, row, lang: str = "zh") -> str:
    """'C6' for an Excel cell; '第 2 行 · 数值' / 'row 2 · Value' for the browser table; '' for a whole-sheet finding."""
    column = "" if pd.isna(column) else str(column)
    row = "" if pd.isna(row) else str(int(row))
    if column.isascii() and column.isalpha() and column.isupper():
        return f"{column}{row}"
    if column in ENTRY_FIELDS:
        column = i18n_t(f"field_{column}", lang)
    if not row:
        return column
    return i18n_t("tbl_row", lang, row=row) + (f" · {column}" if column else "")


def sheet_name(sheet: str, lang: str = "zh") -> str:
    """A file's sheet as it is named; the browser table in the reader's language."""
    return i18n_t("entry_sheet", lang) if sheet == ENTRY_SHEET else sheet


def changes_table(rows: pd.DataFrame, lang: str = "zh") -> pd.DataFrame:
    """The rows that will be written, old → new."""
    def t(key):
        return i18n_t(key, lang)

    where = [f"{sheet_name(s, lang)} {cell_ref(c, r, lang)}".strip() for s, c, r in zip(rows["sheet"].fillna(""),
                                                                                           rows["column"],
                                                                          rows["row"], strict=True)]
    return pd.DataFrame({
        t("tbl_change"): rows["change"].map(lambda c: data_label(c, lang)),
        t("tbl_region"): rows["region"],
        t("tbl_indicator"): rows["indicator"],
        t("tbl_year"): rows["year"],
        t("tbl_old"): rows["old_value"].map(exact),
        t("tbl_new"): rows["value"].map(exact),
        t("tbl_unit"): rows["unit"],
        t("tbl_provisional_final"): rows["vintage"].fillna(""),
        t("tbl_source"): rows["source"].fillna(""),
        t("tbl_reason"): rows["reason"].fillna(""),
        t("tbl_where"): where,
    }).reset_index(drop=True)


def batches_table(batches: pd.DataFrame, lang: str = "zh") -> pd.DataFrame:
    def t(key):
        return i18n_t(key, lang)

    return pd.DataFrame({
        t("col_batch"): batches["batch_id"],
        t("col_kind"): batches["kind"].map(lambda c: data_label(c, lang)),
        t("col_batch_status"): batches["status"].map(lambda c: data_label(c, lang)),
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
    def t(key):
        return i18n_t(key, lang)

    return pd.DataFrame({
        t("tbl_region"): revisions["region"],
        t("tbl_indicator"): revisions["indicator"],
        t("tbl_year"): revisions["year"],
        t("tbl_before"): revisions["previous_value"].map(exact),
        t("tbl_value"): revisions["value"].map(lambda v: exact(v) if pd.notna(v) else t("tbl_withdrawn")),
        t("tbl_unit"): revisions["unit"],
        t("tbl_provisional_final"): revisions["vintage"].fillna(""),
        t("tbl_source"): revisions["source"].fillna(""),
        t("tbl_reason"): revisions["reason"].fillna(""),
        t("col_is_current"): revisions["is_current"],
    })


def history_table(history: pd.DataFrame, lang: str = "zh") -> pd.DataFrame:
    def t(key):
        return i18n_t(key, lang)

    return pd.DataFrame({
        t("tbl_value"): history["value"].map(lambda v: exact(v) if pd.notna(v) else t("tbl_withdrawn")),
        t("tbl_unit"): history["unit"],
        t("tbl_provisional_final"): history["vintage"].fillna(""),
        t("tbl_source"): history["source"].fillna(""),
        t("tbl_reason"): history["reason"].fillna(""),
        t("tbl_batch"): history["batch_id"],
        t("tbl_kind"): history["batch_kind"].map(lambda c: data_label(c, lang)),
        t("tbl_batch_status"): history["batch_status"].map(lambda c: data_label(c, lang)),
        t("tbl_by"): history["entered_by"],
        t("tbl_when"): history["entered_at"].dt.strftime("%Y-%m-%d %H:%M"),
        t("col_is_current"): history["is_current"],
    })


def pending_table(pending: pd.DataFrame, lang: str = "zh", plan_names: dict[str, str] | None = None) -> pd.DataFrame:
    """Values waiting for review (Store.pending_revisions): the approved value that counts now and the one
    submitted, who submitted it, when and from which file, the plans that target the series (by their names)."""
    def t(key):
        return i18n_t(key, lang)

    return pd.DataFrame({
        t("tbl_region"): pending["region"],
        t("tbl_indicator"): pending["indicator"],
        t("tbl_year"): pending["year"],
        t("review_col_old"): pending["old_value"].map(exact),
        t("review_col_new"): pending["value"].map(exact),
        t("tbl_unit"): pending["unit"].fillna(""),
        t("review_col_by"): pending["created_by"],
        t("review_col_at"): pending["created_at"].dt.strftime("%Y-%m-%d %H:%M"),
        t("review_col_batch"): [f"{b} · {data_label(k, lang)}" + (f" · {f}" if isinstance(f, str) else "")
                                for b, k, f in zip(pending["batch_id"], pending["batch_kind"], pending["file_name"],
                                                   strict=True)],
        t("tbl_source"): pending["source"],
        t("review_col_plans"): pending["plan_ids"].fillna("").map(
            lambda ids: "、".join((plan_names or {}).get(p, p) for p in ids.split(",") if p)),
    }).reset_index(drop=True)
