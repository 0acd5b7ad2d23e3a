"""Templates and uploads: the round trip, every kind of messy file clerks send, and the command line.

Each fixture file is built inside its test with openpyxl or the csv module, so the test shows the file it reads.
"""

from __future__ import annotations

import csv
import io
import re
import subprocess
import sys
import time
import zipfile

import openpyxl
import pandas as pd
import pytest
from conftest import CLERK
from test_actuals import assert_same, snapshot

from etl.build import run_build
from tracker import commands
from tracker.access.auth import SYSTEM
from tracker.actuals.display import problems_table
from tracker.actuals.excel import LIST_SHEET, LONG_SHEET, WIDE_SHEET, TemplateSpec, long_template, wide_template
from tracker.actuals.importer import main_import
from tracker.actuals.upload import UnreadableFile, check_upload
from tracker.config import PROJECT_ROOT
from tracker.db.store import Store
from tracker.i18n import render_problem


def message(row) -> str:
    """A problem row's message in Chinese, as the pages and the command line show it."""
    return render_problem(row["code"] if "code" in row.index else row.name, row["params"])


def xlsx(*sheets: tuple[str, list[list]], merges: dict[str, list[str]] | None = None) -> bytes:
    """A workbook from (sheet name, rows) pairs; merges maps a sheet to ranges such as 'A3:A4'."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets:
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
        for rng in (merges or {}).get(name, []):
            ws.merge_cells(rng)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def csv_bytes(rows: list[list], encoding: str) -> bytes:
    buf = io.StringIO()
    csv.writer(buf).writerows(rows)
    return buf.getvalue().encode(encoding)


def check(store, data: bytes, name: str = "file.xlsx", **kwargs):
    return check_upload(store, name, data, **kwargs)


def errors(result) -> pd.DataFrame:
    return result.problems[result.problems["level"] == "error"]


def codes(result) -> set[str]:
    return set(result.problems["code"])


def values(result) -> dict[tuple, float]:
    rows = result.validation.rows
    return {(r.region, r.indicator, int(r.year)): r.value for r in rows.itertuples()}


# -- templates --------------------------------------------------------------------------------------------------
def test_long_template_has_lists_validation_frozen_header_and_instructions(store):
    data = long_template(TemplateSpec.from_store(store, "cq_sti_13fyp", 2016))
    wb = openpyxl.load_workbook(io.BytesIO(data))
    assert wb.sheetnames == [LONG_SHEET, "填写说明", LIST_SHEET]
    ws = wb[LONG_SHEET]
    assert [c.value for c in ws[1]] == ["地区", "指标", "年份", "数值", "单位", "来源/口径", "备注", "快报/年报", "修订原因"]
    assert ws.freeze_panes == "C2"
    kinds = {(dv.type, str(dv.sqref).split(":")[0]) for dv in ws.data_validations.dataValidation}
    assert {("list", "A2"), ("list", "B2"), ("whole", "C2"), ("decimal", "D2"), ("list", "H2")} <= kinds
    assert any(dv.formula1.startswith(f"'{LIST_SHEET}'!$C$2") for dv in ws.data_validations.dataValidation)
    assert "百分比填 2.11 表示 2.11%" in "".join(str(c.value) for c in wb["填写说明"]["A"])
    pre = pd.DataFrame(ws.iter_rows(min_row=2, max_col=5, values_only=True)).dropna(how="all")
    assert set(pre[0]) == {"重庆市", "两江新区", "重庆高新区"} and set(pre[2]) == {2016}


def test_long_template_round_trip(store):
    data = long_template(TemplateSpec.from_store(store, "cq_sti_13fyp", 2016))
    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb[LONG_SHEET]
    filled = {}
    for row in ws.iter_rows(min_row=2, max_row=ws.max_row):
        if row[1].value == "研究与试验发展经费投入强度":
            row[3].value, row[7].value = 1.72, "快报"
            filled[row[0].value] = 1.72
        elif row[1].value == "高新技术企业" and row[0].value == "重庆市":
            row[3].value = 1435
    ws.append(["重庆市", "技术合同成交额", 2017, 245, "亿元", "统计公报", None, "年报", None])
    buf = io.BytesIO()
    wb.save(buf)
    result = check(store, buf.getvalue())
    assert result.read.layout == "long" and not result.has_errors, result.problems
    got = values(result)
    assert got[("重庆市", "研究与试验发展经费投入强度", 2016)] == 1.72
    assert got[("重庆市", "技术合同成交额", 2017)] == 245
    batch = commands.commit_validation(store, CLERK, result.validation, kind="upload", file_name="t.xlsx",
                   file_sha256=result.read.sha256)
    assert store.batch(batch)["row_count"] == len(result.validation.changes)
    again = check(store, buf.getvalue())
    assert "same_file" in codes(again) and again.validation.changes.empty


def test_wide_template_round_trip_keeps_current_values(store):
    spec = TemplateSpec.from_store(store, "cq_sti_13fyp")
    assert spec.years == tuple(range(2015, 2021))
    wb = openpyxl.load_workbook(io.BytesIO(wide_template(spec)))
    ws = wb[WIDE_SHEET]
    assert ws.freeze_panes == "D2"
    header = [c.value for c in ws[1]]
    col = header.index(2017) + 1
    for row in ws.iter_rows(min_row=2):
        if row[0].value == "重庆市" and row[1].value == "技术合同成交额":
            assert row[header.index(2015)].value == 241.5        # the current value is pre-filled
            ws.cell(row=row[0].row, column=col).value = 245
    buf = io.BytesIO()
    wb.save(buf)
    result = check(store, buf.getvalue())
    assert result.read.layout == "wide_years" and not result.has_errors, result.problems
    changes = result.validation.changes
    assert changes[["indicator", "year", "value", "change"]].values.tolist() == [["技术合同成交额", 2017, 245, "new"]]
    assert result.validation.counts["unchanged"] > 0


# -- messy files ------------------------------------------------------------------------------------------------
def test_title_rows_merged_header_and_year_headers(store):
    data = xlsx(("Sheet1", [
        ["重庆市主要科技指标(2016—2018年)"],
        [None],
        ["指标", "年份", None, None],
        [None, "2016年", 2017, "2018年"],
        ["技术合同成交额(亿元)", 250, 245, 260],
        ["研究与试验发展经费投入强度(%)", 1.72, 1.88, 2.01],
    ]), merges={"Sheet1": ["A1:D1", "A3:A4", "B3:D3"]})
    result = check(store, data)
    assert (result.read.layout, result.read.header_row, result.read.title_region) == ("wide_years", 4, "重庆市")
    assert not result.has_errors, result.problems
    assert "region_assumed" in codes(result)                   # said, not silently assumed
    got = values(result)
    assert got[("重庆市", "技术合同成交额", 2017)] == 245 and got[("重庆市", "研究与试验发展经费投入强度", 2018)] == 2.01


def test_units_in_cells_and_full_width_digits(store):
    data = xlsx(("数据", [
        ["地区", "指标", "年份", "数值"],
        ["重庆市", "研究与试验发展经费投入强度", "2016年", "2.11%"],
        ["重庆市", "高新技术企业", "２０１６", "１，４５０家"],
        ["重庆市", "技术合同成交额", 2016, "２４１．５亿元"],
        ["重庆市", "科技型企业", 2016, " 12,345 家 "],
    ]))
    result = check(store, data)
    assert not result.has_errors, result.problems
    got = values(result)
    assert got[("重庆市", "研究与试验发展经费投入强度", 2016)] == 2.11
    assert got[("重庆市", "高新技术企业", 2016)] == 1450
    assert got[("重庆市", "技术合同成交额", 2016)] == 241.5
    assert got[("重庆市", "科技型企业", 2016)] == 12345


def test_unit_in_header_and_known_scales_convert_with_a_warning(store):
    data = xlsx(("数据", [
        ["地区", "指标", "年份", "数值(万元)"],
        ["重庆市", "技术合同成交额", 2016, 2500000],
    ]))
    result = check(store, data)
    assert not result.has_errors
    assert values(result)[("重庆市", "技术合同成交额", 2016)] == 250
    warning = result.problems[result.problems["code"] == "unit_converted"].iloc[0]
    assert (warning["row"], warning["column"], warning["level"]) == (2, "D", "warning")
    assert "万元" in message(warning) and "250" in message(warning)


def test_a_unit_that_cannot_be_converted_is_an_error_at_its_cell(store):
    data = xlsx(("数据", [
        ["地区", "指标", "年份", "数值", "单位"],
        ["重庆市", "高新技术企业", 2016, "1,450个", None],
        ["重庆市", "技术合同成交额", 2016, 250, "家"],
        ["重庆市", "研究与试验发展经费投入强度", 2016, "2.1", "%"],
        ["重庆市", "科技型企业", 2016, "3000", "万家"],
    ]))
    result = check(store, data)
    bad = errors(result).set_index("row")
    assert bad.loc[2, "code"] == "wrong_unit" and bad.loc[2, "cell"] == "1,450个" and bad.loc[2, "column"] == "D"
    assert "「个」" in message(bad.loc[2]) and "「家」" in message(bad.loc[2])
    assert bad.loc[3, "code"] == "wrong_unit"
    assert bad.loc[5, "code"] == "unknown_unit"
    assert 4 not in bad.index


@pytest.mark.parametrize("marker", ["—", "——", "/", "-", "", "－", None])
def test_missing_markers_are_skipped_not_errors(store, marker):
    data = xlsx(("数据", [
        ["地区", "指标", "年份", "数值"],
        ["重庆市", "技术合同成交额", 2016, marker],
        ["重庆市", "高新技术企业", 2016, 1450],
    ]))
    result = check(store, data)
    assert not result.has_errors
    assert list(values(result)) == [("重庆市", "高新技术企业", 2016)]
    assert result.validation.skipped == 1


def test_traditional_characters_and_aliases_resolve(store):
    data = xlsx(("數據", [
        ["地區", "指標", "年份", "數值"],
        ["重慶市", "研究與試驗發展經費投入強度", 2016, 1.72],
        ["重庆市", "全社会研发经费占生产总值比重", 2017, 1.88],
        ["高新區", "高新技術企業數", 2016, 500],
        ["重庆市", "1.技术交易额", 2016, 250],
    ]))
    result = check(store, data)
    assert result.read.layout == "long" and not result.has_errors, result.problems
    assert set(values(result)) == {
        ("重庆市", "研究与试验发展经费投入强度", 2016), ("重庆市", "研究与试验发展经费投入强度", 2017),
        ("重庆高新区", "高新技术企业", 2016), ("重庆市", "技术合同成交额", 2016),
    }


def test_unknown_names_come_with_the_closest_known_names(store):
    data = xlsx(("数据", [
        ["地区", "指标", "年份", "数值"],
        ["重庆市", "高新技术企", 2016, 1450],
        ["重庆", "技术合同成交额", 2016, 250],
        ["重庆市", "说明:本表由统计局提供", None, None],            # a footnote without a value is ignored
    ]))
    result = check(store, data)
    bad = errors(result).set_index("code")
    assert bad.loc["unknown_indicator", "column"] == "B" and bad.loc["unknown_indicator", "row"] == 2
    assert "高新技术企业" in message(bad.loc["unknown_indicator"])
    assert "重庆市" in message(bad.loc["unknown_region"])
    assert len(bad) == 2


def test_duplicates_with_different_values_are_errors_same_values_a_warning(store):
    data = xlsx(("数据", [
        ["地区", "指标", "年份", "数值"],
        ["重庆市", "技术合同成交额", 2016, 250],
        ["重庆市", "技术合同成交额", 2016, 260],
        ["重庆市", "高新技术企业", 2016, 1450],
        ["重庆市", "高新技术企业", 2016, "1,450"],
    ]))
    result = check(store, data)
    dup = result.problems[result.problems["code"] == "duplicate_conflict"]
    assert dup["row"].tolist() == [2, 3] and "D2、D3" in message(dup.iloc[0])
    same = result.problems[result.problems["code"] == "duplicate_same"]
    assert same["row"].tolist() == [5] and same.iloc[0]["level"] == "warning"


def test_several_sheets_take_the_recognisable_one_or_the_chosen_one(store):
    data = xlsx(
        ("说明", [["本文件为2016年统计快报"], ["联系人:张三"]]),
        ("2016", [["地区", "指标", "年份", "数值"], ["重庆市", "技术合同成交额", 2016, 250]]),
        ("2017", [["地区", "指标", "年份", "数值"], ["重庆市", "技术合同成交额", 2017, 245]]),
    )
    result = check(store, data)
    assert result.read.sheets == ("说明", "2016", "2017") and result.read.recognised == ("2016", "2017")
    assert result.read.sheet == "2016" and "several_sheets" in codes(result)
    chosen = check(store, data, sheet="2017")
    assert list(values(chosen)) == [("重庆市", "技术合同成交额", 2017)] and "several_sheets" not in codes(chosen)
    with pytest.raises(UnreadableFile, match="没有名为"):
        check(store, data, sheet="2018")


def _with_cached_values(data: bytes, cached: dict[str, str]) -> bytes:
    """openpyxl writes formulas without results; put in the results Excel would have saved."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            content = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = content.decode()
                for ref, value in cached.items():
                    text = re.sub(rf'(<c r="{ref}"[^>]*>\s*<f>[^<]*</f>)\s*(<v\s*/>|<v></v>)?',
                                  rf"\g<1><v>{value}</v>", text)
                content = text.encode()
            dst.writestr(item, content)
    return out.getvalue()


