"""The 新增规划 page: paste a plan, review, commit; bad files get a clear message in either language."""

from __future__ import annotations

from conftest import CLERK, VIEWER

from tests.test_entry_pages import db, page  # noqa: F401 - db is a fixture

TEXT = ("Y市科技创新行动方案\n一、主要目标\n到2025年,全市研究与试验发展经费投入强度达到2.8%以上,"
        "新型研发机构达到120家。\n")


def pasted(at):
    at.run()
    at.radio(key="np_source").set_value("paste").run()
    at.text_area(key="np_paste").set_value(TEXT).run()
    return at.button(key="np_read").click().run()


def test_paste_review_and_commit_a_plan(db):  # noqa: F811
    at = pasted(page("new_plan"))
    assert not at.exception, at.exception
    assert at.text_input(key="np_m_title").value == "Y市科技创新行动方案"
    at.text_input(key="np_m_region").set_value("重庆市").run()
    at.number_input(key="np_m_start").set_value(2021).run()
    at.number_input(key="np_m_base").set_value(2020).run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    at.checkbox(key="np_sure").check().run()
    at.button(key="np_commit").click().run()
    assert not at.exception, at.exception
    plans = db.reviewed_plans()
    assert list(plans["title"]) == ["Y市科技创新行动方案"]
    assert len(db.targets(plans["plan_id"].iloc[0])) == 2
    assert any("已写入规划" in s.value for s in at.success)
    plan_id = plans["plan_id"].iloc[0]
    assert at.selectbox(key="np_manage_plan").value == plan_id
    # the plan's details corrected later, with a reason, and the history says so in words
    at.text_input(key=f"np_fix_short:{plan_id}").input("Y市方案(修订)")
    at.number_input(key=f"np_fix_end:{plan_id}").set_value(2026)
    at.text_input(key=f"np_fix_reason:{plan_id}").input("印发稿目标年为2026年")
    next(b for b in at.button if b.proto.is_form_submitter).click().run()
    assert not at.exception, at.exception
    assert any("已更正规划信息" in s.value for s in at.success), [s.value for s in at.success]
    plan = db.plans().set_index("plan_id").loc[plan_id]
    assert (plan["short_name"], plan["target_year"]) == ("Y市方案(修订)", 2026)
    history = at.dataframe[-1].value
    assert "更正规划目标" in set(history["操作"]) and "新增规划" in set(history["操作"])


def test_an_error_in_the_table_blocks_the_commit(db):  # noqa: ARG001, F811
    at = pasted(page("new_plan"))
    at.number_input(key="np_m_start").set_value(2021).run()
    at.session_state["np_editor"] = {"edited_rows": {0: {"target_year": 2030}}, "added_rows": [], "deleted_rows": []}
    at.run()
    problems = at.dataframe[-1].value                      # the last table: the checks
    assert any("第1行「目标年」" in row for row in map(str, problems.to_numpy().ravel()))
    assert not any(b.key == "np_commit" for b in at.button)


def test_a_bad_file_is_refused_in_both_languages(db):  # noqa: ARG001, F811
    at = page("new_plan")
    at.run()
    at.radio(key="np_source").set_value("file").run()
    at.file_uploader(key="np_file").set_value(("规划.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600,
                                                "application/msword")).run()
    at.button(key="np_read").click().run()
    assert any(".docx" in e.value and "Word" in e.value for e in at.error)
    at.session_state["lang"] = "en"
    at.run()
    at.button(key="np_read").click().run()
    assert any("save it as .docx" in e.value for e in at.error)


def test_viewers_are_refused(db):  # noqa: ARG001, F811
    at = page("new_plan", VIEWER).run()
    assert not any(b.key == "np_read" for b in at.button)
    assert CLERK.role == "editor"
