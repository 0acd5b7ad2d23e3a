"""Read and check the reviewed catalogue in etl/catalogue/: plans, regions, indicators, targets, stated values.

Every problem is collected, then raised together in one CatalogueError that names each offending entry, so a
reviewer fixes the file in one pass and a broken catalogue never reaches the database.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from tracker.catalogue.text import display_form

KINDS = (
    "level", "approx", "range", "floor_stretch", "growth", "doubling",
    "per_year", "cumulative", "coverage", "relative", "qualitative",
)
COMPARATORS = (">=", ">", "=", "<=", "<", "≈", "between")
DEFAULT_COMPARATOR = {"approx": "≈", "range": "between", "coverage": ">=", "doubling": ">=", "growth": ">="}
IMPLIED_BASIS = {"per_year": "per_year", "cumulative": "cumulative"}
NEEDS_VALUE = {"level", "approx", "range", "floor_stretch", "per_year", "cumulative"}
# Kinds whose stated unit may differ from the indicator's (a growth rate is in %, whatever the indicator counts).
OWN_UNIT_KINDS = {"growth", "coverage", "relative", "doubling", "qualitative"}
DOCUMENT_FILES = ("000.yaml", "001.yaml", "002.yaml", "003.yaml", "004.yaml")


class CatalogueError(ValueError):
    """The catalogue cannot be built; .problems lists every offending entry."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("目录校验失败 / catalogue check failed:\n" + "\n".join(f"  - {p}" for p in problems))


@dataclass
class Seed:
    """One seed document: its text and checksum."""

    file_name: str
    text: str
    sha256: str


@dataclass
class Catalogue:
    """Everything read from etl/catalogue/ and seeds/, checked."""

    plans: list[dict]
    regions: list[dict]
    indicators: list[dict]
    aliases: list[dict]              # {alias, indicator_id, source}
    targets: list[dict]              # raw entries, with 'plan_id' and 'source_file' added
    actuals: list[dict]
    restatements: list[dict]
    structure: list[dict]
    notes: list[dict]                # document-level scraping repairs: {quote, message}
    seeds: dict[str, Seed]           # by seed file name
    problems: list[str] = field(default_factory=list)

    def plan(self, plan_id: str) -> dict:
        return next(p for p in self.plans if p["plan_id"] == plan_id)

    def seed_of(self, plan_id: str) -> Seed:
        return self.seeds[self.plan(plan_id)["seed_file"]]


def _read_yaml(path: Path):
    with path.open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def read_seeds(seeds_dir: Path, file_names: list[str]) -> dict[str, Seed]:
    """Read the seed texts byte for byte (quotes are checked against exactly these strings)."""
    seeds = {}
    for name in file_names:
        raw = (seeds_dir / name).read_bytes()
        seeds[name] = Seed(name, raw.decode("utf-8"), hashlib.sha256(raw).hexdigest())
    return seeds


def load_catalogue(catalogue_dir: Path, seeds_dir: Path) -> Catalogue:
    """Load and check the whole catalogue; raise CatalogueError listing every problem."""
    problems: list[str] = []
    plans = _read_yaml(catalogue_dir / "plans.yaml")
    regions = _read_yaml(catalogue_dir / "regions.yaml")
    indicators = [dict(i, defined_in="indicators.yaml") for i in _read_yaml(catalogue_dir / "indicators.yaml")]
    missing_seeds = [p["seed_file"] for p in plans if not (seeds_dir / p["seed_file"]).is_file()]
    if missing_seeds:
        raise CatalogueError([f"plans.yaml: seed file missing from {seeds_dir}: {s}" for s in missing_seeds])
    seeds = read_seeds(seeds_dir, [p["seed_file"] for p in plans])
    plan_ids = {p["plan_id"] for p in plans}

    aliases, targets, actuals, restatements, structure, notes = [], [], [], [], [], []
    for file_name in DOCUMENT_FILES:
        path = catalogue_dir / file_name
        if not path.is_file():
            problems.append(f"{file_name}: file missing")
            continue
        doc = _read_yaml(path) or {}
        plan_id = doc.get("plan")
        if plan_id not in plan_ids:
            problems.append(f"{file_name}: unknown plan {plan_id!r}")
            continue
        origin = {"plan_id": plan_id, "source_file": file_name}
        indicators += [dict(i, defined_in=file_name) for i in doc.get("indicators") or []]
        aliases += [{"alias": a["alias"], "indicator_id": a["indicator"], "source": file_name}
                    for a in doc.get("aliases") or []]
        targets += [dict(t, **origin) for t in doc.get("targets") or []]
        actuals += [dict(a, **origin) for a in doc.get("actuals") or []]
        restatements += [dict(r, **origin) for r in doc.get("restatements") or []]
        structure += [dict(s, **origin) for s in doc.get("structure") or []]
        notes += [dict(n, **origin) for n in doc.get("notes") or []]
    for ind in indicators:
        aliases += [{"alias": a, "indicator_id": ind["id"], "source": ind["defined_in"]}
                    for a in ind.get("aliases") or []]

    cat = Catalogue(plans, regions, indicators, aliases, targets, actuals, restatements, structure, notes, seeds,
                    problems)
    _check_regions(cat)
    _check_indicators(cat)
    _check_targets(cat)
    _check_quoted_rows(cat)
    if cat.problems:
        raise CatalogueError(cat.problems)
    return cat