def test_formulas_are_read_by_their_cached_values(store):
    rows = [["地区", "指标", "年份", "数值"],
            ["重庆市", "技术合同成交额", 2016, "=200+50"],
            ["重庆市", "高新技术企业", 2016, "=1400+35"]]
    plain = xlsx(("数据", rows))
    # Without a cached result (a file written by a program): calamine reads a blank, and we say so.
    result = check(store, plain)
    assert values(result) == {}
    assert result.problems[result.problems["code"] == "formula_without_value"]["row"].tolist() == [2, 3]
    # As Excel saves it, with the result beside the formula: the result is read.
    saved = _with_cached_values(plain, {"D2": "250", "D3": "1435"})
    result = check(store, saved)
    assert not result.has_errors and "formula_without_value" not in codes(result)
    assert values(result) == {("重庆市", "技术合同成交额", 2016): 250, ("重庆市", "高新技术企业", 2016): 1435}


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_csv_in_utf8_bom_and_gbk(store, encoding):
    data = csv_bytes([["地区", "指标", "年份", "数值", "单位"],
                      ["重庆市", "技术合同成交额", "2016年", "250", "亿元"],
                      ["重慶市", "研究與試驗發展經費投入強度", "2016", "1.72%", ""]], encoding)
    result = check(store, data, name="bureau.csv")
    assert not result.has_errors, result.problems
    assert values(result) == {("重庆市", "技术合同成交额", 2016): 250, ("重庆市", "研究与试验发展经费投入强度", 2016): 1.72}


