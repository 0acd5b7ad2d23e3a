"""The views built on the verdict table: one source for pages, exports and the command line.

Every view reads one Snapshot (tracker.views.read_model), never the store; the arithmetic is tracker.methodology. Nothing
here imports streamlit, so every function is testable on an in-memory database.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from tracker import methodology
from tracker.config import SEEDS_DIR
from tracker.i18n import render_notes
from tracker.methodology.thresholds import DEFAULT_THRESHOLDS, Thresholds
from tracker.methodology.verdicts import (
    BEHIND_STATUSES,
    SEVERITY_ORDER,
    schedule_label,
    status_counts,
    trend_label,
)
from tracker.views.read_model import Snapshot


def verdicts(
    snap: Snapshot,
    *,
    plan_id: str | None = None,
    region: str | None = None,
    as_of: int | None = None,
    thresholds: Thresholds | None = None,
    lang: str = "zh",
) -> pd.DataFrame:
    """One verdict row per target of the plan (all plans when None), as of a year (None: latest data).

    thresholds None: the ones in force (the defaults as changed by an admin)."""
    return labelled(judged(snap, plan_id=plan_id, region=region, as_of=as_of, thresholds=thresholds), lang)


def judged(
    snap: Snapshot,
    *,
    plan_id: str | None = None,
    region: str | None = None,
    as_of: int | None = None,
    thresholds: Thresholds | None = None,
) -> pd.DataFrame:
    """The verdict table in codes, without the words of any language: what the pages cache once per data
    version, plan and year, whichever language each reader has chosen (labelled() adds the words)."""
    targets = snap.plan_targets(plan_id)
    if region is not None:
        targets = targets[targets["region"] == region].reset_index(drop=True)
    return judged_for(targets, snap.actuals, snap.statuses, stated=snap.stated, as_of=as_of,
                      thresholds=thresholds or snap.thresholds)


def verdicts_in_chunks(snap: Snapshot, *, plan_id: str | None = None, region: str | None = None,
                       as_of: int | None = None, lang: str = "zh", size: int = 20_000):
    """verdicts() a slice of targets at a time, in the plan's order (the command line writes a province's table
    this way: one slice's rows at a time in memory). The slices together are verdicts() row for row."""
    targets = snap.plan_targets(plan_id)
    if region is not None:
        targets = targets[targets["region"] == region].reset_index(drop=True)
    for start in range(0, max(len(targets), 1), size):     # an empty plan or region: one empty table
        chunk = targets.iloc[start:start + size].reset_index(drop=True)
        yield labelled(judged_for(chunk, snap.actuals, snap.statuses, stated=snap.stated, as_of=as_of,
                                  thresholds=snap.thresholds), lang)


def verdicts_for(
    targets: pd.DataFrame,
    actuals: pd.DataFrame,
    statuses: pd.DataFrame | None = None,
    *,
    stated: pd.DataFrame | None = None,
    as_of: int | None = None,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
    lang: str = "zh",
) -> pd.DataFrame:
    """verdict_table with the labels in lang and the catalogue columns a reader needs beside the numbers."""
    return labelled(judged_for(targets, actuals, statuses, stated=stated, as_of=as_of, thresholds=thresholds), lang)


