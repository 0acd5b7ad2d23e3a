"""Hostile and odd uploads: each file is built here, small, and must be read correctly or refused with a message
naming its cell, row, sheet or limit — never crash the reader's host, change a value silently or drop one unsaid.
"""

from __future__ import annotations

import codecs
import io
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import openpyxl
import pytest
from test_excel import check, codes, csv_bytes, errors, message, values, xlsx

from tracker.actuals import limits
from tracker.actuals.upload import UnreadableFile
from tracker.actuals.validate import Reference
from tracker.actuals.worker import Budget, read_isolated
from tracker.config import PROJECT_ROOT
from tracker.i18n import render_problem

HEAD = ["地区", "指标", "年份", "数值"]
RD = "研究与试验发展经费投入强度"
FIRMS = "高新技术企业"


def patched(data: bytes, sheet_xml: str, edit) -> bytes:
    """The workbook with one sheet's XML rewritten by edit(bytes) → bytes (what another program could have saved)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            body = zin.read(info.filename)
            zout.writestr(info, edit(body) if info.filename == sheet_xml else body)
    return out.getvalue()


def far_cell(ref: str, row: int, *, dimension: str | None = None) -> bytes:
    """A tiny workbook with a real table and one more cell at ref (row number row)."""
    data = xlsx(("数据", [HEAD, ["重庆市", FIRMS, 2016, 1435]]))

    def edit(xml: bytes) -> bytes:
        xml = xml.replace(b"</sheetData>", f'<row r="{row}"><c r="{ref}"><v>1</v></c></row></sheetData>'.encode())
        return xml.replace(b'<dimension ref="A1:D2" />', f'<dimension ref="{dimension}" />'.encode()) \
            if dimension else xml

    return patched(data, "xl/worksheets/sheet1.xml", edit)


def refusal(store, data: bytes, name: str = "file.xlsx") -> UnreadableFile:
    with pytest.raises(UnreadableFile) as err:
        check(store, data, name=name)
    return err.value


# -- (1) bounded reading ----------------------------------------------------------------------------------------
def test_a_single_cell_at_xfd1048576_is_refused_before_the_grid_is_built(tmp_path):
    """In a subprocess, without the reading worker: were the check gone, calamine would abort that process only."""
    bomb = tmp_path / "bomb.xlsx"
    bomb.write_bytes(far_cell("XFD1048576", 1048576))
    assert len(bomb.read_bytes()) < 8000
    script = textwrap.dedent(f"""
        import sys
        from tracker.actuals.upload import UnreadableFile, read_file
        from tracker.actuals.validate import Reference
        from tracker.catalogue.names import NameResolver
        import pandas as pd
        ref = Reference(NameResolver([]), NameResolver([]), {{}}, pd.DataFrame(columns=["unit", "measure"]),
                        pd.DataFrame(), ())
        try:
            read_file("bomb.xlsx", open({str(bomb)!r}, "rb").read(), ref)
        except UnreadableFile as exc:
            print(exc.code)
            print(exc.message("zh"))
    """)
    done = subprocess.run([sys.executable, "-c", script], cwd=PROJECT_ROOT, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    code, text = done.stdout.splitlines()[:2]
    assert code == "too_many_rows" and "1,048,576" in text and f"{limits.MAX_ROWS:,}" in text


def test_a_sparse_sheet_is_refused_even_when_its_dimension_says_it_is_small(store):
    err = refusal(store, far_cell("Z1000000", 1000000, dimension="A1:D2"))
    assert err.code == "too_many_rows" and "1,000,000" in err.message("zh")
    err = refusal(store, far_cell("AMJ2", 2))              # too wide, not too long
    assert err.code == "too_many_columns" and "工作表「数据」" in err.message("zh")
    err = refusal(store, far_cell("CV60001", 60001))       # 100 columns × 60,001 rows: too many cells
    assert err.code == "too_many_cells" and "A1:CV60001" in err.message("zh")


def test_twenty_thousand_identical_rows_give_short_messages(store):
    rows = [HEAD] + [["重庆市", FIRMS, 2016, 1435]] * 20_000
    result = check(store, csv_bytes(rows, "utf-8"), name="same.csv")
    repeats = result.problems[result.problems["code"] == "duplicate_same"]
    assert len(repeats) == 19_999 and not result.has_errors
    assert repeats["params"].str.len().max() < 100                 # five cells named, the rest counted
    assert "共 20000 处" in message(repeats.iloc[0])
    assert len(result.validation.rows) == 1


def test_a_csv_line_of_16000_fields_is_refused_naming_the_limit(store):
    err = refusal(store, (",".join(HEAD + ["x"] * 16_000) + "\n").encode(), name="wide.csv")
    assert err.code == "too_many_columns" and "16,004" in err.message("zh")


def test_a_csv_field_longer_than_an_excel_cell_is_refused_naming_the_line(store):
    data = ("\n".join([",".join(HEAD), f'重庆市,{FIRMS},2016,"{"9" * 131_073}"']) + "\n").encode()
    err = refusal(store, data, name="long.csv")
    assert err.code == "cell_too_long" and "第 2 行" in err.message("zh") and "/" not in err.message("zh")


def test_a_file_beyond_the_size_limit_is_refused_before_it_is_read(store, monkeypatch):
    monkeypatch.setattr(limits, "MAX_FILE_BYTES", 1000)
    err = refusal(store, csv_bytes([HEAD] + [["重庆市", FIRMS, 2016, 1435]] * 100, "utf-8"), name="big.csv")
    assert err.code == "file_too_large" and "上限" in err.message("zh")


def test_a_reader_out_of_memory_or_time_fails_that_upload_only(store):
    ref = Reference.from_store(store)
    data = csv_bytes([HEAD] + [["重庆市", FIRMS, y, 1000 + y] for y in range(1990, 2020)], "utf-8")
    with pytest.raises(UnreadableFile) as err:
        read_isolated("small.csv", data, ref, budget=Budget(memory_bytes=64 * 2**20))
    assert err.value.code == "reader_out_of_memory" and "64 MB" not in err.value.message("zh")
    with pytest.raises(UnreadableFile) as err:
        read_isolated("small.csv", data, ref, budget=Budget(seconds=0.001))
    assert err.value.code == "reader_timeout"
    assert values(check(store, data, name="small.csv"))[("重庆市", FIRMS, 2016)] == 3016   # the next one works


# -- (2) no silent change of a value ----------------------------------------------------------------------------
def test_an_unquoted_thousands_comma_in_a_csv_is_an_error_at_its_line(store):
    data = ("地区,指标,年份,数值\n重庆市,高新技术企业,2016,2,504\n重庆市,技术合同成交额,2016,250\n").encode()
    result = check(store, data, name="comma.csv")
    err = errors(result).set_index("code").loc["csv_extra_fields"]
    assert err["row"] == 2 and "2,504" in message(err)
    assert ("重庆市", FIRMS, 2016) not in values(result)


def test_a_space_inside_a_number_is_an_error(store):
    result = check(store, xlsx(("数据", [HEAD, ["重庆市", "技术合同成交额", 2016, "24 1.5"],
                                          ["重庆市", FIRMS, 2016, "1,450 家"]])))
    assert errors(result)[["row", "code"]].values.tolist() == [[2, "space_in_number"]]
    assert values(result)[("重庆市", FIRMS, 2016)] == 1450


def test_one_merged_cell_over_three_years_is_an_error_not_three_values(store):
    data = xlsx(("数据", [["地区", "指标", "2016", "2017", "2018"], ["重庆市", FIRMS, 100, None, None]]),
                merges={"数据": ["C2:E2"]})
    result = check(store, data)
    err = errors(result).set_index("code").loc["merged_value"]
    assert err["column"] == "C" and "C2:E2" in message(err)
    assert values(result) == {}


def _percent_workbook(indicator: str) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "数据"
    ws.append(HEAD)
    ws.append(["重庆市", indicator, 2016, 0.0201])
    ws["D2"].number_format = "0.00%"                      # Excel shows 2.01%
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_a_percent_formatted_cell_reads_as_the_percent_it_shows(store):
    result = check(store, _percent_workbook(RD))
    assert values(result)[("重庆市", RD, 2016)] == 2.01 and not result.has_errors
    wrong = check(store, _percent_workbook(FIRMS))        # a count shown as 2.01% is not a count
    assert errors(wrong)["code"].tolist() == ["wrong_unit"] and errors(wrong)["cell"].iloc[0] == "2.01%"


@pytest.mark.parametrize("text", ["1e309", "1e308", "-1e400", "5e13"])
def test_infinite_and_absurd_magnitudes_are_refused(store, text):
    result = check(store, xlsx(("数据", [HEAD, ["重庆市", "技术合同成交额", 2016, text]])))
    assert errors(result)["code"].tolist() == ["absurd_magnitude"]


@pytest.mark.parametrize("text", ["①", "1²", "٢٠١٦", "２⁵"])
def test_digit_look_alikes_are_refused_naming_the_character(store, text):
    result = check(store, xlsx(("数据", [HEAD, ["重庆市", FIRMS, 2016, text]])))
    err = errors(result).iloc[0]
    assert err["code"] == "digit_lookalike" and "0—9" in message(err)


def test_full_width_digits_are_still_read(store):
    assert values(check(store, xlsx(("数据", [HEAD, ["重庆市", FIRMS, 2016, "１，４５０家"]]))))[
        ("重庆市", FIRMS, 2016)] == 1450


def test_excel_error_cells_are_reported_not_read_as_blank(store):
    data = xlsx(("数据", [HEAD, ["重庆市", FIRMS, 2016, 1], ["重庆市", FIRMS, 2017, 2],
                          ["重庆市", FIRMS, 2018, 3]]))

    def edit(xml: bytes) -> bytes:
        for ref, value, err in (("D2", 1, "#DIV/0!"), ("D3", 2, "#N/A"), ("D4", 3, "#VALUE!")):
            xml = xml.replace(f'<c r="{ref}" t="n"><v>{value}</v></c>'.encode(),
                              f'<c r="{ref}" t="e"><f>1/0</f><v>{err}</v></c>'.encode())
        return xml

    result = check(store, patched(data, "xl/worksheets/sheet1.xml", edit))
    found = errors(result)
    assert found["code"].tolist() == ["excel_error"] * 3
    assert found["cell"].tolist() == ["#DIV/0!", "#N/A", "#VALUE!"] and found["row"].tolist() == [2, 3, 4]


def test_a_percentage_typed_as_a_fraction_needs_a_confirmation(store):
    """Issue 15, item 4: R&D 2015 = 0.0157 would overwrite the plan's 1.57 and make the chart dip to 0."""
    data = xlsx(("数据", [HEAD, ["重庆市", RD, 2015, 0.0157]]))
    result = check(store, data)
    assert set(errors(result)["code"]) == {"unusual_value", "replaces_stated"}
    unusual = errors(result).set_index("code").loc["unusual_value"]
    assert "应填 1.57" in message(unusual) and "--confirm-unusual" in message(unusual)
    stated = errors(result).set_index("code").loc["replaces_stated"]
    assert "规划文本陈述的 1.57 %" in message(stated)
    assert check(store, data, confirm_unusual=True).has_errors         # the plan's value needs its own yes
    both = check(store, data, confirm_unusual=True, confirm_stated=True)
    assert not both.has_errors and {"unusual_value_confirmed", "replaces_stated_confirmed"} <= codes(both)


