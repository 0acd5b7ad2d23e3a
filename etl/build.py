"""Seed documents + reviewed catalogue → rows of every seed-derived table, then one transaction into DuckDB.

Everything is read, parsed and checked before the database is opened for writing, so a broken catalogue or seed
never touches the data; the write itself is a single transaction, so a crash mid-write leaves the previous build.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pandas as pd

from etl import checks
from etl.catalogue import (
    DEFAULT_COMPARATOR,
    IMPLIED_BASIS,
    Catalogue,
    display_text,
    load_catalogue,
)
from etl.tables import Table, parse_table
from tracker.catalogue.names import default_path_kind
from tracker.catalogue.text import to_simplified
from tracker.config import CATALOGUE_DIR, SEEDS_DIR
from tracker.db.store import Store
from tracker.intake.units import units_of_offsets
from tracker.methodology import derived_target_value

TABLE_PLAN = "cq_sti_13fyp"   # the plan whose 专栏1/专栏2 tables are parsed from the text
RESULTS_TABLE, TARGETS_TABLE = 1, 2


@dataclass
class BuildResult:
    tables: dict[str, pd.DataFrame]
    seed_actuals: pd.DataFrame
    meta: dict[str, str]

    def summary(self) -> pd.DataFrame:
        """Targets per plan and kind, for the command line and docs."""
        t = self.tables["targets"]
        return t.pivot_table(index="plan_id", columns="kind", values="target_id", aggfunc="count",
                             fill_value=0, margins=True, margins_name="合计")


def build_tables(catalogue_dir: Path = CATALOGUE_DIR, seeds_dir: Path = SEEDS_DIR) -> BuildResult:
    """Read, parse and check everything; return the rows to write (raises CatalogueError / ValueError)."""
    cat = load_catalogue(catalogue_dir, seeds_dir)
    notes: list[dict] = []
    indicators = _indicator_rows(cat)
    ind_by_id = indicators.set_index("indicator_id")

    table_targets, table_actuals, table_checks = _from_tables(cat, ind_by_id, notes)
    targets = pd.concat([table_targets, _catalogue_target_rows(cat, ind_by_id, notes)], ignore_index=True)
    targets = _resolve_derived_values(targets)
    targets["milestone_group"] = _milestone_groups(targets)
    _check_unique(targets, "target_id")

    check_rows = (
        table_checks
        + checks.restatement_checks(cat.restatements, table_targets, ind_by_id["indicator"].to_dict())
        + checks.decomposition_checks(targets)
        + checks.duplicate_target_checks(targets)
    )
    for n in cat.notes:
        notes.append({"plan_id": n["plan_id"], "seed_file": cat.seed_of(n["plan_id"]).file_name, "target_id": None,
                      "category": "scrape_repair", "message": n["message"]})
    for p in cat.plans:
        if p.get("assumption"):
            notes.append({"plan_id": p["plan_id"], "seed_file": p["seed_file"], "target_id": None,
                          "category": "plan", "message": p["assumption"]})

    seed_actuals = pd.concat([table_actuals, _catalogue_actual_rows(cat, ind_by_id)], ignore_index=True)
    seed_actuals, restated = _one_value_per_year(seed_actuals)
    seed_actuals["region_id"] = seed_actuals["region"].map({r["name"]: r["id"] for r in cat.regions})
    check_rows += restated
    plans = _plan_rows(cat)
    check_rows += checks.baseline_checks(targets, seed_actuals, indicators, plans)

    tables = {
        "plans": plans,
        "regions": pd.DataFrame([{
            "region_id": r["id"], "region": r["name"], "region_en": r.get("name_en"), "level": r.get("level"),
            "parent_region": r.get("parent"), "note": r.get("note"),
        } for r in cat.regions]),
        "region_aliases": pd.DataFrame(
            [{"alias": a, "region": r["name"]} for r in cat.regions for a in r.get("aliases") or []],
            columns=["alias", "region"]),
        "indicators": indicators,
        "indicator_aliases": _alias_rows(cat, ind_by_id),
        "targets": targets,
        "target_quotes": _target_quote_rows(cat, targets),
        "target_units": _target_unit_rows(cat, targets),
        "plan_structure": _structure_rows(cat),
        "checks": pd.DataFrame(check_rows),
        "etl_notes": pd.DataFrame(notes, columns=["plan_id", "seed_file", "target_id", "category", "message"]),
    }
    digest = hashlib.sha256()
    for path in sorted(catalogue_dir.glob("*.yaml")):
        digest.update(path.read_bytes())
    meta = {
        "last_build_at": datetime.now().isoformat(timespec="seconds"),
        "catalogue_sha256": digest.hexdigest(),
        "target_count": str(len(targets)),
        BUILD_FINGERPRINT: _fingerprint(tables, seed_actuals),
    }
    return BuildResult(tables, seed_actuals, meta)


# meta key of the checksum of every row a build writes: a build whose rows are those already stored need not be
# written (python -m etl --if-changed, which scripts/run.sh runs at every start, so a new version's catalogue or
# parsing reaches an existing database).
BUILD_FINGERPRINT = "build_sha256"


def _fingerprint(tables: dict[str, pd.DataFrame], seed_actuals: pd.DataFrame) -> str:
    digest = hashlib.sha256()
    for name, frame in sorted(tables.items()) + [("seed_actuals", seed_actuals)]:
        digest.update(f"{name}:{','.join(map(str, frame.columns))}".encode())
        digest.update(pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes())
    return digest.hexdigest()


def run_build(store: Store, catalogue_dir: Path = CATALOGUE_DIR, seeds_dir: Path = SEEDS_DIR,
              *, before_commit=None) -> BuildResult:
    """Build and write as the system (the server's own command line and test set-up); entered actuals, batches
    and statuses are left as they are. A person refreshes through tracker.commands.refresh_catalogue."""
    result = build_tables(catalogue_dir, seeds_dir)
    store.replace_seed_data(result.tables, result.seed_actuals, result.meta, before_commit=before_commit)
    return result


# -- rows of each table -----------------------------------------------------------------------------------------
def _plan_rows(cat: Catalogue) -> pd.DataFrame:
    rows = []
    for p in cat.plans:
        seed = cat.seeds[p["seed_file"]]
        # The title is the seed's own wording; short_name, the fallback, is the reviewer's (simplified already).
        title_original = p.get("title") or p["short_name"]
        rows.append({
            "plan_id": p["plan_id"],
            "title": display_text(cat, p["plan_id"], p["title"]) if p.get("title") else p["short_name"],
            "title_original": title_original,
            "short_name": p["short_name"],
            "region": p["region"],
            "doc_type": p.get("doc_type"),
            "script": p.get("script"),
            "issued_on": pd.Timestamp(p["issued_on"]) if p.get("issued_on") else pd.NaT,
            "base_year": p.get("base_year"),
            "start_year": p.get("start_year"),
            "target_year": p.get("target_year"),
            "seed_file": p["seed_file"],
            "seed_sha256": seed.sha256,
            "assumption": p.get("assumption"),
        })
    return pd.DataFrame(rows)


def _indicator_rows(cat: Catalogue) -> pd.DataFrame:
    return pd.DataFrame([{
        "indicator_id": i["id"],
        "indicator": i["name"],
        "indicator_en": i.get("name_en"),
        "unit": i.get("unit") or "",
        "measure": i["measure"],
        "direction": 1 if i["direction"] == "up" else -1,
        "path_kind": i.get("path") or default_path_kind(i.get("unit") or ""),
        "defined_in": i["defined_in"],
        "note": i.get("note"),
    } for i in cat.indicators])


def _alias_rows(cat: Catalogue, ind_by_id: pd.DataFrame) -> pd.DataFrame:
    """Aliases from the catalogue plus the simplified form of every traditional-character alias."""
    rows, seen = [], set()
    for a in cat.aliases:
        forms = [(a["alias"], a["source"])]
        simplified = to_simplified(a["alias"])
        if simplified != a["alias"]:
            forms.append((simplified, "opencc"))
        for alias, source in forms:
            if alias == ind_by_id.loc[a["indicator_id"], "indicator"] or alias in seen:
                continue
            seen.add(alias)
            rows.append({"alias": alias, "indicator_id": a["indicator_id"],
                         "indicator": ind_by_id.loc[a["indicator_id"], "indicator"], "source": source})
    return pd.DataFrame(rows, columns=["alias", "indicator_id", "indicator", "source"])


def _from_tables(cat: Catalogue, ind_by_id: pd.DataFrame, notes: list[dict]):
    """专栏2 rows become targets; 专栏1's 2010 and 2015 values become seed actuals."""
    seed = cat.seed_of(TABLE_PLAN)
    plan = cat.plan(TABLE_PLAN)
    results, goals = parse_table(seed.text, RESULTS_TABLE), parse_table(seed.text, TARGETS_TABLE)
    by_name = {name: iid for iid, name in ind_by_id["indicator"].items()}

    def indicator_of(table: Table, row) -> str:
        if row.name not in by_name:
            raise ValueError(f"专栏{table.number} row {row.seq}: {row.name} is not an indicator in the catalogue")
        iid = by_name[row.name]
        if row.unit != ind_by_id.loc[iid, "unit"]:
            raise ValueError(f"专栏{table.number} row {row.seq}: unit {row.unit} differs from the indicator's")
        return iid

    for table in (results, goals):
        repaired = [r.name for r in table.rows if r.unit_repaired]
        if repaired:
            notes.append({"plan_id": TABLE_PLAN, "seed_file": seed.file_name, "target_id": None,
                          "category": "scrape_repair",
                          "message": f"专栏{table.number}:{len(repaired)} 个指标名称单元格缺少右括号"
                                     f"(如“{repaired[0]}(%”),按“(单位)”补全读取。"})
        if table.furniture:
            notes.append({"plan_id": TABLE_PLAN, "seed_file": seed.file_name, "target_id": None,
                          "category": "scrape_repair",
                          "message": f"专栏{table.number}:忽略表格中的非单元格文字 {table.furniture}。"})

    (base_year,) = [y for y, label in goals.year_labels.items() if label == "指标值"]
    (goal_year,) = [y for y, label in goals.year_labels.items() if label == "目标值"]
    targets = []
    for row in goals.rows:
        iid = indicator_of(goals, row)
        targets.append({
            "target_id": f"cq13-table2-{row.seq:02d}",
            "plan_id": TABLE_PLAN,
            "region": plan["region"],
            "indicator": ind_by_id.loc[iid, "indicator"],
            "indicator_id": iid,
            "subject": row.name,
            "subject_original": row.name,
            "kind": "level",
            "comparator": ">=",
            "target_value": row.values[goal_year],
            "basis": "level",
            "start_year": plan["start_year"],
            "target_year": goal_year,
            "baseline_year": base_year,
            "baseline_value": row.values[base_year],
            "unit": row.unit,
            "binding": row.binding,
            "section": f"专栏{goals.number} {goals.title}",
            "quote": row.quote,
            "quote_offset": seed.text.index(row.quote),
            "seed_file": seed.file_name,
            "origin": "table",
            "assumption": "表中目标值按“达到(≥)”理解。" if row.seq == 1 else None,
        })
    actuals, pairs = [], []
    goals_by_name = {r.name: r for r in goals.rows}
    for row in results.rows:
        iid = indicator_of(results, row)
        for year, value in row.values.items():
            if value is None:
                continue
            actuals.append({
                "plan_id": TABLE_PLAN, "region": plan["region"], "indicator": ind_by_id.loc[iid, "indicator"],
                "indicator_id": iid, "year": year, "value": value, "unit": row.unit,
                # The source names the document, so that a reader of any plan sees where a value was stated.
                "source": f"{plan['short_name']} 专栏{results.number} {results.title}", "quote": row.quote,
                "seed_file": seed.file_name,
            })
        goal_row = goals_by_name.get(row.name)
        pairs.append((row.name, row.values.get(base_year), goal_row.values.get(base_year) if goal_row else None))
    return (pd.DataFrame(targets), pd.DataFrame(actuals),
            checks.table_agreement_checks(TABLE_PLAN, pairs))


def _catalogue_target_rows(cat: Catalogue, ind_by_id: pd.DataFrame, notes: list[dict]) -> pd.DataFrame:
    rows = []
    for t in cat.targets:
        plan = cat.plan(t["plan_id"])
        seed = cat.seed_of(t["plan_id"])
        kind = t["kind"]
        iid = t["indicator"]
        value = 100.0 if kind == "coverage" else t.get("value")
        rows.append({
            "target_id": t["id"],
            "plan_id": t["plan_id"],
            "region": t["region"],
            "indicator": ind_by_id.loc[iid, "indicator"],
            "indicator_id": iid,
            # Line breaks inside a sentence are scraping artefacts; the display form drops them.
            "subject": re.sub(r"\s+", "", display_text(cat, t["plan_id"], t.get("subject")) or "") or None,
            "subject_original": t.get("subject"),
            "kind": kind,
            "comparator": t.get("comparator") or DEFAULT_COMPARATOR.get(kind, None if kind == "qualitative" else ">="),
            "target_value": value,
            "target_value_hi": t.get("value_hi"),
            "stretch_value": t.get("stretch"),
            "tolerance": t.get("tolerance"),
            "growth_rate": t.get("rate"),
            "multiple": t.get("multiple"),
            "relative_to_region": t.get("relative_to"),
            "relative_margin": t.get("margin"),
            "relative_to_indicator_id": t.get("relative_to_indicator"),
            "basis": IMPLIED_BASIS.get(kind) or t.get("basis") or "level",
            "start_year": t.get("start_year") or plan["start_year"],
            "target_year": t["target_year"],
            "baseline_year": t.get("baseline_year"),
            "baseline_value": t.get("baseline_value"),
            "unit": "%" if kind == "coverage" else ind_by_id.loc[iid, "unit"],
            "binding": t.get("binding"),
            "parent_target_id": t.get("parent"),
            "section": display_text(cat, t["plan_id"], t.get("section")),
            "quote": t["quote"],
            "quote_offset": seed.text.index(t["quote"]),
            "seed_file": seed.file_name,
            "origin": "catalogue",
            "assumption": t.get("assumption"),            # the reviewer's words, stored as written
            "note": t.get("note"),
        })
        if t.get("assumption"):
            notes.append({"plan_id": t["plan_id"], "seed_file": seed.file_name, "target_id": t["id"],
                          "category": "assumption", "message": t["assumption"]})
    return pd.DataFrame(rows)


def _resolve_derived_values(targets: pd.DataFrame) -> pd.DataFrame:
    """Targets the text fixes through a baseline: 翻番 = multiple × baseline; 年均增长 = baseline × (1+g)^n."""
    t = targets.copy()
    derived = t["kind"].isin(["doubling", "growth"]) & t["baseline_value"].notna()
    derived &= (t["kind"] == "doubling") | t["baseline_year"].notna()
    rows = t[derived]
    t.loc[derived, "target_value"] = derived_target_value(
        rows["kind"].to_numpy(), rows["baseline_value"].to_numpy(dtype=float),
        multiple=pd.to_numeric(rows["multiple"]).to_numpy(dtype=float),
        growth=pd.to_numeric(rows["growth_rate"]).to_numpy(dtype=float) / 100,
        years=(rows["target_year"] - rows["baseline_year"]).to_numpy(dtype=float),
    )
    return t


def _milestone_groups(targets: pd.DataFrame) -> pd.Series:
    """Targets of one plan, region, indicator and basis set for several years form a milestone group."""
    key = targets[["plan_id", "region", "indicator_id", "basis"]].astype(str).agg("|".join, axis=1)
    top_level = targets["parent_target_id"].isna() & (targets["kind"] != "qualitative")
    years = targets[top_level].groupby(key[top_level])["target_year"].nunique()
    multi = set(years[years > 1].index)
    first = targets.sort_values("target_year").groupby(key)["target_id"].first()
    return pd.Series([first[k] if (k in multi and top) else None for k, top in zip(key, top_level, strict=True)],
                     index=targets.index, dtype="object")


def _target_quote_rows(cat: Catalogue, targets: pd.DataFrame) -> pd.DataFrame:
    rows = [{"target_id": r.target_id, "role": "source", "quote": r.quote, "seed_file": r.seed_file}
            for r in targets.itertuples()]
    table_targets = targets[targets["origin"] == "table"].set_index(["indicator_id", "target_year"])
    for r in cat.restatements:
        key = (r["indicator"], r["target_year"])
        if key in table_targets.index:
            rows.append({"target_id": table_targets.loc[key, "target_id"], "role": "restatement",
                         "quote": r["quote"], "seed_file": cat.seed_of(r["plan_id"]).file_name})
    return pd.DataFrame(rows)


UNIT_COLUMNS = ["target_id", "role", "unit_name", "seq", "quote", "quote_offset", "seed_file"]


def _target_unit_rows(cat: Catalogue, targets: pd.DataFrame) -> pd.DataFrame:
    """The 牵头单位/责任单位 each seed names for the task a target is stated in (X区's tasks name theirs)."""
    rows = []
    for plan in cat.plans:
        seed = cat.seed_of(plan["plan_id"])
        own = targets[targets["plan_id"] == plan["plan_id"]]
        offsets = dict(zip(own["target_id"], own["quote_offset"].astype(int), strict=True))
        rows += [{**row, "seed_file": seed.file_name} for row in units_of_offsets(seed.text, offsets)]
    return pd.DataFrame(rows, columns=UNIT_COLUMNS)


def _structure_rows(cat: Catalogue) -> pd.DataFrame:
    rows = [{
        "plan_id": s["plan_id"], "item_id": s["id"], "parent_item_id": s.get("parent"), "seq": n,
        "title": display_text(cat, s["plan_id"], s["title"]), "quote": s.get("quote"),
    } for n, s in enumerate(cat.structure)]
    return pd.DataFrame(rows, columns=["plan_id", "item_id", "parent_item_id", "seq", "title", "quote"])


def _catalogue_actual_rows(cat: Catalogue, ind_by_id: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame([{
        "plan_id": a["plan_id"], "region": a["region"], "indicator": ind_by_id.loc[a["indicator"], "indicator"],
        "indicator_id": a["indicator"], "year": a["year"], "value": float(a["value"]),
        "unit": ind_by_id.loc[a["indicator"], "unit"], "source": cat.plan(a["plan_id"])["short_name"],
        "quote": a["quote"], "seed_file": cat.seed_of(a["plan_id"]).file_name, "note": a.get("note"),
    } for a in cat.actuals])


def _one_value_per_year(actuals: pd.DataFrame) -> tuple[pd.DataFrame, list[dict]]:
    """Keep the first statement of each region/indicator/year (the table's, where there is one); check the others.

    The text often repeats a value the 专栏 table gives (2015年…技术合同成交额241.5亿元). One stated value per year is
    loaded; every repetition becomes a check that says whether it agrees.
    """
    key = ["region", "indicator", "year"]
    first = actuals.drop_duplicates(key, keep="first")
    repeats = actuals[actuals.duplicated(key, keep="first")].merge(first, on=key, suffixes=("", "_first"))
    results = []
    for r in repeats.itertuples():
        same = r.value == r.value_first
        results.append({
            "plan_id": r.plan_id, "check_kind": "stated_value", "subject": f"{r.region} {r.indicator} {r.year}",
            "expected": f"{r.value_first:g}", "observed": f"{r.value:g}", "status": "ok" if same else "mismatch",
            "message": f"“{' '.join(r.quote.split())}”再次陈述{r.year}年数值 {r.value:g}{r.unit or ''},"
                       f"与已载入的 {r.value_first:g} " + ("一致。" if same else "不一致,以先载入者为准,请核对。"),
            "target_ids": "",
        })
    # source_plan_id: the plan whose text states the value (the actuals are keyed by region, indicator and year, so
    # another plan of the same region reads it too, e.g. as its base-year value).
    return first.rename(columns={"plan_id": "source_plan_id"}).reset_index(drop=True), results


def _check_unique(frame: pd.DataFrame, column: str) -> None:
    dupes = frame[frame[column].duplicated(keep=False)][column].unique().tolist()
    if dupes:
        raise ValueError(f"duplicate {column}: {dupes}")