def test_csv_with_title_row_and_unmerged_header(store):
    data = csv_bytes([["2016年威海市科技指标"], [],
                      ["指标", "单位", "年份"], ["", "", "2016年(快报)", "2017年"],
                      ["高新技术企业", "家", "205", "—"]], "gbk")
    result = check(store, data, name="weihai.csv")
    assert result.read.layout == "wide_years" and not result.has_errors, result.problems
    rows = result.validation.rows
    assert rows[["region", "year", "value", "vintage"]].values.tolist() == [["威海市", 2016, 205, "快报"]]


def test_indicators_across_years_down(store):
    data = xlsx(("Sheet1", [
        ["威海市主要科技指标"],
        ["年份", "全社会研发经费占生产总值比重(%)", "高新技术企业数(家)", "技术合同成交额(万元)"],
        ["2015年", 2.21, 180, 150000],
        ["2016年", 2.31, 205, "——"],
    ]))
    result = check(store, data)
    assert result.read.layout == "wide_indicators" and not result.has_errors, result.problems
    got = values(result)
    assert got[("威海市", "研究与试验发展经费投入强度", 2016)] == 2.31
    assert got[("威海市", "技术合同成交额", 2015)] == 15                # 150000 万元 = 15 亿元, with a warning
    assert "unit_converted" in codes(result)