def test_an_unusual_percentage_without_history_is_judged_on_the_indicator_scale(store):
    result = check(store, xlsx(("数据", [HEAD, ["重庆高新区", RD, 2019, 0.03]])))
    assert errors(result)["code"].tolist() == ["unusual_scale"]


# -- (3) no silent loss -----------------------------------------------------------------------------------------
def test_unreadable_year_headers_are_errors_naming_the_header(store):
    data = xlsx(("数据", [["地区", "指标", "2016", "2017.5", "18年", "二〇一九年"],
                          ["重庆市", FIRMS, 1435, 1500, 1600, 1700]]))
    result = check(store, data)
    bad = errors(result)
    assert bad["code"].tolist() == ["bad_year_header"] * 3
    assert bad["cell"].tolist() == ["2017.5", "18年", "二〇一九年"] and "「18年」" in message(bad.iloc[1])
    assert values(result) == {("重庆市", FIRMS, 2016): 1435}


def test_year_columns_beside_a_long_table_are_a_warning_naming_them(store):
    data = xlsx(("数据", [HEAD + ["2017", "2018"], ["重庆市", FIRMS, 2016, 1435, 2000, 3141]]))
    result = check(store, data)
    unused = result.problems[result.problems["code"] == "unused_column"]
    assert unused["column"].tolist() == ["E", "F"] and "「2017」" in message(unused.iloc[0])


