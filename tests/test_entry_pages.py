"""The entry, upload and batches pages under AppTest: type values in, upload a file, commit, revert."""

from __future__ import annotations

import io
from datetime import datetime

import openpyxl
import pandas as pd
import pytest
from conftest import ADMIN, CLERK, PASSWORD, REVIEWER, VIEWER, add_people
from streamlit.testing.v1 import AppTest

from tracker import commands
from tracker.access.auth import SYSTEM, User
from tracker.config import PROJECT_ROOT
from tracker.db.store import Store

PAGES = PROJECT_ROOT / "screens"
SECOND_CLERK = User("李四", "editor")
TIMEOUT = 60
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def db(request, backend, tmp_path, built, monkeypatch):
    """A database of the test's own with the real catalogue (in the PostgreSQL pass, a PostgreSQL database); the
    pages open it through ui.get_store()."""
    if backend == "postgres":
        s = request.getfixturevalue("pg_store")           # the catalogue and the test accounts
        where = s.url
    else:
        where = tmp_path / "tracker.duckdb"
        s = Store.open(where)
        s.replace_seed_data(built.tables, built.seed_actuals, built.meta)
        add_people(s)        # the pages re-read the signed-in account on every rerun
    commands.add_account(s, SYSTEM, SECOND_CLERK.username, role="editor", password=PASSWORD)
    monkeypatch.setenv("TRACKER_DB", str(where))
    import streamlit as st

    st.cache_resource.clear()
    st.cache_data.clear()
    yield s
    st.cache_resource.clear()       # closes nothing itself, but drops the page's store before the file goes
    s.close()


def page(name: str, user: User | None = CLERK) -> AppTest:
    """A page run on its own, with user signed in (as the sidebar's sign-in form leaves the session)."""
    at = AppTest.from_file(str(PAGES / f"{name}.py"), default_timeout=TIMEOUT)
    if user is not None:
        now = datetime.now()
        at.session_state["auth"] = {"user": user, "signed_in_at": now, "last_seen_at": now}
    return at


def confirm_box(at: AppTest):
    """The upload page's 我已核对 box (its key names the table of changes it confirms)."""
    return next(box for box in at.checkbox if str(box.key).startswith("upload_confirm:"))


def xlsx(rows) -> bytes:
    wb = openpyxl.Workbook()
    for row in rows:
        wb.active.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def current(store, region, indicator, year):
    cur = store.current_values()
    hit = cur[(cur["region"] == region) & (cur["indicator"] == indicator) & (cur["year"] == year)]
    return None if hit.empty else hit.iloc[0]["value"]


def table(at: AppTest, *columns: str):
    """The read-only table that has these columns (st.dataframe keys are not exposed to AppTest)."""
    for df in at.dataframe:
        if df.editing_mode == "read_only" and set(columns) <= set(df.value.columns):
            return df.value
    raise LookupError(columns)


def open_entry(at: AppTest) -> AppTest:
    at.run()
    at.selectbox(key="entry_plan").set_value("cq_sti_13fyp").run()
    at.selectbox(key="entry_region").set_value("重庆市").run()
    at.selectbox(key="entry_year").set_value(2016).run()
    return at


def edit(at: AppTest, changes: dict[str, dict]) -> AppTest:
    """Edit the data editor by indicator name, as a person typing into it would."""
    grid = at.data_editor(key="entry_table").value
    rows = {int(grid.index[grid["indicator"] == name][0]): cols for name, cols in changes.items()}
    at.session_state["entry_table"] = {"edited_rows": rows, "added_rows": [], "deleted_rows": []}
    return at.run()


def test_entry_page_checks_as_you_type_and_saves_one_batch(db):
    at = open_entry(page("entry"))
    assert not at.exception
    grid = at.data_editor(key="entry_table").value
    assert {"研究与试验发展经费投入强度", "高新技术企业"} <= set(grid["indicator"])
    edit(at, {"研究与试验发展经费投入强度": {"value": "120"}, "高新技术企业": {"value": "1,435家"}})
    assert not at.exception
    assert "1 个错误" in at.error[0].value
    problems = table(at, "级别", "说明")
    assert "百分比不能超过 100" in problems["说明"].iloc[0]
    assert problems["单元格"].iloc[0].startswith("第 ") and problems["单元格"].iloc[0].endswith("· 数值")
    assert at.button(key="entry_save").disabled

    edit(at, {"研究与试验发展经费投入强度": {"value": "1.72", "vintage": "快报"}, "高新技术企业": {"value": "1,435家"}})
    assert not at.error
    changes = table(at, "变化", "原值")
    assert set(changes["指标"]) == {"研究与试验发展经费投入强度", "高新技术企业"}
    assert "填报人:张三" in " ".join(c.value for c in at.caption)   # the signed-in account, not free text
    at.button(key="entry_save").click().run()
    assert not at.exception
    assert "已保存批次" in at.success[0].value
    assert current(db, "重庆市", "研究与试验发展经费投入强度", 2016) == 1.72
    assert current(db, "重庆市", "高新技术企业", 2016) == 1435
    batches = db.batches()
    entry = batches[batches["kind"] == "entry"].iloc[0]
    assert (entry["created_by"], entry["revisions"]) == ("张三", 2)
    history = db.value_history("重庆市", "研究与试验发展经费投入强度", 2016)
    assert history.iloc[0]["vintage"] == "快报"
    # The table starts afresh and shows the saved values.
    grid = at.data_editor(key="entry_table").value
    assert grid.set_index("indicator").loc["研究与试验发展经费投入强度", "value"] == "1.72"


