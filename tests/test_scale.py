"""Views that stay readable at a province's size: the heatmap's most-behind rows, the groups, the comparison's
bounded chart, the ZIP's bounded charts."""

import pandas as pd

from tests.conftest import ENTERED, add_entered_actuals
from tracker.methodology.verdicts import BEHIND_STATUSES, SEVERITY_ORDER
from tracker.views import service
from tracker.views.read_model import Snapshot

PLAN = "cq_sti_13fyp"


def judged(store):
    add_entered_actuals(store)
    snap = Snapshot.read(store)
    return snap, service.judged(snap, plan_id=PLAN)


def test_most_behind_puts_the_worst_verdict_and_lowest_ratio_first(store):
    _, table = judged(store)
    ordered = service.most_behind(table)
    rank = ordered["schedule_status"].map(SEVERITY_ORDER.index)
    assert rank.is_monotonic_increasing
    for _, same in ordered.groupby("schedule_status"):
        ratios = same["schedule_ratio"].dropna()
        assert ratios.is_monotonic_increasing
    assert list(service.most_behind(table, 3)["target_id"]) == list(ordered["target_id"][:3])


def test_a_heatmap_beyond_its_limit_draws_the_targets_most_behind(store):
    snap, table = judged(store)
    rows, total = service.heatmap(snap, plan_id=PLAN, table=table, as_of=None, limit=3)
    with_data = table[table["latest_value"].notna()]
    assert total == len(with_data) > 3
    assert list(pd.unique(rows["target_id"])) == list(service.most_behind(with_data, 3)["target_id"])
    everything, _ = service.heatmap(snap, plan_id=PLAN, table=table, as_of=None)
    assert list(pd.unique(everything["target_id"])) == list(with_data["target_id"])   # the plan's order


def test_the_heatmap_of_the_latest_data_stops_at_the_latest_year_with_data(store):
    """Chongqing's 十三五 plan runs to 2020; with values up to 2019 the overview evaluates 2019, and its heatmap has
    no 2020 column coloured with a verdict nobody has reported for."""
    add_entered_actuals(store, [row for row in ENTERED if row[2] <= 2019]
                        + [("重庆市", "高新技术企业", 2019, 3300, "年报")])
    snap = Snapshot.read(store)
    table = service.judged(snap, plan_id=PLAN)
    rows, _ = service.heatmap(snap, plan_id=PLAN, table=table, as_of=None)
    assert snap.latest_year == 2019 and rows["year"].max() == 2019
    chosen, _ = service.heatmap(snap, plan_id=PLAN, table=table, as_of=2020)
    assert chosen["year"].max() == 2020                  # a year chosen on the page is drawn as chosen


def test_groups_count_every_target_and_put_the_most_behind_first(store):
    _, table = judged(store)
    groups = service.by_group(table, "region")
    assert groups["total"].sum() == len(table)
    assert groups["behind_share"].is_monotonic_decreasing
    behind = table[table["schedule_status"].isin(BEHIND_STATUSES)].groupby("region").size()
    assert groups.set_index("region")["behind"].reindex(behind.index).tolist() == behind.tolist()


def test_the_comparison_chart_keeps_the_best_and_the_worst_beyond_its_limit():
    names = [f"区{i}" for i in range(6)]
    ranking = pd.DataFrame({"series": names, "region": names, "rank": [1, 2, 3, 4, 5, None]})
    series = pd.DataFrame({"series": names * 2, "year": [2020] * 6 + [2025] * 6, "actual": 1.0})
    drawn, partial = service.chart_series(series, ranking, limit=4)
    assert partial and set(drawn["series"]) == {"区0", "区1", "区3", "区4"}   # unranked 区5 is left out
    assert service.chart_series(series, ranking, limit=6) == (series, False)


def test_the_comparison_draws_each_series_in_year_order_then_its_target(store):
    add_entered_actuals(store)
    series, ranking = service.comparison(Snapshot.read(store), "rd_intensity", as_of=2018)
    assert set(series["series"]) == set(ranking["region"])     # one line per region
    for _, part in series.groupby("series", sort=False):
        values = part[part["actual"].notna()]
        assert values["year"].is_monotonic_increasing
        assert part["actual"].isna().iloc[-1]   # the target row comes last


def test_an_indicator_is_compared_once_in_its_own_unit(store):
    """A coverage or growth target states % of its own: the indicator is still one entry, in its unit."""
    snap = Snapshot.read(store)
    targets = snap.targets.copy()
    row = targets[targets["indicator_id"] == "rd_intensity"].iloc[0].copy()
    extra = []
    for n, region in enumerate(("威海市", "重庆市")):   # in two regions: comparable on its own
        growth = row.copy()
        growth[["target_id", "kind", "unit", "region"]] = [f"extra-growth-{n}", "growth", "%/年", region]
        extra.append(growth.to_frame().T)
    snap = Snapshot(version=snap.version, plans=snap.plans, targets=pd.concat([targets, *extra]),
                    actuals=snap.actuals, stated=snap.stated, statuses=snap.statuses, thresholds=snap.thresholds)
    listed = service.comparable_indicators(snap)
    assert listed["indicator_id"].is_unique
    assert listed.set_index("indicator_id").loc["rd_intensity", "unit"] == "%"
