"""The read model: one consistent read per data version, shared by every view."""

from tests.conftest import add_entered_actuals
from tracker.reports import evaluation as report
from tracker.views import service
from tracker.views.read_model import Snapshot


def test_targets_are_numbered_in_plan_order_once(store):
    snap = Snapshot.read(store)
    for plan_id, group in snap.targets.groupby("plan_id"):
        assert list(group["number"]) == list(range(1, len(group) + 1)), plan_id
    table = report.evaluation_table(service.verdicts(snap, plan_id="xq_collab_2022", region="X区"))
    numbers = snap.plan_targets("xq_collab_2022").set_index("target_id")["number"]
    assert list(table["序号"]) == [numbers[t] for t in service.verdicts(snap, plan_id="xq_collab_2022",
                                                                        region="X区")["target_id"]]


def test_a_snapshot_is_one_state_of_the_data(store):
    before = Snapshot.read(store)
    add_entered_actuals(store, [("重庆市", "研究与试验发展经费投入强度", 2018, 2.01, "年报")], batch_id="later")
    after = Snapshot.read(store)
    assert after.version != before.version
    rd = "cq13-table2-02"
    old = service.verdicts(before, plan_id="cq_sti_13fyp").set_index("target_id").loc[rd]
    new = service.verdicts(after, plan_id="cq_sti_13fyp").set_index("target_id").loc[rd]
    assert (old["latest_year"], new["latest_year"]) == (2015, 2018)
    assert service.plan_years(after, "cq_sti_13fyp")[-1] == 2020


def test_the_read_models_current_values_are_the_views(store):
    """The aggregate the read model reads equals the actuals_current view after revisions, a withdrawal, a revert and
    a person's value over a stated one."""
    from tests.conftest import ENTRY_CLERK
    from tracker import commands
    from tracker.db.store import CURRENT_STATED_SQL, current_values_sql

    add_entered_actuals(store)
    revised = add_entered_actuals(store, [("重庆市", "高新技术企业", 2017, 2100, "年报"),
                                          ("重庆市", "技术合同成交额", 2015, 300.0, "年报")], batch_id="revised")
    add_entered_actuals(store, [("重庆市", "研究与试验发展经费投入强度", 2017, None, "年报")], batch_id="withdrawn")
    commands.revert_batch(store, ENTRY_CLERK, revised, reason="录错")
    add_entered_actuals(store, [("重庆市", "高新技术企业", 2015, 1100, "年报")], batch_id="over-stated")
    keys = ["region", "indicator", "year"]

    def rows(sql):
        return store.query_df(sql).sort_values(keys).reset_index(drop=True)

    view = rows("SELECT region, indicator, year, value, source_plan_id, source FROM actuals_current")
    assert (view["indicator"] + view["year"].astype(str)).str.contains("研究与试验发展经费投入强度2017").sum() == 0
    assert view.set_index(keys).loc[("重庆市", "高新技术企业", 2015), "value"] == 1100
    assert view.set_index(keys).loc[("重庆市", "技术合同成交额", 2015), "value"] != 300.0   # reverted
    assert rows(current_values_sql(postgres=store.url is not None)).equals(view[[*keys, "value"]])
    stated = view[view["source_plan_id"].notna()][[*keys, "source_plan_id", "source"]].reset_index(drop=True)
    assert rows(CURRENT_STATED_SQL).equals(stated)
    assert ("重庆市", "高新技术企业", 2015) not in set(map(tuple, stated[keys].to_numpy()))


def test_the_verdict_table_in_slices_is_the_whole_table(store):
    add_entered_actuals(store)
    snap = Snapshot.read(store)
    whole = service.verdicts(snap, plan_id="cq_sti_13fyp", lang="en")
    sliced = list(service.verdicts_in_chunks(snap, plan_id="cq_sti_13fyp", lang="en", size=7))
    assert len(sliced) == -(-len(whole) // 7)
    assert service.pd.concat(sliced, ignore_index=True).equals(whole)


def test_a_plans_targets_are_a_slice_of_the_snapshot(store):
    snap = Snapshot.read(store)
    for plan_id in snap.plans.index:
        assert snap.plan_targets(plan_id).equals(
            snap.targets[snap.targets["plan_id"] == plan_id].reset_index(drop=True))