def test_entry_page_english(db):  # noqa: ARG001 - the fixture sets TRACKER_DB
    at = page("entry")
    at.session_state["lang"] = "en"
    at.run()
    assert not at.exception and at.title[0].value == "Data entry"


def test_upload_page_shows_problems_and_writes_nothing_on_error(db):
    at = page("upload").run()
    assert not at.exception
    assert len(at.get("download_button")) == 2
    bad = xlsx([["地区", "指标", "年份", "数值"], ["重庆市", "技术合同成交额", 2016, "很多"],
                ["重庆市", "高新技术企", 2016, 1435]])
    at.file_uploader(key="upload_file").set_value(("bad.xlsx", bad, XLSX)).run()
    assert not at.exception
    assert "2 个错误" in at.error[0].value
    problems = table(at, "级别", "说明")
    assert problems[["工作表", "单元格", "内容"]].values.tolist() == [["Sheet", "D2", "很多"], ["Sheet", "B3", "高新技术企"]]
    assert "最接近的名称:高新技术企业" in problems["说明"].iloc[1]
    assert not [b for b in at.button if b.key == "upload_commit"]
    assert db.batches()["kind"].tolist() == ["seed"]


def test_upload_page_in_english_says_the_problems_in_english(db):
    """The same refused file on an English page: every heading and message in English, the data words kept."""
    at = page("upload")
    at.session_state["lang"] = "en"
    at.run()
    bad = xlsx([["地区", "指标", "年份", "数值"], ["重庆市", "技术合同成交额", 2016, "很多"],
                ["重庆市", "高新技术企", 2016, 1435]])
    at.file_uploader(key="upload_file").set_value(("bad.xlsx", bad, XLSX)).run()
    assert not at.exception
    assert "2 errors" in at.error[0].value
    problems = table(at, "Level", "Message")
    assert problems["Level"].tolist() == ["Error", "Error"]
    assert problems["Message"].iloc[0].startswith("Not a number")
    assert problems["Message"].iloc[1] == "Unknown indicator “高新技术企”; closest: 高新技术企业"
    assert db.batches()["kind"].tolist() == ["seed"]


def test_upload_page_diff_confirm_commit_then_revert_on_batches_page(db):
    at = page("upload", SECOND_CLERK).run()
    good = xlsx([["2016年重庆市科技指标"], ["指标", "数值", "单位"],
                 ["技术合同成交额", 250, "亿元"], ["研發投入強度", "1.72%", None]])
    at.file_uploader(key="upload_file").set_value(("统计局.xlsx", good, XLSX)).run()
    assert not at.exception and not at.error
    changes = table(at, "变化", "原值")
    assert changes[["指标", "原值", "新值"]].values.tolist() == [["技术合同成交额", "", "250"],
                                                             ["研究与试验发展经费投入强度", "", "1.72"]]
    assert at.button(key="upload_commit").disabled             # not yet confirmed
    confirm_box(at).check().run()
    at.button(key="upload_commit").click().run()
    assert not at.exception
    assert "已保存批次" in at.success[0].value
    assert current(db, "重庆市", "技术合同成交额", 2016) == 250
    upload = db.batches().iloc[0]
    assert (upload["kind"], upload["file_name"], upload["created_by"], upload["revisions"]) == \
        ("upload", "统计局.xlsx", "李四", 2)

    bp = page("batches", REVIEWER).run()
    assert not bp.exception
    assert table(bp, "批次", "修订数")["批次"].iloc[0] == upload["batch_id"]
    bp.selectbox(key="batches_pick").set_value(upload["batch_id"]).run()
    assert len(table(bp, "原值", "当前有效")) == 2
    assert bp.button(key="batches_revert").disabled
    bp.text_input(key="batches_reason").input("上传了错误的文件").run()
    bp.checkbox(key="batches_confirm").check().run()
    bp.button(key="batches_revert").click().run()
    assert not bp.exception
    assert "已撤销批次" in bp.success[0].value
    assert current(db, "重庆市", "技术合同成交额", 2016) is None
    listing = db.batches().set_index("batch_id")
    assert listing.loc[upload["batch_id"], "status"] == "reverted"
    assert (listing["kind"] == "revert").sum() == 1
    # History of one value shows both the upload and that it no longer counts.
    bp.selectbox(key="batches_history_region").set_value("重庆市").run()
    bp.selectbox(key="batches_history_indicator").set_value("技术合同成交额").run()
    bp.selectbox(key="batches_history_year").set_value(2016).run()
    history = table(bp, "批次状态")
    assert history["批次状态"].tolist() == ["已撤销"] and history["填报人"].tolist() == ["李四"]


