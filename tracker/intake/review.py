"""Reviewing a new plan: the proposals as an editable table and its checks; the rows a commit writes are
tracker/intake/plan_rows.py (re-exported here).

    proposals ──review_table──▶ table (one row per proposal: accept, role, indicator, kind, values, quote …)
    (meta, table, document) ──check_review──▶ [Problem]            (errors stop the commit; warnings are shown)
    (meta, table, document) ──build_plan──▶ PlanRows               (plans, documents, targets, stated values …)

The table is what the review page edits and what tracker.commands.create_plan takes; every rule about a row lives
here, so the page and the command line check the same things. Never imports streamlit.
"""

from __future__ import annotations

import dataclasses
import math
import re
from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd

from etl import checks
from etl.catalogue import COMPARATORS, KINDS, NEEDS_VALUE, OWN_UNIT_KINDS
from tracker.catalogue.text import to_simplified
from tracker.config import FIRST_YEAR, LAST_YEAR
from tracker.i18n import label, render_problem, t
from tracker.i18n.labels import KIND_LABELS
from tracker.i18n.messages import PARAM_SEPARATOR
from tracker.intake.documents import DocumentText
from tracker.intake.proposal import Proposal, reason_text

ROLES = ("target", "baseline")
BINDINGS = ("预期性", "约束性")
DIRECTIONS = ("up", "down")
PATH_KINDS = ("linear", "geometric")
# Proposals at least this sure start accepted; the clerk accepts or rejects every row anyway.
ACCEPT_FROM = 0.5
# The columns of the review table, in the order the page shows them.
COLUMNS = ["accept", "role", "indicator", "subject", "region", "kind", "comparator", "value", "value_hi", "stretch",
           "rate", "multiple", "unit", "target_year", "baseline_year", "baseline_value", "binding", "relative_to",
           "margin", "basis", "indicator_unit", "direction", "path_kind", "section", "quote", "offset", "confidence",
           "reasons", "match"]
NUMBER_COLUMNS = ("value", "value_hi", "stretch", "rate", "multiple", "baseline_value", "margin")
YEAR_COLUMNS = ("target_year", "baseline_year")
PASTED_NAME = "粘贴文本"


@dataclass(frozen=True)
class PlanMeta:
    """What the clerk says about the plan itself (step 2 of the review page)."""

    title: str
    short_name: str
    region: str
    start_year: int
    target_year: int
    base_year: int | None = None
    issuing_body: str | None = None
    issued_on: date | None = None
    doc_type: str | None = None


@dataclass(frozen=True)
class Problem:
    """One finding of the review check: row is the 1-based row of the table (None: the plan's metadata)."""

    severity: str                   # error | warning
    code: str                       # PROBLEM_MESSAGES key
    row: int | None = None
    field: str | None = None        # a column of the table or a PlanMeta field
    params: dict = dataclasses.field(default_factory=dict)

    def message(self, lang: str = "zh") -> str:
        """The message in lang, naming the row and the field."""
        values = {k: str(v) for k, v in self.params.items()}
        if "kind" in values:
            values["kind"] = label(KIND_LABELS, values["kind"], lang)
        if self.field:
            values["field"] = t(f"np_col_{self.field}", lang)
        text = render_problem(self.code, PARAM_SEPARATOR.join(f"{k}={v}" for k, v in values.items()), lang)
        if self.row is not None:
            return t("np_problem_at_row", lang, row=self.row, field=values.get("field", ""), message=text)
        if self.field:
            return t("np_problem_at_field", lang, field=values["field"], message=text)
        return text