def judged_for(
    targets: pd.DataFrame,
    actuals: pd.DataFrame,
    statuses: pd.DataFrame | None = None,
    *,
    stated: pd.DataFrame | None = None,
    as_of: int | None = None,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
) -> pd.DataFrame:
    """verdict_table with the catalogue columns a reader needs beside the numbers; notes still coded.

    stated: the values plans' texts state (Snapshot.stated), to name a baseline borrowed from another plan.
    Only the series the targets read are handed to the engine, so one target costs the same on a province's
    database as on a city's.
    """
    years = actuals["year"]
    table = methodology.verdict_table(
        targets, _series_of(targets, actuals), as_of=as_of, thresholds=thresholds, statuses=statuses,
        latest_year=int(years.max()) if as_of is None and len(years) else None,
    )
    if stated is not None:
        _note_borrowed_baselines(table, targets, stated)
    wanted = ["target_id", "indicator_id", "binding", "quote", "seed_file", "target_value", "target_value_hi",
              "growth_rate", "multiple", "relative_to_region", "relative_to_indicator", "relative_margin", "basis",
              "start_year", "parent_target_id", "milestone_group", "subject", "measure", "path_kind", "number",
              "section"]
    # The engine keeps the targets' order, one row each: the columns line up without a join.
    extra = targets[[c for c in wanted if c in targets.columns and c != "target_id"]].reset_index(drop=True)
    return pd.concat([table, extra], axis=1)


