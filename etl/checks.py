"""Consistency checks run at build time. Results are stored in the checks table and shown; nothing is resolved.

- decomposition: children's targets against the parent's (X区: 30+30+30+10 teams against 100);
- duplicate_target: two targets for one indicator, region and year in one plan that ask for different values
  (专栏2's 技术合同成交额 400亿元 against the text's 翻番 from 241.5亿元);
- restatement: a sentence of the text that repeats a 专栏2 target must agree with the table;
- table: 专栏2's 2015 values must agree with 专栏1's;
- baseline_target: a target that asks for no more than its baseline (higher-is-better target at or below it, or
  lower-is-better at or above it) — met on day one, or a sign that the indicator or the baseline is not the right
  one; the baseline is the one the target states, else the stated value of its baseline year (the plan's base year),
  whose document is named, above all when it is another plan's.
"""

from __future__ import annotations

from collections import defaultdict

import pandas as pd

# A child sum satisfies the parent when the parent's comparator accepts it.
_ACCEPTS = {
    ">=": lambda total, target: total >= target,
    ">": lambda total, target: total > target,
    "=": lambda total, target: total == target,
    "≈": lambda total, target: abs(total - target) <= 0.05 * abs(target),
    "<=": lambda total, target: total <= target,
    "<": lambda total, target: total < target,
}


def _fmt(value: float | None) -> str:
    if value is None or pd.isna(value):
        return "—"
    return f"{value:g}"


def _check(plan_id, kind, subject, expected, observed, status, message, target_ids) -> dict:
    return {"plan_id": plan_id, "check_kind": kind, "subject": subject, "expected": expected,
            "observed": observed, "status": status, "message": message, "target_ids": ",".join(target_ids)}


def decomposition_checks(targets: pd.DataFrame) -> list[dict]:
    """Sum each parent's children and compare the sum with the parent's target."""
    results = []
    children = targets[targets["parent_target_id"].notna()]
    by_id = targets.set_index("target_id")
    for parent_id, group in children.groupby("parent_target_id", sort=False):
        parent = by_id.loc[parent_id]
        total = group["target_value"].sum()
        parts = "+".join(_fmt(v) for v in group["target_value"])
        comparator = parent["comparator"] or ">="
        ok = _ACCEPTS.get(comparator, _ACCEPTS[">="])(total, parent["target_value"])
        exact = total == parent["target_value"]
        if ok and exact:
            message = f"子目标合计 {parts} = {_fmt(total)},与总目标 {_fmt(parent['target_value'])} 一致。"
        elif ok:
            message = (f"子目标合计 {parts} = {_fmt(total)},满足总目标“{comparator} {_fmt(parent['target_value'])}”,"
                       f"但两者不相等(相差 {_fmt(total - parent['target_value'])})。")
        else:
            message = (f"子目标合计 {parts} = {_fmt(total)},不满足总目标“{comparator} "
                       f"{_fmt(parent['target_value'])}”。")
        results.append(_check(
            parent["plan_id"], "decomposition", parent["subject"] or parent["indicator"],
            f"{comparator} {_fmt(parent['target_value'])}", f"{parts} = {_fmt(total)}",
            "ok" if exact else ("warning" if ok else "mismatch"), message, [parent_id, *group["target_id"]],
        ))
    return results


def duplicate_target_checks(targets: pd.DataFrame) -> list[dict]:
    """Flag independent targets that ask different things of one indicator in one year."""
    results = []
    independent = targets[targets["parent_target_id"].isna() & (targets["kind"] != "qualitative")]
    keys = ["plan_id", "region", "indicator", "target_year", "basis"]
    for key, group in independent.groupby(keys, sort=False):
        if len(group) < 2:
            continue
        values = group["target_value"].tolist()
        described = "; ".join(
            f"{row.target_id}({row.kind}): {_fmt(row.target_value)}{row.unit or ''}" for row in group.itertuples()
        )
        known = [v for v in values if not pd.isna(v)]
        comparable = len(known) == len(values)
        same = comparable and len(set(known)) <= 1
        if same:
            status, verdict = "ok", "数值一致。"
        elif comparable:
            status, verdict = "mismatch", "数值不一致,请核对以哪一个为准。"
        else:
            # A relative or growth target has no fixed value until actuals exist: both conditions apply.
            status, verdict = "warning", "其中有目标的数值取决于实际值,两个条件需同时满足,评估时分别判断。"
        message = f"同一规划对“{key[2]}”{key[3]}年有 {len(group)} 个目标:{described}。{verdict}"
        results.append(_check(key[0], "duplicate_target", key[2], None, described, status, message,
                              group["target_id"].tolist()))
    return results