class ReviewRejected(ValueError):
    """The reviewed plan has errors; nothing was written. .problems lists every one."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        errors = [p for p in problems if p.severity == "error"]
        super().__init__("新增规划未写入,请先改正:\n" + "\n".join(f"  - {p.message('zh')}" for p in errors))


@dataclass(frozen=True)
class Names:
    """The canonical indicators and regions a review maps to, with their aliases (from the store)."""

    indicators: pd.DataFrame        # indicator_id, indicator, unit, direction, path_kind, measure
    aliases: pd.DataFrame           # alias, indicator_id
    regions: pd.DataFrame           # region_id, region
    region_aliases: pd.DataFrame    # alias, region

    @classmethod
    def from_store(cls, store) -> Names:
        return cls(store.indicators(), store.indicator_aliases(), store.regions(), store.region_aliases())

    def indicator_id(self, name: str | None) -> str | None:
        """The id of the indicator called name (canonical name or alias, either script); None for a new one."""
        if not name:
            return None
        for form in dict.fromkeys((name.strip(), to_simplified(name.strip()))):
            hit = self.indicators.loc[self.indicators["indicator"] == form, "indicator_id"]
            if not hit.empty:
                return hit.iloc[0]
            hit = self.aliases.loc[self.aliases["alias"] == form, "indicator_id"]
            if not hit.empty:
                return hit.iloc[0]
        return None

    def indicator(self, indicator_id: str) -> pd.Series:
        return self.indicators.set_index("indicator_id").loc[indicator_id]

    def region(self, name: str | None) -> str | None:
        """The canonical region of name (or an alias of one); None when unknown."""
        if not name:
            return None
        name = name.strip()
        if name in set(self.regions["region"]):
            return name
        hit = self.region_aliases.loc[self.region_aliases["alias"] == name, "region"]
        return None if hit.empty else hit.iloc[0]

    def for_extraction(self) -> list[dict]:
        """The indicators as propose_targets takes them."""
        aliases = self.aliases.groupby("indicator_id")["alias"].apply(list).to_dict()
        return [{"id": r.indicator_id, "name": r.indicator, "aliases": aliases.get(r.indicator_id, [])}
                for r in self.indicators.itertuples()]


# -- the table ----------------------------------------------------------------------------------------------------
def review_table(proposals: list[Proposal], names: Names, region: str, lang: str = "zh") -> pd.DataFrame:
    """One editable row per proposal: the suggested canonical indicator (or the subject as a new one), the
    values as proposed, the unit a new indicator would get, and the confidence with its reasons in words."""
    rows = []
    for p in proposals:
        known = p.indicator if p.indicator_match != "closest" else None   # a close name is a hint, not a match
        name = names.indicator(known)["indicator"] if known is not None and _has(names, known) else None
        if name is None:
            name = p.subject_display or p.subject
        existing = names.indicator_id(name)
        indicator_unit = (names.indicator(existing)["unit"] if existing
                          else ("" if p.kind in OWN_UNIT_KINDS else p.unit))
        rows.append({
            "accept": p.confidence >= ACCEPT_FROM, "role": p.role, "indicator": name,
            "subject": p.subject_display or p.subject, "region": names.region(p.region) or p.region or region,
            "kind": p.kind, "comparator": p.comparator, "value": p.value, "value_hi": p.value_hi,
            "stretch": p.stretch, "rate": p.rate, "multiple": p.multiple, "unit": p.unit,
            "target_year": p.target_year,
            "baseline_year": p.baseline_year, "baseline_value": p.baseline_value, "binding": p.binding,
            "relative_to": p.relative_to, "margin": p.margin, "basis": p.basis, "indicator_unit": indicator_unit,
            "direction": "up", "path_kind": "", "section": p.section, "quote": p.quote, "offset": p.offset,
            "confidence": round(p.confidence, 2),
            "reasons": ("；" if lang == "zh" else "; ").join(reason_text(r, lang) for r in p.reasons),
            "match": "existing" if existing else "new",
        })
    return normalise(pd.DataFrame(rows, columns=COLUMNS))


def _has(names: Names, indicator_id: str) -> bool:
    return indicator_id in set(names.indicators["indicator_id"])


def normalise(table: pd.DataFrame) -> pd.DataFrame:
    """The table with every column present and typed: numbers as floats, years as nullable integers, text as
    text (an edited table comes back from the page with NaN, None and strings mixed)."""
    table = table.copy()
    for column in COLUMNS:
        if column not in table.columns:
            table[column] = None
    for column in NUMBER_COLUMNS + ("confidence",):
        table[column] = pd.to_numeric(table[column], errors="coerce").astype("float64")
    for column in YEAR_COLUMNS + ("offset",):
        table[column] = pd.to_numeric(table[column], errors="coerce").round().astype("Int64")
    table["accept"] = table["accept"].fillna(False).astype(bool)
    text_columns = [c for c in COLUMNS if c not in (*NUMBER_COLUMNS, *YEAR_COLUMNS, "offset", "confidence", "accept")]
    for column in text_columns:
        table[column] = table[column].map(_text).astype("object")
    return table[COLUMNS].reset_index(drop=True)


def _clean(row: pd.Series) -> dict:
    """A table row with None for every empty cell (pandas gives NaN for a missing text), text stripped."""
    out = {}
    for column in COLUMNS:
        value = row.get(column)
        if column in NUMBER_COLUMNS or column == "confidence":
            out[column] = _number(value)
        elif column in (*YEAR_COLUMNS, "offset"):
            out[column] = _year(value)
        elif column == "accept":
            out[column] = bool(value)
        else:
            out[column] = _text(value)
    return out


def _text(value) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return None
    text = str(value).strip()
    return text or None


def _number(value) -> float | None:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    return float(value)


def _year(value) -> int | None:
    number = _number(value)
    return None if number is None else int(number)


def context(text: str, offset: int | None, quote: str | None, width: int = 160) -> tuple[str, str, str]:
    """(before, the quote, after) around a row's quote in the stored text, for highlighting it in place."""
    if not quote:
        return "", "", ""
    start = locate(text, quote, offset)
    if start is None:
        return "", quote, ""
    return text[max(0, start - width):start], quote, text[start + len(quote):start + len(quote) + width]