def _check_regions(cat: Catalogue) -> None:
    names = [r["name"] for r in cat.regions]
    for name in {n for n in names if names.count(n) > 1}:
        cat.problems.append(f"regions.yaml: region {name} listed twice")
    for r in cat.regions:
        if r.get("parent") and r["parent"] not in names:
            cat.problems.append(f"regions.yaml: {r['name']}: unknown parent {r['parent']}")
    for p in cat.plans:
        if p["region"] not in names:
            cat.problems.append(f"plans.yaml: {p['plan_id']}: unknown region {p['region']}")
        title = p.get("title")
        if title and title not in cat.seeds[p["seed_file"]].text:
            cat.problems.append(f"plans.yaml: {p['plan_id']}: title is not in {p['seed_file']}: {title!r}")


def _check_indicators(cat: Catalogue) -> None:
    """Ids and names unique; an alias names one indicator and never another indicator's canonical name."""
    seen_ids: dict[str, str] = {}
    seen_names: dict[str, str] = {}
    for ind in cat.indicators:
        where = f"{ind['defined_in']}: indicator {ind.get('id')}"
        for key in ("id", "name", "measure", "direction"):
            if not ind.get(key):
                cat.problems.append(f"{where}: {key} missing")
        if ind.get("unit") is None:  # "" is allowed: a qualitative indicator has no unit
            cat.problems.append(f"{where}: unit missing (write \"\" when it has none)")
        if ind.get("measure") not in ("level", "increment"):
            cat.problems.append(f"{where}: measure must be level or increment")
        if ind.get("direction") not in ("up", "down"):
            cat.problems.append(f"{where}: direction must be up or down")
        if ind.get("path") not in (None, "linear", "geometric"):
            cat.problems.append(f"{where}: path must be linear or geometric")
        if ind.get("id") in seen_ids:
            cat.problems.append(f"{where}: id already defined in {seen_ids[ind['id']]}")
        if ind.get("name") in seen_names:
            cat.problems.append(f"{where}: name {ind['name']} already used by {seen_names[ind['name']]}")
        seen_ids[ind.get("id")] = ind["defined_in"]
        seen_names[ind.get("name")] = ind.get("id")
    alias_owner: dict[str, str] = {}
    for a in cat.aliases:
        if a["indicator_id"] not in seen_ids:
            cat.problems.append(f"{a['source']}: alias {a['alias']} names unknown indicator {a['indicator_id']}")
        owner_by_name = seen_names.get(a["alias"])
        if owner_by_name and owner_by_name != a["indicator_id"]:
            cat.problems.append(
                f"{a['source']}: alias {a['alias']} of {a['indicator_id']} is the name of indicator {owner_by_name}"
            )
        previous = alias_owner.setdefault(a["alias"], a["indicator_id"])
        if previous != a["indicator_id"]:
            cat.problems.append(f"{a['source']}: alias {a['alias']} given to both {previous} and {a['indicator_id']}")


