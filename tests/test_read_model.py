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
