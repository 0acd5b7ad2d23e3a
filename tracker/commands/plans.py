"""The command layer's writes of the plans staff add themselves (新增规划): create, correct (a target, the plan's
own details), withdraw a target, retire; each in one transaction with its audit row, as every command.

A reviewed plan is written whole or not at all: its plan row, its document (the text its quotes are exact substrings
of), the indicators and regions the review created, its targets marked with the reviewer, the values the document
states (seed-like: in the seed batch, with their quote), and its checks. A rebuild from seeds/ keeps all of it
(tracker.db.writes.replace_seed_tables replaces seed rows only). A correction is a new revision of the plan; the
target row it replaces goes to target_archive first, and a change of the plan's details is recorded old → new.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

import pandas as pd

from tracker.access.actions import Action
from tracker.access.auth import User
from tracker.commands import _audit, acting
from tracker.db import writes as sql

if TYPE_CHECKING:
    from tracker.db.store import Store


@dataclass(frozen=True)
class PlanCommit:
    plan_id: str
    title: str
    revision: int
    counts: dict


def create_plan(store: Store, actor: User | None, meta, table: pd.DataFrame, document, *,
                before_commit: Callable | None = None) -> PlanCommit:
    """Write a reviewed plan (tracker.intake.review: meta a PlanMeta, table the review table, document a
    DocumentText) in one transaction; raise ReviewRejected, writing nothing, when the review has errors."""
    from tracker.intake import review

    with store.transaction(counted=False) as cur:       # refuse before the checks; writes nothing
        acting(cur, actor, Action.ADD_PLANS)
    names = review.Names.from_store(store)
    sha = review.text_sha256(document.text)
    problems = review.check_review(meta, table, document.text, names, same_document=store.plans_with_text(sha))
    if review.has_errors(problems):
        raise review.ReviewRejected(problems)
    now = datetime.now()
    with store.transaction() as cur:
        who = acting(cur, actor, Action.ADD_PLANS)
        for plan_id, title, _ in sql.active_plans_with_text(cur, sha):   # committed meanwhile by someone else
            raise review.ReviewRejected([review.Problem("error", "plan_same_document",
                                                        params={"plan": title, "plan_id": plan_id})])
        plan_id = review.new_plan_id(document.text, now, sql.taken_plan_ids(cur))
        rows = review.build_plan(meta, table, document, names, plan_id=plan_id, reviewer=who.username, now=now)
        sql.insert_frame(cur, "plans", rows.plan)
        sql.insert_frame(cur, "documents", rows.document)
        sql.insert_frame(cur, "regions", rows.regions)
        sql.insert_frame(cur, "indicators", rows.indicators)
        sql.insert_frame(cur, "targets", rows.targets.drop(columns="table_row"))
        sql.insert_frame(cur, "target_quotes", rows.target_quotes)
        units = _units_in_text(rows.targets, document.text, rows.plan["seed_file"].iloc[0])
        sql.insert_frame(cur, "target_units", units)
        sql.insert_frame(cur, "checks", rows.checks)
        sql.ensure_seed_batch(cur, now)
        sql.insert_stated_values(cur, rows.stated, who.username, now)
        counts = rows.counts()
        _audit(cur, who, "plan_add", plan_id,
               f"《{rows.plan['title'].iloc[0]}》:{counts['targets']} 个目标,{counts['stated']} 个陈述值,"
               f"新建 {counts['indicators']} 个指标,{units['target_id'].nunique()} 个目标有牵头/责任单位,"
               f"文件 {rows.document['file_name'].iloc[0]}")
        if before_commit is not None:
            before_commit(cur)
    return PlanCommit(plan_id, rows.plan["title"].iloc[0], 1, counts)


def _units_in_text(targets: pd.DataFrame, text: str, seed_file: str) -> pd.DataFrame:
    """The 牵头单位/责任单位 the document names for the task each target is stated in, as the ETL reads the seeds'."""
    from tracker.intake.units import units_of_offsets

    offsets = {t.target_id: int(t.quote_offset) for t in targets.itertuples() if pd.notna(t.quote_offset)}
    rows = [{**row, "seed_file": seed_file} for row in units_of_offsets(text, offsets)]
    return pd.DataFrame(rows, columns=["target_id", "role", "unit_name", "seq", "quote", "quote_offset", "seed_file"])


def _reviewed_plan(store: Store, plan_id: str):
    """(plan row, its PlanMeta, its DocumentText) of a reviewed plan; ReviewRejected when there is none."""
    from tracker.intake import review
    from tracker.intake.documents import DocumentText

    plans = store.plans().set_index("plan_id")
    if plan_id not in plans.index or plans.loc[plan_id, "origin"] != "reviewed":
        raise review.ReviewRejected([review.Problem("error", "plan_unknown_plan", params={"plan_id": plan_id})])
    plan = plans.loc[plan_id]
    documents = store.documents(plan_id)
    text = store.document_text(plan["seed_file"]) or ""
    document = DocumentText(name=documents["file_name"].iloc[0] if not documents.empty else review.PASTED_NAME,
                            kind=documents["kind"].iloc[0] if not documents.empty else "pasted", text=text,
                            script=plan["script"] or "simplified")
    return plan, review.meta_of(plan), document


