"""牵头单位 and 责任单位: read from X区's tasks, set by admins (kept over a rebuild, with history), the filter by unit and
the 责任单位 view with its 三色预警."""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import ADMIN, CLERK

from etl.build import run_build
from tracker import commands
from tracker.access.auth import PermissionDenied
from tracker.config import SEEDS_DIR
from tracker.intake.units import read_blocks, units_of_offsets
from tracker.methodology.verdicts import warning_light
from tracker.views import service
from tracker.views import units as unit_views
from tracker.views.read_model import Snapshot

TASKS = ("二、主要任务\n1.建设创新平台。\n到2025年建成平台20个。\n(牵头单位:\n区科技局;责任单位:\n区财政局、区经济信息委)\n"
         "2.培育企业。\n新增高新技术企业50家。\n（牵头单位：区经济信息委）\n3.其他。\n无单位的目标10个。\n")


def test_each_task_gives_its_units_to_the_targets_stated_in_it():
    blocks = read_blocks(TASKS)
    assert [(b.task_title, b.lead, b.responsible) for b in blocks] == [
        ("1.建设创新平台", ("区科技局",), ("区财政局", "区经济信息委")),
        ("2.培育企业", ("区经济信息委",), ()),
    ]
    assert all(TASKS[b.start:b.end] == b.quote for b in blocks)      # the quote is the text's own parenthesis
    offsets = {name: TASKS.index(quote) for name, quote in
               (("platforms", "建成平台"), ("firms", "新增高新"), ("none", "无单位"), ("heading", "二、主要任务"))}
    rows = pd.DataFrame(units_of_offsets(TASKS, offsets))
    assert rows.groupby("target_id")["unit_name"].agg("、".join).to_dict() == {
        "platforms": "区科技局、区财政局、区经济信息委", "firms": "区经济信息委"}


def test_x_district_names_units_for_each_base_target(store):
    units = store.responsible_units()
    assert units["target_id"].nunique() == 15 and len(units) == 93 and units["unit_name"].nunique() == 14
    auto = units[units["target_id"] == "xq-teams-auto-2022"]
    assert auto.loc[auto["role"] == "lead", "unit_name"].tolist() == ["区汽车产业发展中心", "区科协"]
    assert "区招商投资局" in auto.loc[auto["role"] == "responsible", "unit_name"].tolist()
    seed = (SEEDS_DIR / "004_e3622a0b5ed1d8e0.txt").read_text(encoding="utf-8")
    assert auto["quote"].iloc[0] in seed and auto["quote"].iloc[0].startswith("(牵头单位:")
    # The district's own totals (二、工作目标) name no unit.
    assert "xq-teams-2022" not in set(units["target_id"])


def test_an_admin_sets_units_the_setting_wins_survives_a_rebuild_and_is_kept(fresh_store):
    commands.set_responsible_units(fresh_store, ADMIN, "xq-teams-2022", lead=["区科技局"],
                                   responsible=["区教委、区人力社保局"], reason="按分工方案补充")
    commands.set_responsible_units(fresh_store, ADMIN, "xq-teams-auto-2022", lead=[], responsible=[],
                                   reason="移交")
    run_build(fresh_store)
    units = fresh_store.responsible_units()
    teams = units[units["target_id"] == "xq-teams-2022"]
    assert teams[["role", "unit_name", "source"]].values.tolist() == [
        ["lead", "区科技局", "set"], ["responsible", "区教委", "set"], ["responsible", "区人力社保局", "set"]]
    assert "xq-teams-auto-2022" not in set(units["target_id"])          # cleared, and still cleared after the build
    assert len(fresh_store.unit_settings("xq-teams-auto-2022")) == 1
    audit = fresh_store.query_df("SELECT * FROM audit_log WHERE action = 'set_units'")
    assert len(audit) == 2 and "区教委、区人力社保局" in audit["detail"].iloc[0]


def test_only_admins_set_units_and_a_reason_is_needed(fresh_store):
    with pytest.raises(PermissionDenied):
        commands.set_responsible_units(fresh_store, CLERK, "xq-teams-2022", lead=["区科技局"], responsible=[],
                                       reason="x")
    with pytest.raises(ValueError, match="原因"):
        commands.set_responsible_units(fresh_store, ADMIN, "xq-teams-2022", lead=["区科技局"], responsible=[],
                                       reason=" ")
    with pytest.raises(ValueError, match="没有目标"):
        commands.set_responsible_units(fresh_store, ADMIN, "no-such", lead=["区科技局"], responsible=[], reason="x")
    assert fresh_store.unit_settings("xq-teams-2022").empty


@pytest.mark.parametrize(("code", "light"), [
    ("achieved", "green"), ("completed", "green"), ("on_track", "green"), ("lagging", "yellow"),
    ("severely_lagging", "red"), ("regressing", "red"), ("not_completed", "red"), ("no_data", "none"),
    ("pending_evaluation", "none"), ("qualitative", "none"),
])
def test_three_colour_warning(code, light):
    assert warning_light(code) == light