def test_merged_region_cells_down_a_column(store):
    data = xlsx(("数据", [
        ["地区", "指标", "年份", "数值"],
        ["重庆市", "技术合同成交额", 2016, 250],
        [None, "高新技术企业", 2016, 1450],
        [None, "研究与试验发展经费投入强度", 2016, 1.72],
    ]), merges={"数据": ["A2:A4"]})
    result = check(store, data)
    assert not result.has_errors
    assert {k[0] for k in values(result)} == {"重庆市"} and len(values(result)) == 3


def test_a_percentage_typed_as_a_fraction_is_an_error_until_confirmed(store):
    commands.commit_actuals(store, CLERK, pd.DataFrame([{"region": "重庆市", "indicator": "研究与试验发展经费投入强度", "year": 2016,
                                        "value": 1.72}]), kind="entry")
    data = xlsx(("数据", [["地区", "指标", "年份", "数值"],
                          ["重庆市", "研究与试验发展经费投入强度", 2017, 0.0188]]))   # 1.88 % typed as a fraction
    result = check(store, data)
    unusual = result.problems[result.problems["code"] == "unusual_value"].iloc[0]
    assert unusual["level"] == "error" and "应填 1.88" in message(unusual) and "2016年的 1.72" in message(unusual)
    assert "jump" not in codes(result)                       # one message for one finding
    confirmed = check(store, data, confirm_unusual=True)
    assert not confirmed.has_errors and "unusual_value_confirmed" in codes(confirmed)


