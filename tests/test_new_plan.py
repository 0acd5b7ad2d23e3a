"""A plan staff bring in themselves: the review check, the commit, corrections, retirement, and that a rebuild from
seeds/ keeps all of it."""

from __future__ import annotations

from io import BytesIO

import pandas as pd
import pytest
from conftest import CLERK, VIEWER
from openpyxl import Workbook

from etl.build import run_build
from tracker import commands
from tracker.access.auth import PermissionDenied
from tracker.config import SEEDS_DIR
from tracker.intake import propose_targets, read_pasted, review
from tracker.intake.indicator_table import parse_value, read_indicator_table, template_bytes
from tracker.views import service
from tracker.views.read_model import Snapshot

TEXT = ("X市科技创新规划\n一、主要目标\n到2025年,全市研究与试验发展经费投入强度达到2.8%以上,"
        "新型研发机构达到120家,科技服务业营收年均增长10%以上。2020年,全市新型研发机构80家。\n")
META = review.PlanMeta(title="X市科技创新规划", short_name="X市规划", region="重庆市", start_year=2021,
                       target_year=2025, base_year=2020)


def table_of(store, text: str = TEXT) -> pd.DataFrame:
    names = review.Names.from_store(store)
    found = propose_targets(text, plan_start=2021, plan_end=2025, indicators=names.for_extraction())
    table = review.review_table(found, names, "重庆市")
    table["accept"] = True
    table.loc[table["indicator"].str.contains("营收"), "indicator_unit"] = "亿元"
    return table


def test_the_proposals_become_a_table_a_clerk_can_check(fresh_store):
    table = table_of(fresh_store)
    assert {"target", "baseline"} <= set(table["role"])
    rd = table[table["indicator"] == "研究与试验发展经费投入强度"].iloc[0]
    assert rd["match"] == "existing" and rd["value"] == 2.8 and rd["target_year"] == 2025
    problems = review.check_review(META, table, TEXT, review.Names.from_store(fresh_store))
    assert not review.has_errors(problems), [p.message() for p in problems]


@pytest.mark.parametrize(("column", "value", "code"), [
    ("quote", "并不在原文里的一句话", "plan_quote_not_in_text"),
    ("value", None, "plan_value_missing"),
    ("target_year", 2030, "plan_year_outside"),
    ("kind", "wish", "plan_choice_unknown"),
    ("unit", "亿元", "plan_unit_differs"),
])
def test_a_wrong_cell_is_named_by_row_and_field_and_nothing_is_written(fresh_store, column, value, code):
    table = table_of(fresh_store)
    first = table.index[(table["role"] == "target") & (table["indicator"] == "研究与试验发展经费投入强度")][0]
    table[column] = table[column].astype(object)
    table.at[first, column] = value
    before = len(fresh_store.plans())
    with pytest.raises(review.ReviewRejected) as caught:
        commands.create_plan(fresh_store, CLERK, META, table, read_pasted(TEXT))
    problem = next(p for p in caught.value.problems if p.code == code)
    assert problem.row == first + 1
    assert f"第{first + 1}行" in problem.message("zh") and f"Row {first + 1}" in problem.message("en")
    assert len(fresh_store.plans()) == before


def test_a_new_indicator_needs_its_unit(fresh_store):
    table = table_of(fresh_store)
    table["indicator_unit"] = table["indicator_unit"].astype(object)
    table.loc[table["indicator"].str.contains("营收"), "indicator_unit"] = None
    problems = review.check_review(META, table, TEXT, review.Names.from_store(fresh_store))
    assert any(p.code == "plan_new_indicator_unit" and p.severity == "error" for p in problems)


def test_commit_writes_the_whole_plan_audited_and_a_rebuild_keeps_it(fresh_store):
    version = fresh_store.data_version()
    done = commands.create_plan(fresh_store, CLERK, META, table_of(fresh_store), read_pasted(TEXT))
    assert fresh_store.data_version() != version
    targets = fresh_store.targets(done.plan_id)
    assert len(targets) == done.counts["targets"] >= 3
    assert set(targets["reviewed_by"]) == {CLERK.username} and set(targets["origin"]) == {"reviewed"}
    text = fresh_store.document_text(targets["seed_file"].iloc[0])
    assert text == TEXT
    assert all(text[o:o + len(q)] == q for o, q in zip(targets["quote_offset"], targets["quote"], strict=True))
    stated = fresh_store.seed_actuals(done.plan_id)
    assert (stated["value"] == 80).any()
    new = fresh_store.query_df("SELECT * FROM indicators WHERE origin = 'reviewed'")
    assert "亿元" in set(new["unit"])
    assert fresh_store.audit_log().iloc[0]["action"] == "plan_add"

    run_build(fresh_store)           # python -m etl again

    assert len(fresh_store.targets(done.plan_id)) == len(targets)
    assert fresh_store.document_text(targets["seed_file"].iloc[0]) == TEXT
    assert len(fresh_store.query_df("SELECT * FROM indicators WHERE origin = 'reviewed'")) == len(new)
    assert (fresh_store.seed_actuals(done.plan_id)["value"] == 80).any()
    judged = service.verdicts(Snapshot.read(fresh_store), plan_id=done.plan_id)
    assert len(judged) == len(targets) and judged["schedule_status"].notna().all()
    # its quotes are shown in its own stored text, not looked up in seeds/
    row = targets.iloc[0]
    before, quote, _ = service.quote_in_context(row["seed_file"], int(row["quote_offset"]), row["quote"], text=text)
    assert quote == " ".join(row["quote"].split()) and "主要目标" in before


