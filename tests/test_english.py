"""An English page shows no Chinese except the data's own words (names, quotes, units, the catalogue's notes)."""

import re

import pytest

from tests.test_app import _app, open_page
from tracker.config import SEEDS_DIR
from tracker.db.store import Store
from tracker.i18n import t

CJK = re.compile(r"[\u3400-\u9fff\uff08\uff09\uff0c\uff1a\uff1b\u3001\u3002\u201c\u201d]")
PAGES = ["overview", "indicator", "compare", "evaluation", "units", "sources", "methodology"]


@pytest.fixture(scope="module")
def data_words(progress_db_path) -> list[str]:
    """Every text the database holds (what the plans and the catalogue say), longest first."""
    import gc

    import streamlit as st

    # A page run before may still hold the file read-write through the cached store; DuckDB refuses a second
    # connection of another configuration (read-only) in the same process, so this one opens it as the app does.
    st.cache_resource.clear()
    gc.collect()
    store = Store.open(progress_db_path)
    try:
        words = set()
        for table in ("plans", "regions", "indicators", "indicator_aliases", "targets_full", "target_quotes",
                      "plan_structure", "checks", "etl_notes", "actuals_current"):
            frame = store.query_df(f"SELECT * FROM {table}")  # table names are constants of this test
            for column in frame.columns:
                if frame[column].dtype == object or str(frame[column].dtype).startswith(("str", "string")):
                    words |= {str(v) for v in frame[column].dropna().unique()}
    finally:
        store.close()
    return sorted((w for w in words if CJK.search(w)), key=len, reverse=True)


def visible_text(at) -> list[str]:
    """Titles, captions, markdown, labels, metrics and table headers and cells as the page shows them."""
    texts = [e.value for kind in ("title", "header", "subheader", "caption", "markdown", "info", "warning")
             for e in getattr(at, kind)]
    texts += [m.label for m in at.metric]
    texts += [w.label for kind in ("selectbox", "multiselect", "text_input", "radio") for w in getattr(at, kind)]
    for frame in at.dataframe:
        texts += [str(c) for c in frame.value.columns]
        texts += [str(v) for v in frame.value.astype(str).to_numpy().ravel()]
    return texts


def chinese_left(text: str, words: list[str], seeds: str) -> str:
    """The Chinese in text that is neither a data word nor a passage of a plan document (quotes in context)."""
    for word in words:
        if word in text:
            text = text.replace(word, " ")
    runs = re.findall(rf"{CJK.pattern}+", text)
    return "".join(run for run in runs if run not in seeds)


@pytest.mark.parametrize("page", PAGES)
def test_english_page_has_no_chinese_but_data(page, progress_db_path, monkeypatch, data_words):
    at = _app(progress_db_path, monkeypatch)
    at.session_state["lang"] = "en"
    at = open_page(at, page)
    assert not at.exception
    # The language switch names both languages on purpose.
    shown = [text for text in visible_text(at) if text != t("language", "en")]
    seeds = "".join(path.read_text(encoding="utf-8") for path in sorted(SEEDS_DIR.glob("*.txt")))
    leftovers = {text[:60]: chinese_left(text, data_words, seeds) for text in shown}
    leftovers = {text: left for text, left in leftovers.items() if left}
    assert not leftovers, leftovers


def test_every_catalogue_entry_has_both_languages_and_the_same_placeholders():
    """One catalogue: each string, label and message in Chinese and English, with the same {parameters}."""
    from tracker.i18n import STRINGS, labels, messages

    tables = {"STRINGS": STRINGS, "NOTE_MESSAGES": messages.NOTE_MESSAGES,
              "REASON_MESSAGES": messages.REASON_MESSAGES,
              "PROBLEM_MESSAGES": messages.PROBLEM_MESSAGES,
              **{name: value for name, value in vars(labels).items() if name.isupper() and isinstance(value, dict)
                 and all(isinstance(v, tuple) for v in value.values())}}
    placeholder = re.compile(r"\{(\w*)\}")
    for name, table in tables.items():
        for key, (zh, en) in table.items():
            assert zh and en, (name, key)
            assert sorted(placeholder.findall(zh)) == sorted(placeholder.findall(en)), (name, key)


def test_every_problem_the_validator_or_reader_can_raise_has_a_message():
    """Problem codes are written in tracker/actuals; each one is in the catalogue (a typo would show the raw code)."""
    from pathlib import Path

    from tracker.i18n.messages import PROBLEM_MESSAGES

    source = "".join(p.read_text(encoding="utf-8") for p in sorted((Path(__file__).parent.parent / "tracker"
                                                                      / "actuals").glob("*.py")))
    literal = set(re.findall(r'(?:_at\(raw, [^\n]*?"(?:error|warning)", |problem\("(?:error|warning)", |'
                             r'UnreadableFile\(|"code": )"([a-z_0-9]+)"', source))
    dynamic = {f"{kind}_{field}" for kind in ("missing", "unknown") for field in ("region", "indicator")} | {
        f"{field}_assumed" for field in ("region", "year")}
    assert len(literal) > 25, literal
    assert literal | dynamic <= set(PROBLEM_MESSAGES), (literal | dynamic) - set(PROBLEM_MESSAGES)


@pytest.mark.parametrize("page", ["reporting", "review"])
def test_english_staff_pages_have_no_chinese_but_data(page, people_db_path, tmp_path, monkeypatch, data_words):
    """The office's own pages, signed in as an admin, with a value waiting for review."""
    import shutil
    from datetime import datetime

    import pandas as pd
    from conftest import ADMIN, CLERK

    from tracker import commands

    db = tmp_path / "tracker.duckdb"
    shutil.copyfile(people_db_path, db)
    store = Store.open(db)
    try:
        commands.commit_actuals(store, CLERK, pd.DataFrame([{"region": "X区", "indicator": "组建产学研用合作团队",
                                                             "year": 2022, "value": 12.0}]), kind="entry")
    finally:
        store.close()
    at = _app(db, monkeypatch)
    now = datetime.now()
    at.session_state["auth"] = {"user": ADMIN, "signed_in_at": now, "last_seen_at": now}
    at.session_state["lang"] = "en"
    at = open_page(at, page, plan="xq_collab_2022")
    assert not at.exception, at.exception
    shown = [text for text in visible_text(at) if text != t("language", "en")]
    seeds = "".join(path.read_text(encoding="utf-8") for path in sorted(SEEDS_DIR.glob("*.txt")))
    words = [*data_words, "张三", "管理员", "X区汽车产业基地", "X区医药健康产业基地", "X区信息安全产业基地", "X区农业优势特色产业基地"]
    leftovers = {text[:60]: chinese_left(text, sorted(words, key=len, reverse=True), seeds) for text in shown}
    leftovers = {text: left for text, left in leftovers.items() if left}
    assert not leftovers, leftovers