def test_problems_carry_sheet_row_column_cell_and_chinese_message(store):
    data = xlsx(("数据", [["标题行"], ["地区", "指标", "年份", "数值"],
                          ["重庆市", "技术合同成交额", "二〇一六", "abc"]]))
    result = check(store, data)
    assert list(result.problems.columns) == ["sheet", "row", "column", "cell", "level", "code", "params"]
    by_code = errors(result).set_index("code")
    assert by_code.loc["bad_year", ["sheet", "row", "column", "cell"]].tolist() == ["数据", 3, "C", "二〇一六"]
    assert by_code.loc["not_a_number", ["row", "column", "cell"]].tolist() == [3, "D", "abc"]
    assert "不是数字" in message(by_code.loc["not_a_number"])


def test_a_sheet_without_a_header_is_an_error_not_a_crash(store):
    result = check(store, xlsx(("Sheet1", [["随便写点什么"], [1, 2, 3]])))
    assert result.read.layout is None and codes(result) == {"no_header"}


def test_an_invalid_file_leaves_the_database_exactly_as_it_was(store):
    data = xlsx(("数据", [["地区", "指标", "年份", "数值"],
                          ["重庆市", "技术合同成交额", 2016, 250],
                          ["重庆市", "研究与试验发展经费投入强度", 2016, 150]]))
    before = snapshot(store)
    result = check(store, data)
    assert result.has_errors
    with pytest.raises(ValueError):
        commands.commit_validation(store, CLERK, result.validation, kind="upload")
    assert_same(before, snapshot(store))