def test_the_same_document_twice_is_refused(fresh_store):
    commands.create_plan(fresh_store, CLERK, META, table_of(fresh_store), read_pasted(TEXT))
    with pytest.raises(review.ReviewRejected) as caught:
        commands.create_plan(fresh_store, CLERK, META, table_of(fresh_store), read_pasted(TEXT))
    assert caught.value.problems[0].code == "plan_same_document"


def test_a_seed_document_again_is_a_warning_only(fresh_store):
    text = (SEEDS_DIR / "001_50d1ef540ed6ad96.txt").read_text(encoding="utf-8")
    names = review.Names.from_store(fresh_store)
    problems = review.check_review(META, pd.DataFrame(columns=review.COLUMNS), text, names,
                                   same_document=fresh_store.plans_with_text(review.text_sha256(text)))
    assert any(p.code == "plan_same_as_seed" and p.severity == "warning" for p in problems)


def test_correction_archives_the_old_row_and_retiring_keeps_history(fresh_store):
    done = commands.create_plan(fresh_store, CLERK, META, table_of(fresh_store), read_pasted(TEXT))
    target = fresh_store.targets(done.plan_id).iloc[0]
    row = review.row_of_target(target) | {"value": 3.0}
    fixed = commands.correct_plan_target(fresh_store, CLERK, done.plan_id, row, reason="印发稿为3.0%",
                                         target_id=target["target_id"])
    assert fixed.revision == 2
    now = fresh_store.targets(done.plan_id).set_index("target_id").loc[target["target_id"]]
    assert now["target_value"] == 3.0 and now["revision"] == 2
    archive = fresh_store.target_archive(done.plan_id)
    assert len(archive) == 1 and '"target_value": 2.8' in archive.iloc[0]["row_json"]
    with pytest.raises(review.ReviewRejected):
        commands.correct_plan_target(fresh_store, CLERK, done.plan_id, row, reason="", target_id=target["target_id"])
    commands.withdraw_plan_target(fresh_store, CLERK, done.plan_id, target["target_id"], reason="重复")
    assert target["target_id"] not in set(fresh_store.targets(done.plan_id)["target_id"])
    assert len(fresh_store.target_archive(done.plan_id)) == 2
    commands.retire_plan(fresh_store, CLERK, done.plan_id, reason="已被新规划替代")
    assert done.plan_id not in set(fresh_store.active_plans()["plan_id"])
    assert done.plan_id in set(fresh_store.plans()["plan_id"])
    assert fresh_store.reviewed_plans().empty and len(fresh_store.reviewed_plans(include_retired=True)) == 1
    with pytest.raises(review.ReviewRejected):
        commands.retire_plan(fresh_store, CLERK, "cq_sti_13fyp", reason="x")