def restatement_checks(restatements: list[dict], table_targets: pd.DataFrame, indicator_names: dict) -> list[dict]:
    """Check that text restatements of 专栏2 targets agree with the table."""
    results = []
    lookup = {(r.indicator_id, r.target_year): r for r in table_targets.itertuples()}
    for r in restatements:
        target = lookup.get((r["indicator"], r["target_year"]))
        name = indicator_names.get(r["indicator"], r["indicator"])
        if target is None:
            results.append(_check(r["plan_id"], "restatement", name, None, _fmt(r["value"]), "mismatch",
                                  f"正文“{r['quote']}”在专栏2中没有对应的{r['target_year']}年目标。", []))
            continue
        same = float(r["value"]) == float(target.target_value)
        results.append(_check(
            r["plan_id"], "restatement", name, _fmt(target.target_value), _fmt(r["value"]),
            "ok" if same else "mismatch",
            f"正文“{r['quote']}”与专栏2目标值 {_fmt(target.target_value)}{target.unit} "
            + ("一致。" if same else "不一致。"),
            [target.target_id],
        ))
    return results


def table_agreement_checks(plan_id: str, pairs: list[tuple[str, float | None, float | None]]) -> list[dict]:
    """专栏1 and 专栏2 both print the 2015 value of each indicator; they must agree."""
    results = []
    for name, v1, v2 in pairs:
        same = v1 == v2 or (v1 is None and v2 is None)
        results.append(_check(plan_id, "table", name, _fmt(v1), _fmt(v2), "ok" if same else "mismatch",
                              f"专栏1的2015年值 {_fmt(v1)} 与专栏2的2015年基期值 {_fmt(v2)} "
                              + ("一致。" if same else "不一致。"), []))
    return results


def group_counts(checks: list[dict]) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for c in checks:
        counts[c["status"]] += 1
    return dict(counts)


# Kinds whose target_value is a level of the indicator that can be set against a baseline of the same indicator.
# (doubling and growth are built from the baseline; relative targets have no value of their own; flows are not levels.)
_LEVEL_KINDS = {"level", "approx", "range", "floor_stretch", "coverage"}


def baseline_checks(targets: pd.DataFrame, seed_actuals: pd.DataFrame, indicators: pd.DataFrame,
                    plans: pd.DataFrame) -> list[dict]:
    """Flag targets that ask for no more than their baseline (see the module docstring)."""
    ind = indicators.set_index("indicator_id")
    plan = plans.set_index("plan_id")
    stated = {(a.region, a.indicator_id, int(a.year)): a for a in seed_actuals.itertuples() if pd.notna(a.value)}
    results = []
    for t in targets.itertuples():
        if (t.kind not in _LEVEL_KINDS or t.basis != "level" or pd.isna(t.target_value)
                or ind.loc[t.indicator_id, "measure"] != "level"):
            continue
        direction = int(ind.loc[t.indicator_id, "direction"])
        if pd.notna(t.baseline_value):
            year, baseline = int(t.baseline_year), float(t.baseline_value)
            origin = "本目标所述基期值"
        else:
            year = t.baseline_year if pd.notna(t.baseline_year) else plan.loc[t.plan_id, "base_year"]
            actual = None if pd.isna(year) else stated.get((t.region, t.indicator_id, int(year)))
            if actual is None:
                continue
            year, baseline = int(year), float(actual.value)
            source_plan = actual.source_plan_id
            short_name = plan.loc[source_plan, "short_name"] if source_plan in plan.index else ""
            part = str(actual.source or "").removeprefix(short_name).strip() or "正文"
            if source_plan == t.plan_id:
                origin = f"本规划{part}所述"
            else:
                origin = f"另一份文件《{short_name}》{part}所述,不是本规划自身的数据"
        # The value that decides the verdict: the floor of a range or floor_stretch target going up, the ceiling going
        # down.
        value = t.target_value_hi if direction < 0 and pd.notna(t.target_value_hi) else t.target_value
        if (value > baseline) if direction > 0 else (value < baseline):
            continue
        unit = t.unit or ""
        name = t.subject or t.indicator
        words = "不高于" if direction > 0 else "不低于"
        message = (f"目标“{name}”({t.target_id}):{t.target_year}年目标值 {_fmt(value)}{unit}{words}基期值 "
                   f"{_fmt(baseline)}{unit}({year}年,{origin})。按此基期,目标在规划开始时已经实现;"
                   f"请核对指标口径、基期值或目标值。")
        results.append(_check(
            t.plan_id, "baseline_target", name, f"{'>' if direction > 0 else '<'} {_fmt(baseline)} ({year})",
            _fmt(value), "warning", message, [t.target_id],
        ))
    return results