@pytest.mark.parametrize("name", ["entry", "upload", "batches"])
@pytest.mark.parametrize("user", [None, VIEWER])
def test_editing_pages_refuse_viewers_and_anonymous_visitors(db, name, user):  # noqa: ARG001
    at = page(name, user).run()
    assert not at.exception
    assert "需要以“填报”或更高角色登录" in at.warning[0].value
    assert not at.get("data_editor") and not at.get("file_uploader")
    assert not [b for b in at.button if b.key in ("entry_save", "upload_commit", "batches_revert")]


def test_batches_page_refuses_to_revert_the_seed_batch(db):  # noqa: ARG001
    at = page("batches").run()
    assert not at.exception
    assert "seed" in at.info[0].value
    assert not [b for b in at.button if b.key == "batches_revert"]


def test_upload_page_asks_for_confirmations_before_a_fraction_replaces_a_stated_percentage(db):
    """Issue 15, item 4: R&D 2015 = 0.0157 is refused until the clerk confirms it is meant, and that it replaces
    the plan's own 1.57."""
    at = page("upload").run()
    fraction = xlsx([["地区", "指标", "年份", "数值"], ["重庆市", "研究与试验发展经费投入强度", 2015, 0.0157]])
    at.file_uploader(key="upload_file").set_value(("统计局2015.xlsx", fraction, XLSX)).run()
    assert not at.exception
    assert "2 个错误" in at.error[0].value
    assert "应填 1.57" in " ".join(table(at, "级别", "说明")["说明"])
    assert not [b for b in at.button if b.key == "upload_commit"]
    at.checkbox(key="upload_confirm_unusual").check().run()
    assert "1 个错误" in at.error[0].value                          # the plan's value still needs its own yes
    at.checkbox(key="upload_confirm_stated").check().run()
    assert not at.error
    confirm_box(at).check().run()
    at.button(key="upload_commit").click().run()
    assert not at.exception and "已保存批次" in at.success[0].value
    assert current(db, "重庆市", "研究与试验发展经费投入强度", 2015) == 0.0157
    # The value carries the file's name as its source (the sheet names none), in the batch and the history.
    history = db.value_history("重庆市", "研究与试验发展经费投入强度", 2015)
    assert history.iloc[0]["source"] == "统计局2015.xlsx" and history.iloc[1]["batch_kind"] == "seed"
    bp = page("batches").run()
    bp.selectbox(key="batches_pick").set_value(db.batches().iloc[0]["batch_id"]).run()
    assert table(bp, "原值", "当前有效")["来源/口径"].tolist() == ["统计局2015.xlsx"]


def test_entry_page_problems_read_in_english_and_typed_values_carry_their_source(db):
    at = page("entry")
    at.session_state["lang"] = "en"
    open_entry(at)
    edit(at, {"研究与试验发展经费投入强度": {"value": "120"}})
    problems = table(at, "Level", "Message")
    assert problems[["Sheet", "Cell"]].iloc[0].tolist()[0] == "Entry table"
    assert problems["Cell"].iloc[0].startswith("row ") and problems["Cell"].iloc[0].endswith("· Value")
    assert problems["Message"].iloc[0].startswith("A percentage cannot exceed 100")
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in " ".join(problems[["Sheet", "Cell", "Message"]]
                                                                .to_numpy().ravel()))
    edit(at, {"研究与试验发展经费投入强度": {"value": "1.72"}})
    at.button(key="entry_save").click().run()
    assert db.value_history("重庆市", "研究与试验发展经费投入强度", 2016).iloc[0]["source"] == "网页填报"