@pytest.mark.parametrize("name, data", [("x.xlsx", b"not a spreadsheet"), ("x.pdf", b"%PDF-1.4"), ("x.csv", b"")])
def test_unreadable_files_raise_a_chinese_message(store, name, data):
    with pytest.raises(UnreadableFile) as err:
        check(store, data, name=name)
    assert re.search(r"[\u4e00-\u9fff]", err.value.message("zh"))


# -- command line -----------------------------------------------------------------------------------------------
PASSWORD = "test-password-1"


@pytest.fixture
def db_file(tmp_path, built, monkeypatch):
    """A seeded database with two editor accounts and a viewer; the CLI reads the password from TRACKER_PASSWORD."""
    path = tmp_path / "tracker.duckdb"
    s = Store.open(path)
    s.replace_seed_data(built.tables, built.seed_actuals, built.meta)
    for name, role in (("张三", "editor"), ("李四", "editor"), ("局长", "viewer")):
        commands.add_account(s, SYSTEM, name, role=role, password=PASSWORD)
    s.close()
    monkeypatch.setenv("TRACKER_PASSWORD", PASSWORD)
    return path


def _file(tmp_path, rows, name="upload.xlsx"):
    path = tmp_path / name
    path.write_bytes(xlsx(("数据", rows)))
    return path


GOOD = [["地区", "指标", "年份", "数值"], ["重庆市", "技术合同成交额", 2016, 250]]
BAD = [["地区", "指标", "年份", "数值"], ["重庆市", "技术合同成交额", 2016, "很多"]]


def _tables(path):
    s = Store.open(path)
    try:
        return snapshot(s)
    finally:
        s.close()


def test_cli_dry_run_then_commit_then_repeat(tmp_path, db_file, capsys):
    path = _file(tmp_path, GOOD)
    before = _tables(db_file)
    assert main_import([str(path), "--dry-run", "--db", str(db_file), "--user", "张三"]) == 0
    out = capsys.readouterr().out
    assert "试运行" in out and "技术合同成交额 · 2016:— → 250 亿元" in out
    assert_same(before, _tables(db_file))
    assert main_import([str(path), "--db", str(db_file), "--user", "张三"]) == 0
    assert "已写入批次" in capsys.readouterr().out
    after = _tables(db_file)
    assert len(after["batches"]) == len(before["batches"]) + 1
    batch = after["batches"][after["batches"]["kind"] == "upload"].iloc[0]
    assert (batch["created_by"], batch["file_name"], batch["row_count"]) == ("张三", "upload.xlsx", 1)
    assert main_import([str(path), "--db", str(db_file), "--user", "张三"]) == 0
    out = capsys.readouterr().out
    assert "同一文件" in out and "没有需要写入的变化" in out


def test_cli_vintage_and_reason_reach_the_history(tmp_path, db_file):
    path = _file(tmp_path, [["地区", "指标", "年份", "数值", "快报/年报"],
                            ["重庆市", "技术合同成交额", 2015, 242, None],
                            ["重庆市", "高新技术企业", 2015, 1040, "年报"]])
    assert main_import([str(path), "--db", str(db_file), "--user", "张三", "--vintage", "快报",
                        "--reason", "统计局修订", "--note", "2015年快报", "--confirm-stated"]) == 0
    s = Store.open(db_file)
    try:
        turnover = s.value_history("重庆市", "技术合同成交额", 2015).iloc[0]
        firms = s.value_history("重庆市", "高新技术企业", 2015).iloc[0]
        assert (turnover["value"], turnover["vintage"], turnover["reason"]) == (242, "快报", "统计局修订")
        assert firms["vintage"] == "年报"                          # a row's own vintage wins over the default
        assert s.batches().iloc[0]["note"] == "2015年快报"
    finally:
        s.close()