def locate(text: str, quote: str, offset: int | None) -> int | None:
    """Where quote stands in text: at offset when it stands there, else its first occurrence; None: nowhere."""
    if offset is not None and offset >= 0 and text[offset:offset + len(quote)] == quote:
        return int(offset)
    found = text.find(quote)
    return None if found < 0 else found


# -- the check ----------------------------------------------------------------------------------------------------
def check_review(meta: PlanMeta, table: pd.DataFrame, text: str, names: Names, *,
                 same_document: list[tuple[str, str, str]] = ()) -> list[Problem]:
    """Every problem of a reviewed plan: errors (the commit refuses) and warnings (shown, the commit goes on).

    same_document: (plan_id, title, origin) of plans already holding a document with this text."""
    problems = check_meta(meta)
    for plan_id, title, origin in same_document:
        problems.append(Problem("error" if origin == "reviewed" else "warning",
                                "plan_same_document" if origin == "reviewed" else "plan_same_as_seed",
                                params={"plan": title, "plan_id": plan_id}))
    table = normalise(table)
    accepted = table[table["accept"]]
    if accepted.empty:
        problems.append(Problem("error", "plan_nothing_accepted"))
    for index, row in accepted.iterrows():
        problems += _check_row(int(index) + 1, _clean(row), meta, text, names)
    if not any(p.severity == "error" for p in problems):
        problems += _consistency(meta, table, text, names)
    return problems


def check_meta(meta: PlanMeta) -> list[Problem]:
    """The problems of a plan's own details (title, short name, region, period)."""
    problems = []
    for name in ("title", "short_name", "region"):
        if not (getattr(meta, name) or "").strip():
            problems.append(Problem("error", "plan_field_missing", field=f"meta_{name}"))
    years = {"start_year": meta.start_year, "target_year": meta.target_year, "base_year": meta.base_year}
    for name, year in years.items():
        if year is None and name != "base_year":
            problems.append(Problem("error", "plan_field_missing", field=f"meta_{name}"))
        elif year is not None and not FIRST_YEAR <= year <= LAST_YEAR:
            problems.append(Problem("error", "plan_year_implausible", field=f"meta_{name}", params={"year": year}))
    if meta.start_year and meta.target_year and meta.start_year > meta.target_year:
        problems.append(Problem("error", "plan_period_reversed", field="meta_target_year",
                                params={"start": meta.start_year, "end": meta.target_year}))
    if meta.base_year and meta.start_year and meta.base_year > meta.start_year:
        problems.append(Problem("error", "plan_base_after_start", field="meta_base_year",
                                params={"base": meta.base_year, "start": meta.start_year}))
    return problems