def test_hidden_rows_columns_and_a_hidden_data_sheet_are_reported(store):
    wb = openpyxl.Workbook()
    notes = wb.active
    notes.title = "说明"
    notes.append(["本表由统计局提供"])
    data = wb.create_sheet("数据")
    for row in [HEAD, ["重庆市", FIRMS, 2016, 1435], ["重庆市", FIRMS, 2017, 2000]]:
        data.append(row)
    data.row_dimensions[3].hidden = True
    data.column_dimensions["D"].hidden = True
    data.sheet_state = "hidden"
    buf = io.BytesIO()
    wb.save(buf)
    result = check(store, buf.getvalue())
    by_code = result.problems.set_index("code")
    assert {"hidden_sheet_read", "hidden_rows", "hidden_columns"} <= set(by_code.index)
    assert "第 3 行" in message(by_code.loc["hidden_rows"]) and "D" in message(by_code.loc["hidden_columns"])
    assert len(values(result)) == 2


def test_a_sheet_with_numbers_but_no_header_is_a_warning(store):
    data = xlsx(("数据", [HEAD, ["重庆市", FIRMS, 2016, 1435]]), ("附表", [["随便"], [1, 2, 3]]))
    warning = check(store, data).problems.set_index("code").loc["unused_sheet"]
    assert warning["level"] == "warning" and "附表" in message(warning)


