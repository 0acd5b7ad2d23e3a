"""The rows a reviewed plan's commit writes (plans, documents, targets, stated values, checks) and a stored plan
read back: its details as a PlanMeta, a target as a row of the review table, its history in words. Never imports
streamlit.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime

import pandas as pd

from etl import checks
from etl.catalogue import DEFAULT_COMPARATOR, IMPLIED_BASIS
from tracker.catalogue.names import default_path_kind
from tracker.catalogue.text import display_form
from tracker.i18n import label, t
from tracker.intake.documents import DocumentText
from tracker.intake.review import (
    PASTED_NAME,
    Names,
    PlanMeta,
    _clean,
    _number,
    _year,
    locate,
    normalise,
)
from tracker.methodology import derived_target_value


# -- the rows a commit writes ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class PlanRows:
    """Everything a commit of one reviewed plan writes, as rows of the store's tables."""

    plan: pd.DataFrame
    document: pd.DataFrame
    targets: pd.DataFrame           # with table_row (the review table's row), dropped before writing
    target_quotes: pd.DataFrame
    stated: pd.DataFrame            # actual values the document states (seed-like: batch 'seed')
    indicators: pd.DataFrame        # indicators the review created
    regions: pd.DataFrame           # regions the review created
    checks: pd.DataFrame

    def counts(self) -> dict[str, int]:
        return {"targets": len(self.targets), "stated": len(self.stated), "indicators": len(self.indicators),
                "regions": len(self.regions)}


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def new_plan_id(text: str, now: datetime, taken: set[str]) -> str:
    """'rv20250301-3fa2c1': reviewed, the day of the commit and the document's checksum; unique among taken."""
    base = f"rv{now:%Y%m%d}-{text_sha256(text)[:6]}"
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    return candidate


def document_key(plan_id: str, file_name: str) -> str:
    """The plan's seed_file: its stored document, named so that it can never be a file of seeds/."""
    return f"{plan_id}/{file_name}"