def _check_row(n: int, row: dict, meta: PlanMeta, text: str, names: Names) -> list[Problem]:
    out: list[Problem] = []

    def error(code: str, column: str, **params) -> None:
        out.append(Problem("error", code, row=n, field=column, params=params))

    quote = row["quote"]
    if not quote:
        error("plan_quote_missing", "quote")
    elif locate(text, quote, _year(row["offset"])) is None:
        error("plan_quote_not_in_text", "quote", quote=_short(quote))
    if row["role"] not in ROLES:
        error("plan_choice_unknown", "role", value=row["role"] or "")
        return out
    if not row["indicator"]:
        error("plan_field_missing", "indicator")
    region = row["region"] or meta.region
    if row["role"] == "baseline":
        if _number(row["value"]) is None:
            error("plan_stated_value_missing", "value")
        year = _year(row["baseline_year"])
        if year is None:
            error("plan_stated_year_missing", "baseline_year")
        elif meta.target_year and year > meta.target_year:
            error("plan_stated_year_after_plan", "baseline_year", year=year, end=meta.target_year)
    else:
        out += _check_target(n, row, meta, names)
    existing = names.indicator_id(row["indicator"])
    kind = row["kind"] if row["role"] == "target" else "level"
    if existing is None and row["indicator"]:
        if row["indicator_unit"] is None and kind != "qualitative":
            error("plan_new_indicator_unit", "indicator_unit", indicator=row["indicator"])
        if row["direction"] not in DIRECTIONS:
            error("plan_choice_unknown", "direction", value=row["direction"] or "")
        if row["path_kind"] not in (None, *PATH_KINDS):
            error("plan_choice_unknown", "path_kind", value=row["path_kind"])
    elif existing is not None and kind not in OWN_UNIT_KINDS and row["unit"]:
        unit = names.indicator(existing)["unit"]
        if row["unit"] != unit:
            error("plan_unit_differs", "unit", unit=row["unit"], indicator=row["indicator"], expected=unit or "—")
    if row["binding"] not in (None, *BINDINGS):
        error("plan_choice_unknown", "binding", value=row["binding"])
    if not region:
        error("plan_field_missing", "region")
    return out


def _check_target(n: int, row: dict, meta: PlanMeta, names: Names) -> list[Problem]:
    out: list[Problem] = []

    def error(code: str, column: str, **params) -> None:
        out.append(Problem("error", code, row=n, field=column, params=params))

    kind = row["kind"]
    if kind not in KINDS:
        error("plan_choice_unknown", "kind", value=kind or "")
        return out
    kind_label = kind
    if row["comparator"] not in (None, *COMPARATORS):
        error("plan_choice_unknown", "comparator", value=row["comparator"])
    value, hi = _number(row["value"]), _number(row["value_hi"])
    if kind in NEEDS_VALUE and value is None:
        error("plan_value_missing", "value", kind=kind_label)
    if kind == "range" and value is not None and (hi is None or hi <= value):
        error("plan_range_needs_hi", "value_hi", value=f"{value:g}")
    if kind == "floor_stretch" and _number(row["stretch"]) is None:
        error("plan_value_missing", "stretch", kind=kind_label)
    if kind == "growth" and _number(row["rate"]) is None:
        error("plan_value_missing", "rate", kind=kind_label)
    if kind == "doubling" and _number(row["multiple"]) is None:
        error("plan_value_missing", "multiple", kind=kind_label)
    if kind == "relative":
        if names.region(row["relative_to"]) is None:
            error("plan_relative_region", "relative_to", value=row["relative_to"] or "")
        if _number(row["margin"]) is None:
            error("plan_value_missing", "margin", kind=kind_label)
    year = _year(row["target_year"])
    if year is None:
        error("plan_field_missing", "target_year")
    elif meta.start_year and meta.target_year and not meta.start_year <= year <= meta.target_year:
        error("plan_year_outside", "target_year", year=year, start=meta.start_year, end=meta.target_year)
    base = _year(row["baseline_year"])
    if base is not None and year is not None and base >= year:
        error("plan_baseline_not_before", "baseline_year", base=base, year=year)
    if row["basis"] not in (None, "level", "per_year", "cumulative"):
        error("plan_choice_unknown", "basis", value=row["basis"])
    return out


def _short(text: str, length: int = 30) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= length else flat[:length] + "…"