def test_the_plans_own_details_are_corrected_with_a_reason_and_the_history_reads_in_words(fresh_store):
    from dataclasses import replace

    done = commands.create_plan(fresh_store, CLERK, META, table_of(fresh_store), read_pasted(TEXT))
    corrected = replace(META, short_name="X市十四五规划", target_year=2026, issuing_body="X市人民政府")
    fixed = commands.correct_plan_meta(fresh_store, CLERK, done.plan_id, corrected, reason="按印发稿更正")
    assert fixed.revision == 2 and fixed.counts["changed"] == ["short_name", "target_year", "issuing_body"]
    plan = fresh_store.plans().set_index("plan_id").loc[done.plan_id]
    assert (plan["short_name"], plan["target_year"], plan["issuing_body"]) == ("X市十四五规划", 2026, "X市人民政府")
    detail = fresh_store.audit_log(action="plan_correct").iloc[0]["detail"]
    assert "short_name:X市规划 → X市十四五规划" in detail and "target_year:2025 → 2026" in detail
    for wrong, code in ((replace(corrected, region="火星"), "plan_unknown_region"),
                        (replace(corrected, start_year=2030), "plan_period_reversed"),
                        (corrected, "plan_nothing_changed")):
        with pytest.raises(review.ReviewRejected) as refused:
            commands.correct_plan_meta(fresh_store, CLERK, done.plan_id, wrong, reason="再改")
        assert code in {p.code for p in refused.value.problems}
    with pytest.raises(review.ReviewRejected):
        commands.correct_plan_meta(fresh_store, CLERK, done.plan_id, replace(corrected, short_name="Y"), reason="")
    target = fresh_store.targets(done.plan_id).iloc[0]
    commands.withdraw_plan_target(fresh_store, CLERK, done.plan_id, target["target_id"], reason="重复")
    history = review.plan_history(fresh_store.plan_events(done.plan_id), fresh_store.target_archive(done.plan_id))
    assert list(history["what"])[-1] == "新增规划" and "更正规划目标" in set(history["what"])
    old = history[history["what"] == "被替换或撤下的目标"].iloc[0]
    assert target["indicator"] in old["detail"] and "重复" in old["detail"]
    english = review.plan_history(fresh_store.plan_events(done.plan_id), fresh_store.target_archive(done.plan_id),
                                  "en")
    assert "Target replaced or withdrawn" in set(english["what"])


def test_viewers_cannot_add_plans(fresh_store):
    with pytest.raises(PermissionDenied):
        commands.create_plan(fresh_store, VIEWER, META, table_of(fresh_store), read_pasted(TEXT))
    assert fresh_store.reviewed_plans(include_retired=True).empty


def test_a_failure_mid_write_leaves_nothing(fresh_store):
    def crash(cur):  # noqa: ARG001
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        commands.create_plan(fresh_store, CLERK, META, table_of(fresh_store), read_pasted(TEXT), before_commit=crash)
    assert fresh_store.reviewed_plans(include_retired=True).empty
    assert fresh_store.query_df("SELECT * FROM documents").empty


# -- the indicator table ------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("cell", "kind", "comparator", "value"), [
    ("≥2.5", "level", ">=", 2.5), ("2.5以上", "level", ">=", 2.5), ("50左右", "approx", "≈", 50),
    ("３－５", "range", "between", 3), ("年均增长12%以上", "growth", ">=", None), ("全覆盖", "coverage", ">=", 100),
    ("1200", "level", "=", 1200), ("不超过0.5", "level", "<=", 0.5),
])
def test_value_cells(cell, kind, comparator, value):
    parsed = parse_value(cell)
    assert (parsed["kind"], parsed["comparator"], parsed["value"]) == (kind, comparator, value)


def messy_sheet() -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(["X市“十四五”科技创新主要指标"])
    ws.merge_cells("A1:F1")
    ws.append([])
    ws.append(["序号", "指标", "属性", "2020年", "2025年目标", "备注"])
    ws.append([1, "研究与试验发展经费投入强度(%)", "预期性", "２．１", "≥2.8", ""])
    ws.append([2, "新型研发机构(家)", "约束性", "80", "100-120", ""])
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


def test_a_messy_indicator_sheet_gives_targets_quoted_from_its_own_text(fresh_store):
    names = review.Names.from_store(fresh_store)
    document, found = read_indicator_table("指标表.xlsx", messy_sheet(), plan_start=2021, plan_end=2025,
                                           indicators=names)
    targets = [p for p in found if p.role == "target"]
    assert [(p.kind, p.value, p.unit, p.target_year, p.baseline_value) for p in targets] == [
        ("level", 2.8, "%", 2025, 2.1), ("range", 100, "家", 2025, 80)]
    assert targets[0].indicator == "rd_intensity" and targets[1].binding == "约束性"
    assert all(document.text[p.offset:p.offset + len(p.quote)] == p.quote for p in found)
    assert any(p.role == "baseline" and p.baseline_year == 2020 for p in found)


def test_the_template_reads_back():
    _, found = read_indicator_table("模板.xlsx", template_bytes(), plan_start=2016, plan_end=2020)
    assert found[0].value == 2.5 and found[0].comparator == ">=" and found[0].baseline_value == 1.57


def test_a_sheet_without_an_indicator_table_is_refused_in_both_languages():
    wb = Workbook()
    wb.active.append(["随便", "什么"])
    out = BytesIO()
    wb.save(out)
    from tracker.intake import UnreadableDocument

    with pytest.raises(UnreadableDocument) as caught:
        read_indicator_table("x.xlsx", out.getvalue(), plan_start=2021, plan_end=2025)
    assert "表头" in caught.value.message("zh") and "header" in caught.value.message("en")
