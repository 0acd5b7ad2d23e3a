"""A reporting round (填报任务): values due per unit for a plan and a year, received and missing, and the per-unit
pre-filled workbooks that upload back without error."""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pandas as pd
import pytest
from conftest import add_entered_actuals

from tracker.actuals.excel import LONG_SHEET, TemplateSpec
from tracker.actuals.upload import check_upload
from tracker.views import reporting

PLAN = "xq_collab_2022"


def due_for(store, plan_id: str, year: int) -> pd.DataFrame:
    return reporting.values_due(store.targets(plan_id), store.indicators(), store.responsible_units(),
                                store.current_values(), year)


@pytest.fixture
def store(fresh_store):
    return fresh_store


def test_the_round_lists_every_series_due_with_its_units(store):
    due = due_for(store, PLAN, 2022)
    targets = store.targets(PLAN)
    quantitative = targets[targets["kind"] != "qualitative"]
    assert len(due) == len(quantitative.drop_duplicates(["region", "indicator"]))
    assert not due["received"].any()
    units = reporting.by_unit(due)
    assert units["due"].sum() >= len(due)              # a value asked of two units counts for each
    assert (units["missing"] == units["due"]).all()
    assert "区科技局" in set(units["unit_name"])


def test_a_value_entered_counts_as_received_from_whom(store):
    due = due_for(store, PLAN, 2022)
    first = due.iloc[0]
    add_entered_actuals(store, rows=[(first["region"], first["indicator"], 2022, 12, "年报")], batch_id="round")
    after = due_for(store, PLAN, 2022)
    row = after[(after["region"] == first["region"]) & (after["indicator"] == first["indicator"])].iloc[0]
    assert bool(row["received"]) and row["entered_by"] == "clerk" and row["value"] == 12
    assert int(after["received"].sum()) == 1
    assert list(after["received"])[-1]                 # the missing ones first
    # a year outside the plan's period has nothing due
    assert due_for(store, "cq_sti_13fyp", 2030).empty


def test_a_submitted_value_is_received_pending_until_reviewed_and_missing_again_when_returned(store):
    from conftest import ADMIN, CLERK

    from tracker import commands

    first = due_for(store, PLAN, 2022).iloc[0]
    row = pd.DataFrame([{"region": first["region"], "indicator": first["indicator"], "year": 2022, "value": 7.0}])
    commands.commit_actuals(store, CLERK, row, kind="entry")
    due = due_for(store, PLAN, 2022)
    assert int(due["received"].sum()) == 1 and due["review_status"].tolist().count("pending") == 1
    commands.return_values(store, ADMIN, store.pending_revisions()["actual_id"].tolist(),
                           reason="口径不对,请按年报数重报")
    assert not due_for(store, PLAN, 2022)["received"].any()      # the unit sends it again


def test_each_base_is_asked_for_its_own_values_beside_the_departments(store):
    import io

    import openpyxl

    from tracker.actuals.excel import TemplateSpec

    bases = ["X区汽车产业基地", "X区医药健康产业基地", "X区信息安全产业基地", "X区农业优势特色产业基地"]
    due = reporting.values_due(store.targets(PLAN), store.indicators(), store.responsible_units(),
                               store.current_values(), 2022, sub_units=bases)
    units = reporting.by_unit(due).set_index("unit_name")
    assert units.loc["X区汽车产业基地", "due"] == 4 and units.loc["X区农业优势特色产业基地", "due"] == 3
    sheet = openpyxl.load_workbook(io.BytesIO(reporting.unit_workbook(
        TemplateSpec.from_store(store, PLAN, 2022), due, "X区汽车产业基地"))).worksheets[0]
    regions = {row[0] for row in sheet.iter_rows(values_only=True) if row and row[0] in bases}
    assert regions == {"X区汽车产业基地"}


def test_the_planning_office_collects_the_series_of_plans_naming_no_unit(store):
    due = due_for(store, "cq_sti_13fyp", 2018)
    units = reporting.by_unit(due)
    assert list(units["unit_name"]) == [reporting.NO_UNIT]
    assert units["due"].iloc[0] == len(due) > 20


def test_each_unit_gets_its_own_prefilled_workbook_and_it_uploads_back(store):
    due = due_for(store, PLAN, 2022)
    spec = TemplateSpec.from_store(store, PLAN, 2022)
    unit = reporting.by_unit(due)["unit_name"].iloc[0]
    own = reporting.due_from(due, unit)
    book = openpyxl.load_workbook(io.BytesIO(reporting.unit_workbook(spec, due, unit)))
    sheet = book[LONG_SHEET]
    rows = [r for r in sheet.iter_rows(min_row=2, values_only=True) if r[0]]
    assert {(r[0], r[1]) for r in rows} == set(zip(own["region"], own["indicator"], strict=True))
    assert all(r[2] == 2022 for r in rows)
    assert unit in book["填写说明"]["A1"].value
    for n, row in enumerate(sheet.iter_rows(min_row=2, max_row=1 + len(rows)), start=1):
        row[3].value = n * 10                          # the unit fills in its values
    filled = io.BytesIO()
    book.save(filled)
    check = check_upload(store, f"{unit}.xlsx", filled.getvalue())
    assert not check.has_errors, check.problems
    assert len(check.validation.changes) == len(rows)

    archive = zipfile.ZipFile(io.BytesIO(reporting.round_zip(spec, due)))
    assert len(archive.namelist()) == len(reporting.by_unit(due))


def test_the_page_shows_the_progress_and_offers_each_unit_its_workbook(monkeypatch, tmp_path):
    """AppTest of 填报任务 on X区's plan: 收到 0/n before, 1/n after a value arrives; both languages."""
    import streamlit as st
    from conftest import seeded_file
    from test_entry_pages import page

    from tracker.db.store import Store

    path = seeded_file(tmp_path / "tracker.duckdb")
    monkeypatch.setenv("TRACKER_DB", str(path))
    st.cache_resource.clear()
    store = Store.open(path)
    try:
        due = due_for(store, PLAN, 2022)
        at = page("reporting")
        at.query_params["plan"] = PLAN
        at.run()
        assert not at.exception, at.exception
        at.selectbox(key="reporting_plan").set_value(PLAN).run()
        at.selectbox(key=f"reporting_year_{PLAN}").set_value(2022).run()
        assert at.metric[0].value == f"0/{len(due)}"
        assert any(b.key == "reporting_download_unit" for b in at.get("download_button"))
        add_entered_actuals(store, rows=[(due["region"].iloc[0], due["indicator"].iloc[0], 2022, 12, "年报")],
                            batch_id="round")
        at.run()
        assert at.metric[0].value == f"1/{len(due)}"
        at.session_state["lang"] = "en"
        at.run()
        assert not at.exception and at.title[0].value == "Reporting round"
    finally:
        store.close()
        st.cache_resource.clear()