# -- (4) correct refusals, valid files read ---------------------------------------------------------------------
@pytest.mark.parametrize("marker", ["…", "……", "...", "—"])
def test_the_documented_missing_markers_are_accepted(store, marker):
    result = check(store, xlsx(("数据", [HEAD, ["重庆市", FIRMS, 2016, marker], ["重庆市", FIRMS, 2017, 2000]])))
    assert not result.has_errors and result.validation.skipped == 1


def test_semicolons_inside_a_note_do_not_make_it_a_semicolon_file(store):
    rows = [HEAD + ["备注"], ["重庆市", FIRMS, 2016, 1435, '"快报";"年报"'], ["重庆市", FIRMS, 2017, 2000, ""]]
    result = check(store, csv_bytes(rows, "utf-8"), name="notes.csv")
    assert not result.has_errors and len(values(result)) == 2


def test_tab_separated_utf16_text_as_excel_saves_it(store):
    text = "\t".join(HEAD) + "\n" + "\t".join(["重庆市", FIRMS, "2016", "1435"]) + "\n"
    result = check(store, codecs.BOM_UTF16_LE + text.encode("utf-16-le"), name="unicode.txt")
    assert values(result) == {("重庆市", FIRMS, 2016): 1435}


def test_a_big5_csv_is_read(store):
    rows = [["地區", "指標", "年份", "數值"], ["重慶市", "高新技術企業", 2016, 1435]]
    result = check(store, csv_bytes(rows, "big5"), name="big5.csv")
    assert values(result) == {("重庆市", FIRMS, 2016): 1435}