def labelled(table: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The judged table with its notes and verdict labels in lang (each distinct value rendered once)."""
    def words(column: str, render) -> pd.Series:
        codes = table[column]
        return codes.map({code: render(code, lang) for code in pd.unique(codes)})

    return table.assign(note=words("note", render_notes), schedule_label=words("schedule_status", schedule_label),
                        trend_label=words("trend_status", trend_label))


def _series_of(targets: pd.DataFrame, actuals: pd.DataFrame) -> pd.DataFrame:
    """The actual values of the regions and indicators the targets read (their own and a relative target's
    yardstick): a few rows for one target, however many values the database holds."""
    actuals = actuals[["region", "indicator", "year", "value"]]

    def named(own: str, other: str) -> list:
        names = [targets[own]] + ([targets[other].dropna()] if other in targets.columns else [])
        return pd.unique(pd.concat(names, ignore_index=True)).tolist()

    keep = actuals["region"].isin(named("region", "relative_to_region")) & \
        actuals["indicator"].isin(named("indicator", "relative_to_indicator"))
    # Copying most of a province's values costs more than the engine spends passing over the few it does not need.
    return actuals if keep.mean() > 0.5 else actuals[keep]


def _note_borrowed_baselines(table: pd.DataFrame, targets: pd.DataFrame, stated: pd.DataFrame) -> None:
    """Say so where a baseline is a value another plan's text states (never silently from another plan).

    Only baselines taken from actual values count: a baseline the target's own text states is its own.
    """
    if table.empty or stated.empty:
        return
    stated = stated.loc[stated["source_plan_id"].notna(), ["region", "indicator", "year", "source_plan_id", "source"]]
    keys = table[["region", "indicator", "baseline_year_used", "plan_id"]].reset_index()
    if "baseline_value" in targets.columns:
        keys = keys[targets["baseline_value"].isna().to_numpy()]
    found = keys.merge(stated, left_on=["region", "indicator", "baseline_year_used"],
                       right_on=["region", "indicator", "year"], how="inner")
    borrowed = found[found["source_plan_id"] != found["plan_id"]]
    for row in borrowed.itertuples():
        note = f"borrowed_baseline{methodology.PARAM_SEPARATOR}source={row.source}"
        current = table.at[row.index, "note"]
        table.at[row.index, "note"] = f"{current}{methodology.NOTE_SEPARATOR}{note}" if current else note


def kpi_counts(table: pd.DataFrame) -> dict[str, int]:
    """The KPI cards: the total, then the targets per status — the same categories the status chart counts."""
    return {"total": len(table), **status_counts(table["schedule_status"])}


def with_progress(table: pd.DataFrame) -> pd.Series:
    """Rows that have a value to judge: one after the base year, or the target year's value once the plan ended."""
    after_base = table["latest_year"] > table["baseline_year_used"]
    judged_final = table["final"] & table["latest_year"].ge(table["target_year"])
    return (after_base.fillna(False) | judged_final.fillna(False)).astype(bool)


# The overview's heatmap draws at most this many targets: beyond it the rows are too thin to read, and the browser
# takes seconds per hundred row labels. The seed plans stay under it (the largest has 76 targets).
HEATMAP_LIMIT = 80
def most_behind(table: pd.DataFrame, limit: int | None = None) -> pd.DataFrame:
    """The verdict table (its first limit rows), worst verdict first and, within a verdict, the lowest schedule
    ratio first, then in the plan's order. Sorted as positions, so that only the rows asked for are copied."""
    rank = table["schedule_status"].map({code: i for i, code in enumerate(SEVERITY_ORDER)}).fillna(
        len(SEVERITY_ORDER)).to_numpy(dtype=float)
    ratio = pd.to_numeric(table["schedule_ratio"], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    order = np.lexsort((np.arange(len(table)), np.where(np.isnan(ratio), np.inf, ratio), rank))
    return table.iloc[order if limit is None else order[:limit]]


def heatmap(snap: Snapshot, *, plan_id: str, table: pd.DataFrame, as_of: int | None,
            limit: int = HEATMAP_LIMIT) -> tuple[pd.DataFrame, int]:
    """The year-by-year verdicts (judged, no labels) of the plan's targets that have data, up to the as-of year (or
    the latest year with data), and how many targets have data. Beyond limit only the ones most behind as of the chosen year are drawn, worst
    first; otherwise in the plan's order."""
    with_data = table[table["latest_value"].notna()]
    total = len(with_data)
    if total > limit:
        with_data = most_behind(with_data, limit)
    if with_data.empty:
        return pd.DataFrame(), total
    targets = snap.plan_targets(plan_id)
    ids = with_data["target_id"]
    # The rows drawn, in the order drawn (indexing the whole plan by id would copy all of its rows).
    targets = targets[targets["target_id"].isin(ids)].set_index("target_id").loc[ids].reset_index()
    # up to the year the page evaluates (the latest year with data, when no year is chosen): a column after it would
    # colour a year nobody has reported
    last = as_of if as_of is not None else snap.latest_year
    years = [y for y in plan_years(snap, plan_id) if last is None or y <= last]
    return judged_by_year(snap, targets, years), total


def judged_by_year(snap: Snapshot, targets: pd.DataFrame, years: list[int]) -> pd.DataFrame:
    """The verdicts of these targets as of each year, stacked (codes; labelled() adds the words)."""
    actuals = _series_of(targets, snap.actuals)     # once, not once a year
    frames = [judged_for(targets, actuals, snap.statuses, as_of=year, thresholds=snap.thresholds)
              .assign(year=year) for year in years]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def by_group(table: pd.DataFrame, column: str) -> pd.DataFrame:
    """Targets per region (or indicator): how many, how many behind and their share, and the count of each verdict,
    the groups most behind first (the overview's drill-down of a plan with many regions)."""
    counts = pd.crosstab(table[column], table["schedule_status"])
    present = [code for code in SEVERITY_ORDER if code in counts.columns]
    counts = counts[present + [c for c in counts.columns if c not in present]]
    out = counts.assign(total=counts.sum(axis=1),
                        behind=counts[[c for c in counts.columns if c in BEHIND_STATUSES]].sum(axis=1))
    out["behind_share"] = out["behind"] / out["total"]
    return out.sort_values(["behind_share", "behind"], ascending=False).reset_index()


def plan_years(snap: Snapshot, plan_id: str) -> list[int]:
    """The years a plan can be viewed as of: from the year after its base year to its last target year, or to the
    latest year with data when that is later (the final evaluation of an ended plan, with its post-plan values)."""
    plan = snap.plan(plan_id)
    targets = snap.plan_targets(plan_id)
    first = int(plan["base_year"]) + 1 if pd.notna(plan["base_year"]) else int(targets["target_year"].min())
    last = int(max(targets["target_year"].max(), plan["target_year"] or 0, snap.latest_year or 0))
    return list(range(first, last + 1))


# Kinds whose target states a unit of its own (a rate, a share, a multiple), not the indicator's.
OWN_UNIT_KINDS = ("growth", "coverage", "relative", "doubling")


def comparable_indicators(snap: Snapshot) -> pd.DataFrame:
    """Indicators with targets in more than one region or plan, most widely targeted first."""
    targets = snap.targets
    numeric = targets[targets["kind"] != "qualitative"]
    # One row per indicator, in the indicator's own unit: a growth or coverage target states its own (%), which
    # must not make the indicator a second entry.
    own_unit = numeric["unit"].where(~numeric["kind"].isin(OWN_UNIT_KINDS))
    spread = numeric.assign(own_unit=own_unit).groupby(["indicator_id", "indicator"]).agg(
        regions=("region", "nunique"), plans=("plan_id", "nunique"), targets=("target_id", "count"),
        unit=("own_unit", "first"), any_unit=("unit", "first"),
    ).reset_index()
    spread["unit"] = spread["unit"].fillna(spread.pop("any_unit"))
    spread = spread[(spread["regions"] > 1) | (spread["plans"] > 1)]
    return spread.sort_values(["regions", "plans", "targets"], ascending=False).reset_index(drop=True)


def comparison(snap: Snapshot, indicator_id: str, *, as_of: int | None = None,
               thresholds: Thresholds | None = None, lang: str = "zh") -> tuple[pd.DataFrame, pd.DataFrame]:
    """One indicator across regions and plans: (series for the chart, ranking table).

    The series frame has one row per series (a region: its values are one series whichever plans target them, so
    a 十三五 and a 十四五 plan share its line) and year with the actual value, then one row per target of that region
    at its target year with the resolved target — for a relative target the other region's value in that year —,
    a floor-and-stretch target's 力争 value and the plan's short name in ``plan_name``. The ranking has one row per
    target, with ``plan_name``, the ``series`` label (region · plan) and ``rank``: 1 for the highest target
    completion (none where it cannot be computed yet).
    """
    targets = snap.targets
    chosen = targets[(targets["indicator_id"] == indicator_id) & (targets["kind"] != "qualitative")]
    table = verdicts_for(chosen.reset_index(drop=True), snap.actuals, snap.statuses, stated=snap.stated,
                         as_of=as_of, thresholds=thresholds or snap.thresholds, lang=lang)
    table["plan_name"] = table["plan_id"].map(snap.plans["short_name"])
    table["series"] = table["region"] + " · " + table["plan_name"]
    actuals = snap.actuals
    actuals = actuals[actuals["indicator"].isin(chosen["indicator"])]
    if as_of is not None:
        actuals = actuals[actuals["year"] <= as_of]
    # A region's line comes where its first target is in plan order; its targets follow in target-year order.
    position = table.groupby("region", sort=False).ngroup()
    order = pd.DataFrame({"series": table["region"], "region": table["region"], "indicator": table["indicator"],
                          "position": position}).drop_duplicates(["region", "indicator"])
    values = order.merge(actuals[["region", "indicator", "year", "value"]], on=["region", "indicator"])
    values = values.drop_duplicates(["series", "year"]).rename(columns={"value": "actual"})
    goals = pd.DataFrame({"series": table["region"], "year": table["target_year"], "position": position,
                          "target": table["target_value_used"], "plan_name": table["plan_name"],
                          "stretch": table["stretch_value"].where(table["kind"] == "floor_stretch")})
    # Each series: its values year by year, then its targets (the order the chart draws them in).
    series = pd.concat([values.assign(target=None, stretch=None, plan_name=None, last=0),
                        goals.assign(actual=None, last=1)], ignore_index=True)
    series = series.sort_values(["position", "last", "year"], kind="stable")
    series = series[["series", "year", "actual", "target", "stretch", "plan_name"]].astype({"year": int})
    series = series.reset_index(drop=True)
    ranking = table.sort_values("target_completion", ascending=False, na_position="last").reset_index(drop=True)
    ranking["rank"] = ranking["target_completion"].rank(method="min", ascending=False)
    return series, ranking


# The comparison chart draws at most this many series (a line and a star each); beyond it, the best and the worst
# by completion: 3,000 counties' lines would be one grey mass and take the browser minutes.
COMPARISON_SERIES_LIMIT = 12


def chart_series(series: pd.DataFrame, ranking: pd.DataFrame,
                 limit: int = COMPARISON_SERIES_LIMIT) -> tuple[pd.DataFrame, bool]:
    """The rows of the series to draw and whether some were left out: all of them up to limit, else the half
    ranked highest and the half ranked lowest (a region's line is drawn when any of its targets ranks there)."""
    names = pd.unique(series["series"])
    if len(names) <= limit:
        return series, False
    judged = pd.unique(ranking.loc[ranking["rank"].notna(), "region"])
    keep = set(judged[:limit // 2]) | set(judged[max(0, len(judged) - (limit - limit // 2)):])
    return series[series["series"].isin(keep)].reset_index(drop=True), True


def document_label(seed_file: str) -> str:
    """Where a quote's document is: seeds/… for a seed document, the stored file's name for a plan staff added."""
    return f"seeds/{seed_file}" if (SEEDS_DIR / seed_file).is_file() else seed_file


def quote_in_context(seed_file: str, offset: int, quote: str, width: int = 120, *,
                     text: str | None = None) -> tuple[str, str, str]:
    """(text before, the quote, text after) around a quote in its document, whitespace folded.

    The document is text when given, else the seed file of seeds/, else the stored document of a plan staff
    added (tracker.intake.stored); without either the quote stands alone."""
    from tracker.intake import stored

    if text is None:
        path = SEEDS_DIR / seed_file
        text = path.read_text(encoding="utf-8") if path.is_file() else stored.document_text(seed_file)
    if text is None:
        return "", " ".join(quote.split()), ""
    before = text[max(0, offset - width):offset]
    after = text[offset + len(quote):offset + len(quote) + width]
    fold = " ".join
    return fold(before.split()), fold(quote.split()), fold(after.split())


def structure_outline(structure: pd.DataFrame) -> list[tuple[int, str]]:
    """(depth, title) in document order, for an indented outline of the plan's structure."""
    parents = dict(zip(structure["item_id"], structure["parent_item_id"], strict=True))

    def depth(item: str) -> int:
        level = 0
        while isinstance(parents.get(item), str) and parents[item] in parents and level < 10:
            item, level = parents[item], level + 1
        return level

    return [(depth(r.item_id), r.title) for r in structure.itertuples()]


def decomposition(targets: pd.DataFrame) -> list[tuple[pd.Series, pd.DataFrame]]:
    """Each parent target with its children, in document order."""
    children = targets[targets["parent_target_id"].notna()]
    by_id = targets.set_index("target_id")
    return [(by_id.loc[parent], group) for parent, group in children.groupby("parent_target_id", sort=False)]


def all_years(snap: Snapshot) -> list[int]:
    """Every year from the first actual value to the last target year, for pickers spanning plans."""
    years = pd.concat([snap.actuals["year"], snap.targets["target_year"]]).dropna()
    return [] if years.empty else list(range(int(years.min()), int(years.max()) + 1))


def verdict_moves(before: pd.DataFrame, after: pd.DataFrame) -> pd.DataFrame:
    """The targets whose schedule or trend verdict a write changed: number, indicator, region and both labels, in
    the plan's order (the confirmation of a save shows them)."""
    columns = ["target_id", "schedule_status", "schedule_label", "trend_status", "trend_label"]
    merged = after[["target_id", "number", "indicator", "region", *columns[1:]]].merge(
        before[columns], on="target_id", how="left", suffixes=("", "_before"))
    moved = (merged["schedule_status"] != merged["schedule_status_before"]) | (
        merged["trend_status"] != merged["trend_status_before"])
    return merged[moved].reset_index(drop=True)