def _check_targets(cat: Catalogue) -> None:
    region_names = {r["name"] for r in cat.regions}
    ind_units = {i["id"]: i.get("unit") for i in cat.indicators}
    all_ids = [t.get("id") for t in cat.targets]
    for t in cat.targets:
        where = f"{t['source_file']}: {t.get('id')}"
        kind = t.get("kind")
        if all_ids.count(t.get("id")) > 1:
            cat.problems.append(f"{where}: target id used more than once")
        if kind not in KINDS:
            cat.problems.append(f"{where}: unknown kind {kind!r}")
        if t.get("comparator") not in (None, *COMPARATORS):
            cat.problems.append(f"{where}: unknown comparator {t.get('comparator')!r}")
        if t.get("indicator") not in ind_units:
            cat.problems.append(f"{where}: unknown indicator {t.get('indicator')!r}")
        elif kind not in OWN_UNIT_KINDS and t.get("unit") and t["unit"] != ind_units[t["indicator"]]:
            cat.problems.append(f"{where}: unit {t['unit']} differs from the indicator's {ind_units[t['indicator']]}")
        if t.get("region") not in region_names:
            cat.problems.append(f"{where}: unknown region {t.get('region')!r}")
        if not isinstance(t.get("target_year"), int):
            cat.problems.append(f"{where}: target_year must be a year")
        if kind in NEEDS_VALUE and t.get("value") is None:
            cat.problems.append(f"{where}: kind {kind} needs a value")
        if kind == "range" and not (t.get("value_hi") is not None and t["value_hi"] > (t.get("value") or 0)):
            cat.problems.append(f"{where}: a range needs value_hi above value")
        if kind == "floor_stretch" and t.get("stretch") is None:
            cat.problems.append(f"{where}: floor_stretch needs stretch")
        if kind == "growth" and t.get("rate") is None:
            cat.problems.append(f"{where}: growth needs rate")
        if kind == "doubling" and t.get("multiple") is None:
            cat.problems.append(f"{where}: doubling needs multiple")
        if kind == "relative" and (t.get("relative_to") not in region_names or t.get("margin") is None):
            cat.problems.append(f"{where}: relative needs relative_to (a region) and margin")
        other = t.get("relative_to_indicator")
        if other is not None and kind != "relative":
            cat.problems.append(f"{where}: relative_to_indicator is for relative targets only")
        elif other is not None and other not in ind_units:
            cat.problems.append(f"{where}: unknown relative_to_indicator {other!r}")
        elif other is not None and t.get("indicator") in ind_units and ind_units[other] != ind_units[t["indicator"]]:
            cat.problems.append(f"{where}: relative_to_indicator {other} is in {ind_units[other]}, "
                                f"the target's indicator in {ind_units[t['indicator']]}")
        if kind == "relative" and t.get("relative_to") == t.get("region") and other in (None, t.get("indicator")):
            # The region against itself on the same indicator: the ratio is always 1 and the target never tells.
            cat.problems.append(f"{where}: compares {t.get('region')} with itself on the same indicator; "
                                f"name the reference indicator (relative_to_indicator) or another region")
        if t.get("parent") and t["parent"] not in all_ids:
            cat.problems.append(f"{where}: unknown parent {t['parent']}")
        if t.get("subject") and t["subject"] not in (t.get("quote") or ""):
            cat.problems.append(f"{where}: subject {t['subject']!r} is not inside its quote")


def _check_quoted_rows(cat: Catalogue) -> None:
    """Every quote — targets, stated values, restatements, structure — must be a substring of its seed."""
    for group, rows in (("target", cat.targets), ("actual", cat.actuals),
                        ("restatement", cat.restatements), ("structure", cat.structure), ("note", cat.notes)):
        for row in rows:
            seed = cat.seed_of(row["plan_id"])
            quote = row.get("quote")
            label = row.get("id") or f"{row.get('indicator')} {row.get('year') or row.get('target_year') or ''}".strip()
            if not quote:
                cat.problems.append(f"{row['source_file']}: {group} {label}: quote missing")
            elif quote not in seed.text:
                cat.problems.append(
                    f"{row['source_file']}: {group} {label}: quote not found in {seed.file_name}: {quote!r}"
                )
    region_names = {r["name"] for r in cat.regions}
    ind_ids = {i["id"] for i in cat.indicators}
    for a in cat.actuals:
        where = f"{a['source_file']}: actual {a.get('indicator')} {a.get('year')}"
        if a.get("indicator") not in ind_ids:
            cat.problems.append(f"{where}: unknown indicator")
        if a.get("region") not in region_names:
            cat.problems.append(f"{where}: unknown region {a.get('region')!r}")
        if not isinstance(a.get("year"), int) or not isinstance(a.get("value"), (int, float)):
            cat.problems.append(f"{where}: year and value must be numbers")


def display_text(cat: Catalogue, plan_id: str, text: str | None) -> str | None:
    """Seed wording (subject, section, title) as shown to users: simplified characters for a traditional-character
    seed (character conversion only). Never for text a reviewer wrote (assumption, note, names): that is simplified
    already and is stored as written."""
    return display_form(text, cat.plan(plan_id).get("script"))
