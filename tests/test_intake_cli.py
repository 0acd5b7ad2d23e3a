"""python -m tracker plan extract: a plan document's targets proposed on the command line, nothing written."""

import io
import json
from contextlib import redirect_stderr, redirect_stdout

import pandas as pd

from tracker.cli import main
from tracker.config import SEEDS_DIR

WEIHAI = next(SEEDS_DIR.glob("001_*.txt"))


def run(*argv):
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue(), err.getvalue()


def test_extract_prints_the_targets_with_their_quotes(seeded_db_path):
    code, out, _ = run("plan", "extract", str(WEIHAI), "--db", str(seeded_db_path))
    assert code == 0
    table = pd.read_csv(io.StringIO(out))
    text = WEIHAI.read_text(encoding="utf-8")
    assert all(q in text for q in table["quote"])
    rd = table[table["indicator"] == "rd_intensity"].iloc[0]
    assert (rd["kind"], rd["target_value"], rd["stretch_value"], rd["target_year"]) == ("floor_stretch", 2.2, 2.5, 2017)
    assert {"quote", "subject", "kind", "comparator", "growth_rate", "baseline_value", "confidence"} <= set(table)


def test_extract_as_json_and_with_the_period_given(seeded_db_path):
    code, out, _ = run("plan", "extract", str(WEIHAI), "--format", "json", "--start", "2015", "--end", "2017",
                       "--db", str(seeded_db_path))
    assert code == 0 and len(json.loads(out)) >= 8
    assert run("plan", "extract", str(WEIHAI), "--start", "2020", "--end", "2017")[0] == 2


def test_extract_refuses_an_empty_file_and_an_unknown_subcommand(tmp_path):
    empty = tmp_path / "空.txt"
    empty.write_text("", encoding="utf-8")
    code, out, err = run("plan", "extract", str(empty), "--db", str(tmp_path / "none.duckdb"))
    assert code == 1 and out == "" and "空" in err
    assert run("plan", "remove")[0] == 2
    assert run("plan", "extract", str(tmp_path / "missing.docx"))[0] == 2


# -- plan add: the reviewed proposals committed -------------------------------------------------------------------
PLAN_TEXT = """Z市“十四五”科技创新规划
一、发展目标
到2025年,全市研究与试验发展经费投入强度达到2.8%,高新技术企业达到4500家以上,技术合同成交额达到600亿元。
"""


def _reviewed(tmp_path, db, edit, encoding="utf-8-sig", name="审核表.csv"):
    plan = tmp_path / "Z市十四五规划.txt"
    plan.write_text(PLAN_TEXT, encoding="utf-8")
    code, out, err = run("plan", "extract", str(plan), "--format", "review", "--db", str(db))
    assert code == 0, err
    table = pd.read_csv(io.StringIO(out.lstrip("\ufeff")), dtype=str, keep_default_na=False)
    assert set(table["accept"]) <= {"是", "否"} and len(table) >= 3
    table = edit(table)
    reviewed = tmp_path / name
    if name.endswith(".xlsx"):
        table.to_excel(reviewed, index=False)
    else:
        reviewed.write_bytes(table.to_csv(index=False).encode(encoding))
    return plan, reviewed


def _copy(people_db_path, tmp_path):
    import shutil

    db = tmp_path / "tracker.duckdb"
    shutil.copyfile(people_db_path, db)
    return db


def test_plan_add_commits_the_reviewed_table_saved_by_excel_as_gbk(people_db_path, tmp_path, monkeypatch):
    from conftest import PASSWORD

    from tracker.db.store import Store

    db = _copy(people_db_path, tmp_path)

    def review(table):          # the clerk rejects the contract target and corrects the enterprises' value
        contracts = table["quote"].str.contains("技术合同")
        table.loc[contracts, "accept"] = "否"
        table.loc[~contracts, "accept"] = "是"
        table.loc[table["quote"].str.contains("高新技术企业"), "value"] = "4600"
        return table

    plan, reviewed = _reviewed(tmp_path, db, review, encoding="gb18030")
    monkeypatch.setenv("TRACKER_PASSWORD", PASSWORD)
    code, out, err = run("plan", "add", str(plan), "--reviewed", str(reviewed), "--user", "张三", "--region", "重庆市",
                         "--db", str(db))
    assert code == 0, err
    plan_id = out.split("(")[1].split(")")[0]
    store = Store.open(db, read_only=True)
    try:
        targets = store.targets(plan_id)
        assert set(targets["reviewed_by"]) == {"张三"} and not targets["quote"].str.contains("技术合同").any()
        assert 4600 in targets["target_value"].tolist()
        assert store.audit_log(action="plan_add").iloc[0]["actor"] == "张三"
    finally:
        store.close()


def test_plan_add_names_the_row_and_column_of_a_wrong_cell_and_writes_nothing(people_db_path, tmp_path,
                                                                             monkeypatch):
    from conftest import PASSWORD

    from tracker.db.store import Store

    db = _copy(people_db_path, tmp_path)

    def spoil(table):
        table["accept"] = "是"
        table.loc[0, "quote"] = "一句原文里没有的话"
        return table

    plan, reviewed = _reviewed(tmp_path, db, spoil, name="审核表.xlsx")
    monkeypatch.setenv("TRACKER_PASSWORD", PASSWORD)
    before = Store.open(db, read_only=True)
    plans = len(before.plans())
    before.close()
    code, out, err = run("plan", "add", str(plan), "--reviewed", str(reviewed), "--user", "张三", "--db", str(db))
    assert code == 1 and out == ""
    assert "第2行「原文摘句」" in err and "「地区」:必须填写" in err    # the sheet's row 2 (the first target), the plan
    code, _, err = run("plan", "add", str(plan), "--reviewed", str(reviewed), "--user", "official", "--db", str(db))
    assert code == 5                                           # a viewer may not add plans
    bad = tmp_path / "坏.csv"
    bad.write_text("accept,quote\n也许,到2025年\n", encoding="utf-8")
    code, _, err = run("plan", "add", str(plan), "--reviewed", str(bad), "--user", "张三", "--db", str(db))
    assert code == 2 and "第 2 行 accept" in err
    after = Store.open(db, read_only=True)
    try:
        assert len(after.plans()) == plans
    finally:
        after.close()
