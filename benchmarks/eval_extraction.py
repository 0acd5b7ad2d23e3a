"""Score automatic target extraction (tracker.intake.propose_targets) against hand labels.

Run from the repository root:  python benchmarks/eval_extraction.py [--eval-dir /work/shared/eval/plans] [--misses]
Not a test: it prints the figures quoted in docs/extraction.md.

Two label sets:
- eval: the six government work reports of --eval-dir with labels.csv (163 labels). Each report is an annual plan
  of the year in its file name (gwr-2016 → plan_start = plan_end = plan_year = 2016); the text supplies the five-year
  horizons it also states. Skipped when the folder is missing.
- seeds: the five seed documents with the reviewed targets of etl/catalogue/*.yaml plus the 专栏2 rows the ETL parses
  (the targets table of `python -m etl`), with each plan's start and target year from plans.yaml; their stated
  values (the catalogue's actuals) score the separation of facts from targets.
The indicators of the seed catalogue are passed as the existing indicators in both runs.

Matching, precisely: a label's span is [offset, offset + len(quote)) in its document (each eval quote occurs once;
a seed target carries its offset). A proposal with role "target" matches a label when
  1. their spans overlap by at least one character, and
  2. their numbers agree: the label's value (eval) or target value / growth rate / multiple / relative margin /
     100 for coverage (seeds) equals the proposal's number (value, else rate, else multiple, else margin) within
     1e-6 relative; a label without a number (qualitative) is matched by no proposal.
Each label takes at most one proposal and each proposal at most one label: labels are taken in document order and
each takes the free matching proposal with the largest overlap. recall = matched labels / labels;
precision = matched target proposals / target proposals. Per kind: recall by the label's kind, precision by the
proposal's kind. On matched pairs: kind accuracy; comparator accuracy, strict and with "=" and ">=" read as the same
(the seed catalogue writes 达到/plain counts as >=, the eval labels as =); target-year accuracy.
Facts: eval — target proposals inside a 工作回顾 section (every number there is a reported result, per the corpus
README) against baseline proposals there; seeds — stated values matched (same rule) by a baseline proposal or by a
target proposal.
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tracker.intake import propose_targets  # noqa: E402

LENIENT = {"=": ">=", ">=": ">="}


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def _same(x: float | None, y: float | None) -> bool:
    return x is not None and y is not None and abs(x - y) <= 1e-6 * max(1.0, abs(y))


def match(labels: list[dict], proposals: list) -> list[tuple[dict, object | None]]:
    """(label, proposal or None) for every label, one to one (see the module docstring)."""
    free = list(proposals)
    pairs = []
    for label in sorted(labels, key=lambda lab: lab["span"][0]):
        best, best_overlap = None, 0
        for p in free:
            ov = _overlap(label["span"], (p.offset, p.offset + len(p.quote)))
            if ov > best_overlap and _same(p.number, label["value"]):
                best, best_overlap = p, ov
        if best is not None:
            free.remove(best)
        pairs.append((label, best))
    return pairs


def eval_documents(eval_dir: Path):
    rows = list(csv.DictReader((eval_dir / "labels.csv").open(encoding="utf-8")))
    docs = defaultdict(list)
    for r in rows:
        docs[r["doc"]].append(r)
    for doc in sorted(docs):
        text = (eval_dir / doc).read_text(encoding="utf-8")
        year = int(re.search(r"gwr-(\d{4})", doc).group(1))
        labels = []
        for r in docs[doc]:
            start = text.index(r["quote"])
            labels.append({"id": r["id"], "span": (start, start + len(r["quote"])), "kind": r["kind"],
                           "comparator": r["comparator"], "value": float(r["value"]) if r["value"] else None,
                           "year": int(r["target_year"]), "quote": r["quote"]})
        yield doc, text, dict(plan_start=year, plan_end=year, plan_year=year), labels, _review_spans(text)


def _review_spans(text: str) -> list[tuple[int, int]]:
    """The 工作回顾 chapters of a work report: from their heading to the next chapter heading."""
    heads = [(m.start(), m.group(0)) for m in re.finditer(r"(?m)^[一二三四五六七八九十]+、[^\n]*$", text)]
    spans = []
    for i, (start, title) in enumerate(heads):
        if "回顾" in title:
            spans.append((start, heads[i + 1][0] if i + 1 < len(heads) else len(text)))
    return spans


def seed_documents():
    from etl.build import build_tables

    result = build_tables()
    plans = result.tables["plans"].set_index("plan_id")
    targets = result.tables["targets"]
    actuals = result.seed_actuals
    for plan_id, plan in plans.iterrows():
        seed = plan["seed_file"]
        text = (ROOT / "seeds" / seed).read_text(encoding="utf-8")
        labels = []
        for t in targets[targets["plan_id"] == plan_id].itertuples():
            number = {"growth": t.growth_rate, "doubling": t.multiple, "relative": t.relative_margin,
                      "coverage": 100.0, "qualitative": None}.get(t.kind, t.target_value)
            labels.append({"id": t.target_id, "span": (t.quote_offset, t.quote_offset + len(t.quote)),
                           "kind": t.kind, "comparator": t.comparator, "year": int(t.target_year),
                           "value": None if number is None or number != number else float(number), "quote": t.quote})
        facts = []
        for a in actuals[actuals["seed_file"] == seed].itertuples():
            start = text.find(a.quote)
            if start >= 0:
                facts.append({"id": f"{a.indicator_id}-{a.year}", "span": (start, start + len(a.quote)),
                              "value": float(a.value), "kind": "fact", "quote": a.quote})
        yield seed, text, dict(plan_start=int(plan["start_year"]), plan_end=int(plan["target_year"])), labels, facts


def _indicators() -> list[dict]:
    from etl.catalogue import load_catalogue

    cat = load_catalogue(ROOT / "etl" / "catalogue", ROOT / "seeds")
    return [{"id": i["id"], "name": i["name"], "aliases": i.get("aliases") or []} for i in cat.indicators]


def score(name: str, runs: list, show_misses: bool) -> None:
    by_kind_labels, by_kind_hits = Counter(), Counter()
    by_kind_props, by_kind_props_hit = Counter(), Counter()
    n_labels = n_hits = n_props = 0
    kind_ok = cmp_ok = cmp_lenient = year_ok = 0
    for doc, labels, proposals in runs:
        targets = [p for p in proposals if p.role == "target"]
        pairs = match(labels, targets)
        hit_props = {id(p) for _, p in pairs if p is not None}
        n_labels += len(labels)
        n_props += len(targets)
        for label, p in pairs:
            by_kind_labels[label["kind"]] += 1
            if p is None:
                if show_misses:
                    print(f"  miss {doc} {label['id']} {label['kind']} {label['value']} {label['quote'][:50]!r}")
                continue
            n_hits += 1
            by_kind_hits[label["kind"]] += 1
            kind_ok += p.kind == label["kind"]
            cmp_ok += p.comparator == label["comparator"]
            cmp_lenient += LENIENT.get(p.comparator, p.comparator) == LENIENT.get(label["comparator"],
                                                                                   label["comparator"])
            year_ok += p.target_year == label["year"]
        for p in targets:
            by_kind_props[p.kind] += 1
            if id(p) in hit_props:
                by_kind_props_hit[p.kind] += 1
            elif show_misses:
                print(f"  extra {doc} {p.kind} {p.number} {p.unit} {p.quote[:50]!r}")
    print(f"\n== {name}: {n_labels} labels, {n_props} target proposals")
    print(f"recall {n_hits}/{n_labels} = {n_hits / max(1, n_labels):.1%}   "
          f"precision {n_hits}/{n_props} = {n_hits / max(1, n_props):.1%}")
    quantified = n_labels - by_kind_labels["qualitative"]
    quantified_hits = n_hits - by_kind_hits["qualitative"]
    print(f"quantified targets (a number to match; extraction proposes no qualitative target): "
          f"recall {quantified_hits}/{quantified} = {quantified_hits / max(1, quantified):.1%}")
    if n_hits:
        print(f"on the {n_hits} matched: kind {kind_ok / n_hits:.1%}, comparator {cmp_ok / n_hits:.1%} "
              f"(= read as >=: {cmp_lenient / n_hits:.1%}), target year {year_ok / n_hits:.1%}")
    print(f"{'kind':<14}{'labels':>7}{'recall':>9}{'proposals':>11}{'precision':>11}")
    for kind in sorted(set(by_kind_labels) | set(by_kind_props)):
        labels, props = by_kind_labels[kind], by_kind_props[kind]
        rec = f"{by_kind_hits[kind] / labels:.0%}" if labels else "–"
        prec = f"{by_kind_props_hit[kind] / props:.0%}" if props else "–"
        print(f"{kind:<14}{labels:>7}{rec:>9}{props:>11}{prec:>11}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval-dir", type=Path, default=Path("/work/shared/eval/plans"))
    parser.add_argument("--misses", action="store_true", help="list every missed label and unmatched proposal")
    args = parser.parse_args(argv)
    indicators = _indicators()
    seconds = 0.0
    chars = 0

    if (args.eval_dir / "labels.csv").is_file():
        runs, in_review, set_aside = [], 0, 0
        for doc, text, plan, labels, review in eval_documents(args.eval_dir):
            t0 = time.perf_counter()
            proposals = propose_targets(text, indicators=indicators, **plan)
            seconds += time.perf_counter() - t0
            chars += len(text)
            runs.append((doc, labels, proposals))
            for p in proposals:
                if any(a <= p.offset < b for a, b in review):
                    in_review += p.role == "target"
                    set_aside += p.role == "baseline"
        score("eval (6 government work reports)", runs, args.misses)
        print(f"facts: in the 工作回顾 sections {set_aside} numbers proposed as stated values (baseline), "
              f"{in_review} proposed as targets")
    else:
        print(f"(no eval set at {args.eval_dir}: skipped)")

    runs, fact_as_baseline, fact_as_target, n_facts = [], 0, 0, 0
    for doc, text, plan, labels, facts in seed_documents():
        t0 = time.perf_counter()
        proposals = propose_targets(text, indicators=indicators, **plan)
        seconds += time.perf_counter() - t0
        chars += len(text)
        runs.append((doc, labels, proposals))
        n_facts += len(facts)
        baselines = [p for p in proposals if p.role == "baseline"]
        targets = [p for p in proposals if p.role == "target"]
        fact_as_baseline += sum(p is not None for _, p in match(facts, baselines))
        fact_as_target += sum(p is not None for _, p in match(facts, targets))
    score("seeds (5 documents, reviewed catalogue)", runs, args.misses)
    print(f"stated values: {n_facts} in the catalogue; {fact_as_baseline} proposed as stated values (baseline), "
          f"{fact_as_target} proposed as targets")
    print(f"\nrun time: {seconds:.2f} s for {chars:,} characters ({chars / max(seconds, 1e-9) / 1000:.0f}k chars/s)")


if __name__ == "__main__":
    main()