def test_an_excel_workbook_named_csv_is_read_as_excel_with_a_warning(store):
    result = check(store, xlsx(("数据", [HEAD, ["重庆市", FIRMS, 2016, 1435]])), name="统计局.csv")
    warning = result.problems.set_index("code").loc["extension_mismatch"]
    assert "Excel 工作簿" in message(warning) and values(result) == {("重庆市", FIRMS, 2016): 1435}


def test_a_password_protected_workbook_says_so(store):
    # An encrypted .xlsx is an OLE compound file whose directory names the stream EncryptedPackage (UTF-16).
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + "EncryptedPackage".encode("utf-16-le") + b"\x00" * 64
    err = refusal(store, data, name="加密.xlsx")
    assert err.code == "password_protected" and "密码" in err.message("zh") and "password" in err.message("en")


def test_binary_bytes_named_csv_are_refused_as_not_text(store):
    assert refusal(store, b"\x00\x01\x02binary" * 10, name="x.csv").code == "not_text"


# -- provenance -------------------------------------------------------------------------------------------------
def test_every_uploaded_value_carries_its_source(store):
    """Issue 15, item 5: the 来源 column, else the sheet's own 数据来源 line, else the file's name."""
    column = check(store, xlsx(("数据", [HEAD + ["来源"], ["重庆市", FIRMS, 2016, 1435, "统计年鉴"]])))
    above = check(store, xlsx(("数据", [["数据来源:市统计局"], HEAD, ["重庆市", FIRMS, 2016, 1435]])))
    below = check(store, xlsx(("数据", [HEAD, ["重庆市", FIRMS, 2016, 1435], ["资料来源:《重庆统计年鉴2017》"]])))
    neither = check(store, xlsx(("数据", [HEAD, ["重庆市", FIRMS, 2016, 1435]])), name="统计局2016.xlsx")
    sources = [r.validation.rows["source"].iloc[0] for r in (column, above, below, neither)]
    assert sources == ["统计年鉴", "市统计局", "《重庆统计年鉴2017》", "统计局2016.xlsx"]


def test_problems_of_the_reader_render_in_english(store):
    err = refusal(store, far_cell("AMJ2", 2))
    english = err.message("en").replace("数据", "")          # the sheet's own name is data
    assert "columns" in english and not any("\u4e00" <= ch <= "\u9fff" for ch in english)
    lookalike = errors(check(store, xlsx(("数据", [HEAD, ["重庆市", FIRMS, 2016, "①"]])))).iloc[0]
    assert "looks like a digit" in render_problem(lookalike["code"], lookalike["params"], "en")


def test_the_file_picker_states_the_reader_s_own_upload_limit():
    import tomllib

    from tracker.actuals.limits import MAX_FILE_BYTES

    config = tomllib.loads((Path(__file__).resolve().parent.parent / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["maxUploadSize"] * 2**20 == MAX_FILE_BYTES


def test_the_import_report_shows_control_characters_as_escapes(store):
    """A cell holding ESC [2J (clear screen) or a right-to-left override is reported, not executed."""
    from tracker.actuals.importer import report, terminal_safe

    data = csv_bytes([HEAD, ["重庆市", RD, "2016", "\x1b[2J2.1\u202e"]], "utf-8")
    text = report(check(store, data, name="evil.csv"))
    assert "\x1b" not in text and "\u202e" not in text and "\\x1b[2J" in text
    assert terminal_safe("重庆市\t2016　年") == "重庆市\t2016　年"          # CJK, tabs and ideographic spaces stay