def test_entry_page_a_stated_value_is_replaced_only_when_confirmed(db):
    at = open_entry(page("entry"))
    at.selectbox(key="entry_year").set_value(2015).run()
    edit(at, {"研究与试验发展经费投入强度": {"value": "1.58"}})
    assert "1 个错误" in at.error[0].value and at.button(key="entry_save").disabled
    at.checkbox(key="entry_confirm_stated").check().run()
    assert not at.error and not at.button(key="entry_save").disabled
    at.button(key="entry_save").click().run()
    assert current(db, "重庆市", "研究与试验发展经费投入强度", 2015) == 1.58


def test_an_account_disabled_mid_session_cannot_save_its_open_edits(db):
    """Revocation with a live session: the table is edited, an admin disables the account, Save writes nothing."""
    at = open_entry(page("entry"))
    edit(at, {"高新技术企业": {"value": "1435"}})
    assert not at.button(key="entry_save").disabled
    commands.set_active(db, ADMIN, CLERK.username, False)
    before = len(db.batches())
    at.button(key="entry_save").click().run()
    assert not at.exception
    assert len(db.batches()) == before and current(db, "重庆市", "高新技术企业", 2016) is None
    assert not at.get("data_editor") and not [b for b in at.button if b.key == "entry_save"]
    assert "登录" in " ".join(w.value for w in at.warning)


def test_a_value_someone_else_saved_after_the_check_was_shown_is_not_overwritten(db):
    """Two clerks on one value: 张三 types 1,435 and sees 新增; before he presses 保存, another clerk saves 1,440
    for the same value (another session or app server). His save writes nothing, and the page says which value
    someone else updated and shows it."""
    at = open_entry(page("entry"))
    edit(at, {"高新技术企业": {"value": "1435"}})
    assert table(at, "变化", "原值")["变化"].tolist() == ["新增"]
    other = commands.commit_actuals(db, SECOND_CLERK, pd.DataFrame(
        [("重庆市", "高新技术企业", 2016, 1440.0, "年报")], columns=["region", "indicator", "year", "value", "vintage"]),
        kind="entry", note="另一位填报人")
    before = len(db.batches())
    at.button(key="entry_save").click().run()
    assert not at.exception
    # the table is redrawn with 1,440 (which clears the typed edit) and says why; nothing of 张三's is written
    assert "高新技术企业(2016年) 已被他人更新" in at.warning[0].value
    assert at.data_editor(key="entry_table").value.set_index("indicator").loc["高新技术企业", "value"] == "1440"
    assert len(db.batches()) == before and current(db, "重庆市", "高新技术企业", 2016) == 1440
    assert other in db.batches()["batch_id"].tolist()
    at.run()
    assert not at.warning                                 # said once


def test_an_upload_whose_values_moved_after_the_preview_is_shown_again_to_be_confirmed_again(db):
    """李四 previews a file: one value new, one as stored. Before he commits, another clerk corrects the stored one.
    The commit writes nothing; the page shows the recomputed changes (now two), says why, and wants a new tick."""
    commands.commit_actuals(db, SYSTEM, pd.DataFrame([("重庆市", "高新技术企业", 2016, 1435.0, "年报")],
                                                     columns=["region", "indicator", "year", "value", "vintage"]),
                            kind="entry")
    at = page("upload", SECOND_CLERK).run()
    data = xlsx([["地区", "指标", "年份", "数值", "快报/年报"], ["重庆市", "高新技术企业", 2016, 1435, "年报"],
                 ["重庆市", "技术合同成交额", 2016, 250, "年报"]])
    at.file_uploader(key="upload_file").set_value(("统计局.xlsx", data, XLSX)).run()
    assert table(at, "变化", "原值")["指标"].tolist() == ["技术合同成交额"]
    confirm_box(at).check().run()
    commands.commit_actuals(db, CLERK, pd.DataFrame([("重庆市", "高新技术企业", 2016, 1440.0, "年报")],
                                                    columns=["region", "indicator", "year", "value", "vintage"]),
                            kind="entry", note="另一位填报人的更正")
    before = len(db.batches())
    at.button(key="upload_commit").click().run()
    assert not at.exception
    assert len(db.batches()) == before and current(db, "重庆市", "高新技术企业", 2016) == 1440
    assert "数据刚被他人更新" in at.warning[0].value
    assert table(at, "变化", "原值")[["指标", "原值", "新值"]].values.tolist() == [
        ["高新技术企业", "1,440", "1,435"], ["技术合同成交额", "", "250"]]
    assert not confirm_box(at).value and at.button(key="upload_commit").disabled
    confirm_box(at).check().run()
    at.button(key="upload_commit").click().run()
    assert "已保存批次" in at.success[0].value and current(db, "重庆市", "高新技术企业", 2016) == 1435