def build_plan(meta: PlanMeta, table: pd.DataFrame, document: DocumentText, names: Names, *, plan_id: str,
               reviewer: str, now: datetime, revision: int = 1, first_row: int = 1) -> PlanRows:
    """The rows of a checked review (call check_review first: this trusts its input)."""
    table = normalise(table)
    text = document.text
    file_name = document.name or PASTED_NAME
    seed_file = document_key(plan_id, file_name)
    script = document.script
    new_indicators: dict[str, dict] = {}
    new_regions: dict[str, dict] = {}

    def region_of(name: str | None) -> str:
        name = (name or meta.region).strip()
        known = names.region(name)
        if known is None and name not in new_regions:
            new_regions[name] = {"region_id": "rv_" + hashlib.sha1(name.encode()).hexdigest()[:10],
                                 "region": name, "region_en": None, "level": None, "parent_region": None,
                                 "note": f"新增规划 {plan_id} 中新建", "origin": "reviewed"}
        return known or name

    def indicator_of(row) -> tuple[str, str, str]:
        """(id, name, unit) of the row's indicator, created when new."""
        existing = names.indicator_id(row["indicator"])
        if existing is not None:
            ind = names.indicator(existing)
            return existing, ind["indicator"], ind["unit"] or ""
        name = row["indicator"].strip()
        if name not in new_indicators:
            unit = row["indicator_unit"] or ""
            new_indicators[name] = {
                "indicator_id": "rv_" + hashlib.sha1(name.encode()).hexdigest()[:10], "indicator": name,
                "indicator_en": None, "unit": unit, "measure": "level",
                "direction": -1 if row["direction"] == "down" else 1,
                "path_kind": row["path_kind"] or default_path_kind(unit), "defined_in": plan_id, "note": None,
                "origin": "reviewed",
            }
        ind = new_indicators[name]
        return ind["indicator_id"], name, ind["unit"]

    targets, stated = [], []
    for index, row in table[table["accept"]].iterrows():
        row = _clean(row)
        n = int(index) + first_row
        quote = row["quote"]
        offset = locate(text, quote, _year(row["offset"]))
        indicator_id, indicator, unit = indicator_of(row)
        region = region_of(row["region"])
        if row["role"] == "baseline":
            stated.append({
                "region": region, "indicator": indicator, "indicator_id": indicator_id,
                "year": _year(row["baseline_year"]), "value": _number(row["value"]), "unit": unit,
                "source": f"{meta.short_name}(规划文本)", "quote": quote, "seed_file": seed_file,
                "source_plan_id": plan_id, "note": f"第{n}行,{reviewer} 审核",
            })
            continue
        kind = row["kind"]
        comparator = row["comparator"] or DEFAULT_COMPARATOR.get(kind, None if kind == "qualitative" else ">=")
        targets.append({
            "target_id": f"{plan_id}-{n:03d}", "plan_id": plan_id, "region": region, "indicator": indicator,
            "indicator_id": indicator_id, "subject": display_form(row["subject"], script),
            "subject_original": row["subject"], "kind": kind, "comparator": comparator,
            "target_value": 100.0 if kind == "coverage" else (
                None if kind in ("growth", "doubling", "relative", "qualitative") else _number(row["value"])),
            "target_value_hi": _number(row["value_hi"]), "stretch_value": _number(row["stretch"]),
            "tolerance": None, "growth_rate": _number(row["rate"]), "multiple": _number(row["multiple"]),
            "relative_to_region": names.region(row["relative_to"]) if row["relative_to"] else None,
            "relative_margin": _number(row["margin"]),
            "basis": IMPLIED_BASIS.get(kind) or row["basis"] or "level", "start_year": meta.start_year,
            "target_year": _year(row["target_year"]), "baseline_year": _year(row["baseline_year"]),
            "baseline_value": _number(row["baseline_value"]), "unit": "%" if kind == "coverage" else unit,
            "binding": row["binding"], "parent_target_id": None, "section": row["section"], "quote": quote,
            "quote_offset": offset, "seed_file": seed_file, "origin": "reviewed", "assumption": None, "note": None,
            "reviewed_by": reviewer, "reviewed_at": now, "revision": revision, "table_row": n,
        })
    target_frame = _with_derived_values(pd.DataFrame(targets, columns=_TARGET_COLUMNS))
    target_frame["milestone_group"] = _milestone_groups(target_frame)
    plan = pd.DataFrame([{
        "plan_id": plan_id, "title": display_form(meta.title.strip(), script), "title_original": meta.title.strip(),
        "short_name": meta.short_name.strip(), "region": region_of(meta.region), "doc_type": meta.doc_type,
        "script": script, "issued_on": pd.Timestamp(meta.issued_on) if meta.issued_on else pd.NaT,
        "base_year": meta.base_year if meta.base_year else meta.start_year - 1, "start_year": meta.start_year,
        "target_year": meta.target_year, "seed_file": seed_file, "seed_sha256": text_sha256(text),
        "assumption": None, "origin": "reviewed", "status": "active", "issuing_body": meta.issuing_body or None,
        "revision": revision, "created_by": reviewer, "created_at": now, "updated_by": reviewer, "updated_at": now,
    }])
    doc = pd.DataFrame([{"document_id": seed_file, "plan_id": plan_id, "file_name": file_name,
                         "kind": document.kind, "text": text, "sha256": text_sha256(text), "created_by": reviewer,
                         "created_at": now}])
    quotes = pd.DataFrame({"target_id": target_frame["target_id"], "role": "source",
                           "quote": target_frame["quote"], "seed_file": seed_file})
    indicators = pd.DataFrame(list(new_indicators.values()), columns=_INDICATOR_COLUMNS)
    all_indicators = pd.concat([names.indicators[[c for c in _INDICATOR_COLUMNS if c in names.indicators]],
                                indicators], ignore_index=True)
    stated_frame = pd.DataFrame(stated, columns=_STATED_COLUMNS)
    check_rows = checks.duplicate_target_checks(target_frame) + checks.baseline_checks(
        target_frame, stated_frame, all_indicators, plan)
    return PlanRows(plan=plan, document=doc, targets=target_frame, target_quotes=quotes, stated=stated_frame,
                    indicators=indicators, regions=pd.DataFrame(list(new_regions.values()), columns=_REGION_COLUMNS),
                    checks=pd.DataFrame(check_rows, columns=_CHECK_COLUMNS))


_TARGET_COLUMNS = ["target_id", "plan_id", "region", "indicator", "indicator_id", "subject", "subject_original", "kind",
                   "comparator", "target_value", "target_value_hi", "stretch_value", "tolerance", "growth_rate",
                   "multiple", "relative_to_region", "relative_margin", "basis", "start_year", "target_year",
                   "baseline_year", "baseline_value", "unit", "binding", "parent_target_id", "section", "quote",
                   "quote_offset", "seed_file", "origin", "assumption", "note", "reviewed_by", "reviewed_at",
                   "revision", "table_row"]
_INDICATOR_COLUMNS = ["indicator_id", "indicator", "indicator_en", "unit", "measure", "direction", "path_kind",
                      "defined_in", "note", "origin"]
_REGION_COLUMNS = ["region_id", "region", "region_en", "level", "parent_region", "note", "origin"]
_STATED_COLUMNS = ["region", "indicator", "indicator_id", "year", "value", "unit", "source", "quote", "seed_file",
                   "source_plan_id", "note"]
_CHECK_COLUMNS = ["plan_id", "check_kind", "subject", "expected", "observed", "status", "message", "target_ids"]