def correct_plan_target(store: Store, actor: User | None, plan_id: str, row: Mapping, *, reason: str,
                        target_id: str | None = None) -> PlanCommit:
    """Add a target or a stated value to a reviewed plan, or replace one target (target_id): a new revision of the
    plan; the replaced row is archived. row holds the columns of the review table."""
    from tracker.intake import review

    with store.transaction(counted=False) as cur:       # refuse before the checks; writes nothing
        acting(cur, actor, Action.ADD_PLANS)
    plan, meta, document = _reviewed_plan(store, plan_id)
    table = review.normalise(pd.DataFrame([{**dict(row), "accept": True}]))
    names = review.Names.from_store(store)
    problems = review.check_review(meta, table, document.text, names)
    if not (reason or "").strip():
        problems.append(review.Problem("error", "plan_reason_missing", field="reason"))
    if review.has_errors(problems):
        raise review.ReviewRejected(problems)
    now = datetime.now()
    with store.transaction() as cur:
        who = acting(cur, actor, Action.ADD_PLANS)
        old = sql.stored_target_row(cur, plan_id, target_id) if target_id else None
        if target_id and old is None:
            raise review.ReviewRejected([review.Problem("error", "plan_unknown_target",
                                                        params={"plan_id": plan_id, "target_id": target_id})])
        revision = sql.bump_plan_revision(cur, plan_id, who.username, now)
        existing = sql.stored_plan_targets(cur, plan_id)
        number = _next_target_number(existing["target_id"], plan_id)
        rows = review.build_plan(meta, table, document, names, plan_id=plan_id, reviewer=who.username, now=now,
                                 revision=revision, first_row=number)
        targets = rows.targets.drop(columns="table_row")
        if old is not None:
            if targets.empty:            # a target cannot be replaced by a stated value
                raise review.ReviewRejected([review.Problem("error", "plan_choice_unknown", row=1, field="role",
                                                            params={"value": row.get("role") or ""})])
            sql.archive_target(cur, plan_id, target_id, review.archived_row(old), int(old.get("revision") or 1),
                               who.username, now, reason.strip())
            sql.delete_target(cur, plan_id, target_id)
            targets = targets.assign(target_id=target_id)
        new_ids = set(rows.indicators["indicator_id"]) - {r[0] for r in cur.execute(
            "SELECT indicator_id FROM indicators").fetchall()}
        sql.insert_frame(cur, "indicators", rows.indicators[rows.indicators["indicator_id"].isin(new_ids)])
        sql.insert_frame(cur, "regions", rows.regions[~rows.regions["region"].isin(
            [r[0] for r in cur.execute("SELECT region FROM regions").fetchall()])])
        sql.insert_frame(cur, "targets", targets)
        sql.insert_frame(cur, "target_quotes", pd.DataFrame({"target_id": targets["target_id"], "role": "source",
                                                             "quote": targets["quote"],
                                                             "seed_file": targets["seed_file"]}))
        sql.ensure_seed_batch(cur, now)
        sql.insert_stated_values(cur, rows.stated, who.username, now)
        _refresh_plan_checks(cur, plan_id)
        written = targets["target_id"].iloc[0] if not targets.empty else "stated"
        _audit(cur, who, "plan_correct", plan_id,
               f"第 {revision} 版:{'更正' if old is not None else '新增'} {written};原因:{reason.strip()}")
    return PlanCommit(plan_id, plan["title"], revision, {"targets": len(targets), "stated": len(rows.stated),
                                                         "indicators": len(new_ids), "target_id": written})


def withdraw_plan_target(store: Store, actor: User | None, plan_id: str, target_id: str, *,
                         reason: str) -> PlanCommit:
    """Take one target out of a reviewed plan (a new revision; the row is archived, nothing is lost)."""
    from tracker.intake import review

    with store.transaction() as cur:
        who = acting(cur, actor, Action.ADD_PLANS)
        plan = sql.stored_plan_row(cur, plan_id)
        if plan is None or plan["origin"] != "reviewed":
            raise review.ReviewRejected([review.Problem("error", "plan_unknown_plan", params={"plan_id": plan_id})])
        old = sql.stored_target_row(cur, plan_id, target_id)
        if old is None:
            raise review.ReviewRejected([review.Problem("error", "plan_unknown_target",
                                                        params={"plan_id": plan_id, "target_id": target_id})])
        if not (reason or "").strip():
            raise review.ReviewRejected([review.Problem("error", "plan_reason_missing", field="reason")])
        now = datetime.now()
        revision = sql.bump_plan_revision(cur, plan_id, who.username, now)
        sql.archive_target(cur, plan_id, target_id, review.archived_row(old), int(old.get("revision") or 1),
                           who.username, now, reason.strip())
        sql.delete_target(cur, plan_id, target_id)
        _refresh_plan_checks(cur, plan_id)
        _audit(cur, who, "plan_correct", plan_id, f"第 {revision} 版:撤下 {target_id};原因:{reason.strip()}")
    return PlanCommit(plan_id, plan["title"], revision, {"targets": 0, "withdrawn": 1})