def test_the_unit_view_counts_each_units_targets_by_light_worst_first(store):
    table = service.judged(Snapshot.read(store), plan_id="xq_collab_2022", as_of=2022)
    units = store.responsible_units()
    table = table.assign(schedule_status=table["target_id"].map(
        {"xq-teams-auto-2022": "severely_lagging", "xq-teams-pharma-2022": "lagging"}).fillna("achieved"))
    summary = unit_views.unit_summary(table, units).set_index("unit_name")
    assert summary.loc["区汽车产业发展中心", ["total", "red", "yellow", "green"]].tolist() == [4, 1, 0, 3]
    assert summary.loc["区科技局", "total"] == 15 and summary.loc["区科技局", "lead"] == 0
    assert summary.index[0] in {"区汽车产业发展中心", "区科协", "区科技局", "区经济信息委", "区招商投资局"}
    assert summary["red"].is_monotonic_decreasing
    rows = unit_views.unit_targets(table, units, "区科协")
    assert rows["target_id"].iloc[0] == "xq-teams-auto-2022" and rows["light"].iloc[0] == "red"
    assert set(rows["unit_role"]) == {"lead", "responsible"}
    filtered = unit_views.filter_by_units(table, units, ["区农业农村委"])
    assert set(filtered["target_id"]) == {"xq-teams-agri-2022", "xq-projects-agri-2022",
                                          "xq-platforms-municipal-agri-2022"}
    assert unit_views.filter_by_units(table, units, []) is table
    shown = unit_views.with_units(filtered, units)
    assert shown["lead_units"].eq("区农业农村委").all()


def test_the_unit_page_and_the_overview_filter(progress_db_path, monkeypatch):
    from test_app import _app, open_page

    at = open_page(_app(progress_db_path, monkeypatch), "units", plan="xq_collab_2022")
    assert not at.exception
    summary = at.dataframe[0].value
    assert len(summary) == 14 and summary["目标数"].max() == 15
    at.selectbox(key="units_unit").set_value("区农业农村委").run()
    assert len(at.dataframe[1].value) == 3
    at = open_page(_app(progress_db_path, monkeypatch), "overview")
    at.selectbox(key="overview_plan").set_value("xq_collab_2022").run()
    at.multiselect(key="overview_units").set_value(["区农业农村委"]).run()
    assert not at.exception
    assert any(len(df.value) == 3 for df in at.dataframe)
    # A plan that names no unit has no such filter.
    at = open_page(_app(progress_db_path, monkeypatch), "overview")
    assert not [w for w in at.multiselect if w.key == "overview_units"]


def test_every_dashboard_page_filters_by_responsible_unit(progress_db_path, monkeypatch):
    from test_app import _app, open_page

    at = open_page(_app(progress_db_path, monkeypatch), "evaluation", plan="xq_collab_2022")
    at.multiselect(key="evaluation_units").set_value(["区农业农村委"]).run()
    assert not at.exception
    assert len(at.dataframe[0].value) == 3
    assert "区农业农村委" in at.subheader[0].value                 # the exported table says whose it is
    # the choice goes with the clerk to the next page
    at.switch_page("screens/sources.py").run()
    assert not at.exception and at.multiselect(key="sources_units").value == ["区农业农村委"]
    assert any(len(df.value) == 3 for df in at.dataframe)
    at.switch_page("screens/indicator.py").run()
    assert not at.exception
    picker = next(s for s in at.selectbox if s.key and s.key.startswith("indicator_target"))
    assert len(picker.options) == 3


def test_a_plan_staff_add_gets_the_units_its_text_names(fresh_store):
    """The review of a new plan reads 牵头单位/责任单位 from its document as the ETL reads X区's."""
    from test_new_plan import META, table_of

    from tracker.intake import read_pasted

    text = ("X市科技创新规划\n一、主要任务\n(一)加大研发投入\n到2025年,全市研究与试验发展经费投入强度达到2.8%以上。"
            "(牵头单位:市科技局;责任单位:市财政局、市统计局)\n(二)培育新型研发机构\n新型研发机构达到120家。\n")
    plan = commands.create_plan(fresh_store, CLERK, META, table_of(fresh_store, text), read_pasted(text))
    units = fresh_store.responsible_units()
    targets = fresh_store.targets(plan.plan_id).set_index("indicator")
    rd = units[units["target_id"] == targets.loc["研究与试验发展经费投入强度", "target_id"]]
    assert list(rd.sort_values(["role", "seq"])[["role", "unit_name"]].itertuples(index=False, name=None)) == [
        ("lead", "市科技局"), ("responsible", "市财政局"), ("responsible", "市统计局")]
    assert set(rd["source"]) == {"text"} and rd["quote"].iloc[0] in text
    others = set(units["target_id"]) & set(targets["target_id"]) - set(rd["target_id"])
    assert others == set()                     # the second task names no units: its target has none
    run_build(fresh_store)                     # a rebuild from seeds/ keeps them
    assert len(fresh_store.responsible_units().merge(rd[["target_id"]].drop_duplicates())) == 3