def _with_derived_values(targets: pd.DataFrame) -> pd.DataFrame:
    """翻番 and 年均增长 targets with a stated baseline get their target value, as the ETL gives the seeds'."""
    t = targets.copy()
    for column in ("target_value", "baseline_value", "multiple", "growth_rate"):
        t[column] = pd.to_numeric(t[column]).astype("float64")
    for column in ("target_year", "baseline_year", "start_year", "revision", "table_row", "quote_offset"):
        t[column] = pd.to_numeric(t[column]).astype("Int64")
    derived = t["kind"].isin(["doubling", "growth"]) & t["baseline_value"].notna()
    derived &= (t["kind"] == "doubling") | t["baseline_year"].notna()
    if derived.any():
        rows = t[derived]
        years = (rows["target_year"] - rows["baseline_year"].fillna(rows["target_year"])).astype(float)
        t.loc[derived, "target_value"] = derived_target_value(
            rows["kind"].to_numpy(), rows["baseline_value"].to_numpy(dtype=float),
            multiple=rows["multiple"].fillna(2).to_numpy(dtype=float),
            growth=(rows["growth_rate"].fillna(0) / 100).to_numpy(dtype=float), years=years.to_numpy())
    return t


def _milestone_groups(targets: pd.DataFrame) -> pd.Series:
    """Targets of one region, indicator and basis set for several years form a milestone group (as the ETL's)."""
    if targets.empty:
        return pd.Series([], dtype="object")
    key = targets[["plan_id", "region", "indicator_id", "basis"]].astype(str).agg("|".join, axis=1)
    top = targets["kind"] != "qualitative"
    years = targets[top].groupby(key[top])["target_year"].nunique()
    multi = set(years[years > 1].index)
    first = targets.sort_values("target_year").groupby(key)["target_id"].first()
    return pd.Series([first[k] if (k in multi and is_top) else None for k, is_top in zip(key, top, strict=True)],
                     index=targets.index, dtype="object")


def archived_row(row: pd.Series | dict) -> str:
    """A stored target row as JSON, for the archive of corrected targets."""
    values = dict(row)
    return json.dumps({k: (None if _missing(v) else v) for k, v in values.items()}, ensure_ascii=False, default=str)


def _missing(value) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def meta_of(plan: pd.Series | dict) -> PlanMeta:
    """The PlanMeta of a stored plan row."""
    def year(key):
        value = plan.get(key)
        return None if _missing(value) else int(value)

    issued = plan.get("issued_on")
    return PlanMeta(title=plan["title_original"] or plan["title"], short_name=plan["short_name"] or plan["title"],
                    region=plan["region"], start_year=year("start_year"), target_year=year("target_year"),
                    base_year=year("base_year"), issuing_body=None if _missing(plan.get("issuing_body"))
                    else plan.get("issuing_body"),
                    issued_on=None if _missing(issued) else pd.Timestamp(issued).date(),
                    doc_type=None if _missing(plan.get("doc_type")) else plan.get("doc_type"))


def row_of_target(target: pd.Series | dict) -> dict:
    """A stored target as a row of the review table (the correction form starts from it)."""
    def get(key):
        value = target.get(key)
        return None if _missing(value) else value

    kind = get("kind")
    return {
        "accept": True, "role": "target", "indicator": get("indicator"), "subject": get("subject_original"),
        "region": get("region"), "kind": kind, "comparator": get("comparator"),
        "value": None if kind in ("growth", "doubling", "relative", "qualitative", "coverage") else get("target_value"),
        "value_hi": get("target_value_hi"), "stretch": get("stretch_value"), "rate": get("growth_rate"),
        "multiple": get("multiple"), "unit": get("unit"), "target_year": get("target_year"),
        "baseline_year": get("baseline_year"), "baseline_value": get("baseline_value"), "binding": get("binding"),
        "relative_to": get("relative_to_region"), "margin": get("relative_margin"), "basis": get("basis"),
        "indicator_unit": get("unit"), "direction": "up", "path_kind": None, "section": get("section"),
        "quote": get("quote"), "offset": get("quote_offset"), "confidence": None, "reasons": None,
        "match": "existing",
    }




def plan_history(events: pd.DataFrame, archive: pd.DataFrame, lang: str = "zh") -> pd.DataFrame:
    """A reviewed plan's history in words, newest first: when, who, what (added, corrected, retired …) and the
    details — the audit trail's own sentences, and for every target a correction replaced or withdrew, the target as
    it read before (indicator, target, year)."""
    from tracker.i18n.labels import AUDIT_ACTIONS

    rows = [{"at": e.occurred_at, "who": e.actor, "what": label(AUDIT_ACTIONS, e.action, lang), "detail": e.detail}
            for e in events.itertuples()]
    for a in archive.itertuples():
        old = json.loads(a.row_json)
        value = old.get("target_value")
        target = "" if value is None else f"{old.get('comparator') or ''} {value:g}{old.get('unit') or ''}".strip()
        rows.append({"at": a.replaced_at, "who": a.replaced_by, "what": t("np_history_old_row", lang),
                     "detail": t("np_history_old_detail", lang, target_id=a.target_id, revision=a.revision,
                                 indicator=old.get("indicator") or "", target=target,
                                 year=old.get("target_year") or "—", reason=a.reason)})
    frame = pd.DataFrame(rows, columns=["at", "who", "what", "detail"])
    return frame.sort_values("at", ascending=False, kind="stable").reset_index(drop=True)