def _consistency(meta: PlanMeta, table: pd.DataFrame, text: str, names: Names) -> list[Problem]:
    """The seeds' checks on the rows a commit would write: two targets that ask different things of one
    indicator in one year, a target at or below its baseline; plus the same sentence accepted twice and regions
    the catalogue does not know yet."""
    problems = []
    built = build_plan(meta, table, DocumentText(name="check", kind="pasted", text=text), names,
                       plan_id="check", reviewer="check", now=datetime.now())
    row_of = dict(zip(built.targets["target_id"], built.targets["table_row"], strict=True))
    for check in checks.duplicate_target_checks(built.targets):
        rows = "、".join(str(row_of[i]) for i in check["target_ids"].split(",") if i in row_of)
        problems.append(Problem("warning", "plan_duplicate_target",
                                params={"rows": rows, "subject": check["subject"]}))
    seen: dict[tuple, int] = {}
    for index, row in table[table["accept"]].iterrows():
        row = _clean(row)
        key = (row["role"], row["indicator"], row["quote"], _year(row["target_year"]), _year(row["baseline_year"]))
        if key in seen:
            problems.append(Problem("warning", "plan_same_row", row=int(index) + 1, field="quote",
                                    params={"first": seen[key]}))
        seen.setdefault(key, int(index) + 1)
    for region in built.regions["region"]:
        problems.append(Problem("warning", "plan_new_region", params={"region": region}))
    for indicator in built.indicators["indicator"]:
        problems.append(Problem("warning", "plan_new_indicator", params={"indicator": indicator}))
    stated = built.stated
    for (region, indicator, year), group in stated.groupby(["region", "indicator", "year"]):
        if group["value"].nunique() > 1:
            problems.append(Problem("warning", "plan_stated_twice",
                                    params={"region": region, "indicator": indicator, "year": year}))
    for check in built.checks.to_dict("records"):
        if check["check_kind"] == "baseline_target" and check["status"] != "ok":
            rows = "、".join(str(row_of[i]) for i in check["target_ids"].split(",") if i in row_of)
            problems.append(Problem("warning", "plan_target_not_above_baseline",
                                    params={"rows": rows, "subject": check["subject"]}))
    return problems


def has_errors(problems: list[Problem]) -> bool:
    return any(p.severity == "error" for p in problems)


def problems_frame(problems: list[Problem], lang: str = "zh") -> pd.DataFrame:
    """The problems as a table for the page: severity, row, field and the message in lang."""
    frame = pd.DataFrame([{
        "severity": p.severity, "row": p.row, "field": t(f"np_col_{p.field}", lang) if p.field else "",
        "message": p.message(lang),
    } for p in problems], columns=["severity", "row", "field", "message"])
    return frame.astype({"row": "Int64"})


def guess_meta(text: str, regions: list[str]) -> dict:
    """Defaults for step 2 from the text: its first line as the title, the first known region it names, the
    latest year it aims at (到2020年) as the target year and the year before the plan as the base year."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    chinese = [line for line in lines if 6 <= len(line) <= 60 and re.search(r"[\u4e00-\u9fff]", line)]
    # the line that names a plan (规划, 方案, 意见 …) first: a scraped page starts with its menus
    title = next((line for line in chinese if re.search(r"(规划|方案|意见|纲要|计划|通知|办法)$", line)),
                 chinese[0] if chinese else (lines[0][:60] if lines else ""))
    region = next((r for r in sorted(regions, key=len, reverse=True) if r and r in text[:2000]), "")
    aims = [int(y) for y in re.findall(r"到\s*((?:19|20)\d\d)\s*年", text)]
    years = [int(y) for y in re.findall(r"((?:19|20)\d\d)\s*年", text)]
    target = max(aims) if aims else (max(years) if years else datetime.now().year)
    five_year = re.search(r"[十]([一二三四五六七八九])五", text)
    start = target - 4 if five_year else max(min([y for y in years if y <= target] or [target]), target - 4)
    return {"title": title, "short_name": title[:20], "region": region, "start_year": start,
            "target_year": target, "base_year": start - 1}


# The rows a commit writes and a stored plan read back: their own module (it uses the table's helpers above).
from tracker.intake.plan_rows import (  # noqa: E402
    PlanRows,
    archived_row,
    build_plan,
    document_key,
    meta_of,
    new_plan_id,
    plan_history,
    row_of_target,
    text_sha256,
)

__all__ = ["PlanRows", "archived_row", "build_plan", "document_key", "meta_of", "new_plan_id", "plan_history",
           "row_of_target", "text_sha256"]