def retire_plan(store: Store, actor: User | None, plan_id: str, *, reason: str, retired: bool = True) -> None:
    """Retire a reviewed plan (hidden from pickers; its targets, document and history are kept), or reactivate it."""
    from tracker.intake import review

    with store.transaction() as cur:
        who = acting(cur, actor, Action.ADD_PLANS)
        plan = sql.stored_plan_row(cur, plan_id)
        if plan is None or plan["origin"] != "reviewed":
            raise review.ReviewRejected([review.Problem("error", "plan_unknown_plan", params={"plan_id": plan_id})])
        if not (reason or "").strip():
            raise review.ReviewRejected([review.Problem("error", "plan_reason_missing", field="reason")])
        sql.set_plan_status(cur, plan_id, "retired" if retired else "active", who.username, datetime.now())
        _audit(cur, who, "plan_retire" if retired else "plan_reactivate", plan_id,
               f"《{plan['title']}》{'停用' if retired else '恢复'};原因:{reason.strip()}")


def _next_target_number(target_ids: pd.Series, plan_id: str) -> int:
    numbers = target_ids.str.removeprefix(f"{plan_id}-").str.extract(r"^(\d+)$")[0].dropna().astype(int)
    return int(numbers.max()) + 1 if not numbers.empty else 1


def _refresh_plan_checks(cur, plan_id: str) -> None:
    """The plan's duplicate-target checks on its targets as they now stand."""
    from etl import checks

    targets = sql.stored_plan_targets(cur, plan_id)
    sql.replace_plan_checks(cur, plan_id, pd.DataFrame(checks.duplicate_target_checks(targets)))



# The details of a plan a correction may change, in the order the history lists them.
META_FIELDS = ("title", "short_name", "region", "start_year", "target_year", "base_year", "issuing_body", "issued_on")


def correct_plan_meta(store: Store, actor: User | None, plan_id: str, meta, *, reason: str) -> PlanCommit:
    """Correct a reviewed plan's own details (meta: a PlanMeta: title, short name, region, period, base year, issuing
    body, date): a new revision, every changed field recorded old → new in the audit trail. ReviewRejected, nothing
    written, when a detail is wrong (the page's checks), the region unknown or no reason given."""
    from tracker.catalogue.text import display_form
    from tracker.intake import review

    with store.transaction(counted=False) as cur:       # refuse before the checks; writes nothing
        acting(cur, actor, Action.ADD_PLANS)
    plan, old, _ = _reviewed_plan(store, plan_id)
    names = review.Names.from_store(store)
    problems = review.check_meta(meta)
    region = names.region(meta.region)
    if meta.region and region is None:
        problems.append(review.Problem("error", "plan_unknown_region", field="meta_region",
                                       params={"region": meta.region}))
    if not (reason or "").strip():
        problems.append(review.Problem("error", "plan_reason_missing", field="reason"))
    if review.has_errors(problems):
        raise review.ReviewRejected(problems)
    new = {**{f: getattr(meta, f) for f in META_FIELDS}, "region": region,
           "base_year": meta.base_year or meta.start_year - 1}
    before = {f: getattr(old, f) for f in META_FIELDS}
    changed = {f: (before[f], new[f]) for f in META_FIELDS if (before[f] or None) != (new[f] or None)}
    if not changed:
        raise review.ReviewRejected([review.Problem("error", "plan_nothing_changed")])
    now = datetime.now()
    with store.transaction() as cur:
        who = acting(cur, actor, Action.ADD_PLANS)
        revision = sql.bump_plan_revision(cur, plan_id, who.username, now)
        sql.update_plan_details(cur, plan_id, {
            **new, "title": display_form(new["title"].strip(), plan["script"]), "title_original": new["title"].strip(),
            "short_name": new["short_name"].strip(),
            "issued_on": pd.Timestamp(new["issued_on"]) if new["issued_on"] else None})
        what = ";".join(f"{field}:{_shown(a)} → {_shown(b)}" for field, (a, b) in changed.items())
        _audit(cur, who, "plan_correct", plan_id, f"第 {revision} 版:更正规划信息 {what};原因:{reason.strip()}")
    return PlanCommit(plan_id, new["title"], revision, {"changed": list(changed)})


def _shown(value) -> str:
    return "—" if value is None or value == "" else str(value)