def test_cli_errors_exit_1_and_write_nothing(tmp_path, db_file, capsys):
    path = _file(tmp_path, BAD)
    before = _tables(db_file)
    assert main_import([str(path), "--db", str(db_file)]) == 1
    out = capsys.readouterr().out
    assert "[错误] 数据 D2  「很多」  不是数字" in out and "未写入任何数据" in out
    assert_same(before, _tables(db_file))


def test_cli_unreadable_file_exits_2(tmp_path, db_file, capsys):
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"PK\x03\x04 broken")
    assert main_import([str(path), "--db", str(db_file)]) == 2
    assert "无法读取" in capsys.readouterr().err
    assert main_import([str(tmp_path / "missing.xlsx"), "--db", str(db_file)]) == 2


def test_cli_locked_database_exits_3(tmp_path, db_file, monkeypatch):
    monkeypatch.setenv("TRACKER_LOCK_WAIT", "1")      # gives up after a second's wait, not the default 30
    holder = subprocess.Popen(
        [sys.executable, "-c", f"import duckdb, time; c = duckdb.connect({str(db_file)!r}); print('ok', flush=True); "
                               "time.sleep(60)"],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ok"
        assert main_import([str(_file(tmp_path, GOOD)), "--db", str(db_file)]) == 3
    finally:
        holder.kill()
        holder.wait()


def test_cli_writing_needs_an_editor_account(tmp_path, db_file, capsys, monkeypatch):
    path = _file(tmp_path, GOOD)
    before = _tables(db_file)
    assert main_import([str(path), "--db", str(db_file)]) == 5                       # no --user
    assert "--user" in capsys.readouterr().err
    assert main_import([str(path), "--db", str(db_file), "--user", "局长"]) == 5     # a viewer
    assert "无权执行" in capsys.readouterr().err
    monkeypatch.setenv("TRACKER_PASSWORD", "wrong-password")
    assert main_import([str(path), "--db", str(db_file), "--user", "张三"]) == 5     # wrong password
    assert "不正确" in capsys.readouterr().err
    assert_same(before, _tables(db_file))
    assert main_import([str(path), "--db", str(db_file), "--dry-run"]) == 0          # a dry run needs no account


def test_cli_as_a_module(tmp_path, db_file):
    def run(*args):
        return subprocess.run([sys.executable, "-m", "tracker.actuals.importer", *args, "--db", str(db_file)],
                              cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120)

    bad = run(str(_file(tmp_path, BAD, "bad.xlsx")))
    assert bad.returncode == 1 and "不是数字" in bad.stdout
    good = run(str(_file(tmp_path, GOOD)), "--user", "李四")
    assert good.returncode == 0 and "已写入批次" in good.stdout


def test_upload_after_etl_rebuild_keeps_entered_values(tmp_path, db_file):
    """Entered values survive `python -m etl` and still outrank the seed values."""
    assert main_import([str(_file(tmp_path, [["地区", "指标", "年份", "数值"],
                                              ["重庆市", "技术合同成交额", 2015, 242]])), "--db", str(db_file),
                        "--user", "张三", "--confirm-stated"]) == 0
    s = Store.open(db_file)
    try:
        time.sleep(0.01)
        run_build(s)
        cur = s.current_values()
        hit = cur[(cur["indicator"] == "技术合同成交额") & (cur["year"] == 2015) & (cur["region"] == "重庆市")]
        assert hit["value"].tolist() == [242]
    finally:
        s.close()


def test_problems_read_in_english_on_an_english_page(store):
    """A problem is a code with parameters: the same finding reads in either language, the data words kept."""
    data = xlsx(("数据", [["地区", "指标", "年份", "数值", "单位"],
                          ["重庆市", "技术合同成交额", 2016, "2,500,000", "万元"],
                          ["重庆市", "高新技术企", 2016, "1450", None],
                          ["重庆市", "技术合同成交额", 2016, "1,450个", None]]))
    problems = check(store, data).problems
    english = problems_table(problems, "en")
    assert list(english.columns) == ["Level", "Sheet", "Cell", "Content", "Message"]
    messages = " | ".join(english["Message"])
    assert "Unknown indicator “高新技术企”; closest: 高新技术企业" in messages
    assert "converted at 1 万元 = 0.0001 亿元 to 250 亿元" in messages
    assert "Unit “个” is not the indicator's unit “亿元” (from the cell): convert it first" in messages
    words = re.findall(r"[\u4e00-\u9fff]+", re.sub(r"“[^”]*”", "", messages))
    assert set(words) <= {"万元", "亿元", "高新技术企业", "个", "家"}, words
    chinese = problems_table(problems, "zh")
    assert "未知指标「高新技术企」;最接近的名称:高新技术企业" in " | ".join(chinese["说明"])


def test_a_file_checked_before_another_clerk_changed_its_values_is_refused_whole(store):
    """Two clerks, one value: the first checks her file (one value new, one the same as stored), the second saves a
    correction of that stored value, then the first commits. Her check said "unchanged" of a value that is no longer
    there: nothing of her file is written, and she is told which value moved and to check again."""
    commands.commit_actuals(store, SYSTEM, pd.DataFrame([("重庆市", "高新技术企业", 2016, 1435.0, "年报")],
                                                        columns=["region", "indicator", "year", "value", "vintage"]),
                            kind="entry")
    book = openpyxl.Workbook()
    for row in (["地区", "指标", "年份", "数值", "快报/年报"], ["重庆市", "高新技术企业", 2016, 1435, "年报"],
                ["重庆市", "高新技术企业", 2017, 2000, "年报"]):
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    check = check_upload(store, "统计局.xlsx", buffer.getvalue(), isolate=False)
    assert not check.has_errors and check.validation.rows["change"].tolist() == ["unchanged", "new"]
    corrected = commands.commit_actuals(store, CLERK, pd.DataFrame(
        [("重庆市", "高新技术企业", 2016, 1440.0, "年报")], columns=["region", "indicator", "year", "value", "vintage"]),
        kind="entry", note="另一位填报人的更正")
    before = snapshot(store)
    with pytest.raises(commands.ChangedMeanwhile, match=re.escape(f"重庆市 · 高新技术企业 · 2016年(现为1440,批次 {corrected})")):
        commands.commit_validation(store, CLERK, check.validation, kind="upload", file_name="统计局.xlsx")
    assert_same(before, snapshot(store))
    again = check_upload(store, "统计局.xlsx", buffer.getvalue(), isolate=False)     # checked again: it goes in
    assert commands.commit_validation(store, CLERK, again.validation, kind="upload", file_name="统计局.xlsx")


def test_a_kouj_column_that_says_annual_report_gives_the_vintage(store):
    """A clerk's own column headed 口径 holding 年报 / 快报 (read as 来源/口径): the values carry that vintage."""
    book = openpyxl.Workbook()
    for row in (["地区", "指标", "年份", "数值", "口径"], ["重庆市", "高新技术企业", 2016, 1435, "年报"],
                ["重庆市", "高新技术企业", 2017, 2000, "快报"], ["重庆市", "技术合同成交额", 2016, 250, "市统计局"]):
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    check = check_upload(store, "统计局.xlsx", buffer.getvalue(), isolate=False)
    assert not check.has_errors
    rows = check.validation.rows.set_index(["indicator", "year"])
    assert rows.loc[("高新技术企业", 2016), "vintage"] == "年报"
    assert rows.loc[("高新技术企业", 2017), "vintage"] == "快报"
    assert pd.isna(rows.loc[("技术合同成交额", 2016), "vintage"])          # a real source names no vintage
    assert rows.loc[("技术合同成交额", 2016), "source"] == "市统计局"
