"""The ETL: the catalogue it builds, its checks, and that it never loses what people entered."""

from datetime import datetime

import pandas as pd
import pytest
import yaml

from etl.build import build_tables, run_build
from etl.catalogue import CatalogueError, load_catalogue
from tracker.config import SEEDS_DIR
from tracker.db.store import Store


def target(built, target_id: str) -> dict:
    rows = built.tables["targets"].set_index("target_id")
    assert target_id in rows.index, f"{target_id} missing from the catalogue"
    return rows.loc[target_id].to_dict()


def test_every_target_quote_is_in_its_seed_file(built):
    seeds = {}
    for row in built.tables["targets"].itertuples():
        text = seeds.setdefault(row.seed_file, (SEEDS_DIR / row.seed_file).read_text(encoding="utf-8"))
        assert row.quote in text, row.target_id
        assert text[row.quote_offset:row.quote_offset + len(row.quote)] == row.quote, row.target_id


def test_targets_per_document(built):
    counts = built.tables["targets"].groupby("seed_file").size().to_dict()
    # The documented counts (docs/catalogue.md); a change here must be a reviewed change of the catalogue.
    assert counts == {
        "000_f48e53bc947ca9c7.txt": 40,
        "001_50d1ef540ed6ad96.txt": 11,
        "002_951e26e39fb03e55.txt": 4,
        "003_650c5ad76bff8716.txt": 76,
        "004_e3622a0b5ed1d8e0.txt": 22,
    }


def test_every_grammar_kind_is_present(built):
    kinds = set(built.tables["targets"]["kind"])
    assert kinds == {"level", "approx", "range", "floor_stretch", "growth", "doubling", "per_year",
                     "cumulative", "coverage", "relative", "qualitative"}


@pytest.mark.parametrize(("target_id", "expected"), [
    # 专栏2, parsed from the table: level with baseline and 属性
    ("cq13-table2-02", {"kind": "level", "comparator": ">=", "target_value": 2.5, "baseline_value": 1.57,
                        "baseline_year": 2015, "target_year": 2020, "binding": "预期性", "unit": "%",
                        "indicator": "研究与试验发展经费投入强度", "origin": "table"}),
    ("cq13-table2-04", {"target_value": 3000, "baseline_value": 1035, "unit": "家"}),
    # 威海: 突破2.2%,力争达到2.5%以上
    ("wh-rd-intensity-2017", {"kind": "floor_stretch", "comparator": ">", "target_value": 2.2,
                              "stretch_value": 2.5, "target_year": 2017, "indicator": "研究与试验发展经费投入强度"}),
    # 威海: 高新技术企业数量年均增长12%以上
    ("wh-high-tech-enterprises-growth-2017", {"kind": "growth", "growth_rate": 12, "comparator": ">=",
                                              "indicator": "高新技术企业"}),
    # 技术合同成交额 力争实现翻番 from 241.5亿元 in 2015
    ("cq13-tech-contract-doubling-2020", {"kind": "doubling", "multiple": 2, "baseline_value": 241.5,
                                          "baseline_year": 2015, "target_value": 483}),
    # 每年新认定3―5家国家级技术创新平台 (traditional seed)
    ("cqw-natl-platforms-per-year", {"kind": "range", "comparator": "between", "target_value": 3,
                                     "target_value_hi": 5, "basis": "per_year"}),
    # 新培育国家级高新区23个 read as 2–3
    ("cq13-national-hitech-zones-new-2020", {"kind": "range", "target_value": 2, "target_value_hi": 3}),
    ("cqw-maker-spaces-2016", {"kind": "per_year", "target_value": 200, "basis": "per_year"}),
    ("cqw-rd-institutions-2017", {"kind": "cumulative", "target_value": 30, "basis": "cumulative",
                                  "start_year": 2016}),
    ("cq13-incubator-coverage-2020", {"kind": "coverage", "target_value": 100, "unit": "%"}),
    ("xq-rd-vs-city-2022", {"kind": "relative", "relative_to_region": "重庆市", "comparator": ">",
                            "region": "X区"}),
    ("wh-rd-intensity-increase-rank-2017", {"kind": "qualitative"}),
])
def test_targets_are_typed_right(built, target_id, expected):
    row = target(built, target_id)
    assert {key: row[key] for key in expected} == expected


def test_approx_target(built):
    approx = built.tables["targets"].query("kind == 'approx'")
    assert not approx.empty and set(approx["comparator"]) == {"≈"}
    assert (approx["quote"].str.contains("左右")).all()


def test_milestones_in_two_years_form_one_group(built):
    first, second = target(built, "cqw-rd-centres-2016"), target(built, "cqw-rd-centres-2017")
    assert (first["target_value"], first["target_year"]) == (2, 2016)
    assert (second["target_value"], second["target_year"]) == (3, 2017)
    assert first["milestone_group"] == second["milestone_group"] == "cqw-rd-centres-2016"


def test_traditional_seed_is_displayed_in_simplified(built):
    row = target(built, "cqw-natl-platforms-per-year")
    assert row["subject_original"] == "國家級技術創新平台"
    assert row["subject"] == "国家级技术创新平台"
    assert "每年新認定3―5家" in row["quote"]           # the quote keeps the original characters
    plan = built.tables["plans"].set_index("plan_id").loc["cq_work_2016"]
    assert plan["title_original"].startswith("重慶市")
    assert plan["title"] == "重庆市深入实施创新驱动发展战略工作方案"


def test_one_indicator_under_two_names_but_tech_smes_kept_apart(built):
    aliases = built.tables["indicator_aliases"].set_index("alias")["indicator_id"]
    assert aliases["全社会研发经费占生产总值比重"] == "rd_intensity"
    ids = set(built.tables["indicators"]["indicator_id"])
    assert {"tech_smes", "tech_enterprises"} <= ids
    assert target(built, "wh-tech-smes-2017")["indicator_id"] == "tech_smes"


def test_seed_actuals_include_tables_and_text_baselines(built):
    actuals = built.seed_actuals.set_index(["region", "indicator", "year"])["value"]
    assert actuals[("重庆市", "研究与试验发展经费投入强度", 2010)] == 1.27
    assert actuals[("重庆市", "高新技术企业", 2015)] == 1035
    assert actuals[("重庆市", "技术合同成交额", 2015)] == 241.5
    assert actuals[("重庆市", "建有研发机构的规模以上工业企业", 2015)] == 722
    assert built.seed_actuals["quote"].notna().all()
    # 专栏1 prints —— for the 2010 value of two indicators: nothing is invented for them.
    assert ("重庆市", "知识密集型服务业增加值占地区生产总值的比重", 2010) not in actuals.index


def checks_of(built, kind):
    checks = built.tables["checks"]
    return checks[checks["check_kind"] == kind]


def test_decomposition_checks(built):
    found = checks_of(built, "decomposition").set_index("observed")
    assert found.loc["3+3+4 = 10", "status"] == "ok"
    by_expected = checks_of(built, "decomposition").groupby("expected")["status"].apply(sorted).to_dict()
    assert by_expected[">= 90"] == ["warning"]              # 30+30+30+10 = 100 against 市级 "90个以上"
    assert by_expected[">= 100"] == ["ok", "ok", "ok"]     # teams, projects, platforms 10+90


def test_two_targets_for_one_indicator_are_flagged(built):
    duplicate = checks_of(built, "duplicate_target").set_index("subject")
    assert duplicate.loc["技术合同成交额", "status"] == "mismatch"
    assert "400" in duplicate.loc["技术合同成交额", "message"] and "483" in duplicate.loc["技术合同成交额", "message"]


def test_text_restatements_and_tables_agree(built):
    assert set(checks_of(built, "restatement")["status"]) == {"ok"}
    assert len(checks_of(built, "table")) == 10 and set(checks_of(built, "table")["status"]) == {"ok"}


def test_assumptions_are_recorded(built):
    notes = built.tables["etl_notes"]
    messages = " ".join(notes["message"])
    assert "右括号" in messages                                      # 专栏 name cells repaired
    by_target = notes.dropna(subset=["target_id"]).set_index("target_id")["message"]
    assert "2" in by_target["cq13-national-hitech-zones-new-2020"]   # 23个 read as 2–3
    assert "3D" in messages                                          # 83D打印 read as item 8


def test_a_quote_not_in_its_seed_fails_the_build_and_names_the_entry(catalogue_copy, seeds_dir, tmp_path):
    path = catalogue_copy / "001.yaml"
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    doc["targets"][0]["quote"] = "这句话不在文件里"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    store = Store.open(tmp_path / "t.duckdb")
    with pytest.raises(CatalogueError) as excinfo:
        run_build(store, catalogue_copy, seeds_dir)
    assert doc["targets"][0]["id"] in str(excinfo.value)
    assert "quote not found" in str(excinfo.value)
    assert store.scalar("SELECT count(*) FROM targets") == 0
    store.close()


def test_an_unknown_indicator_and_a_bad_kind_are_both_reported(catalogue_copy, seeds_dir):
    path = catalogue_copy / "004.yaml"
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    doc["targets"][0]["indicator"] = "no_such_indicator"
    doc["targets"][1]["kind"] = "sideways"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    with pytest.raises(CatalogueError) as excinfo:
        load_catalogue(catalogue_copy, seeds_dir)
    assert len(excinfo.value.problems) >= 2
    assert any("no_such_indicator" in p for p in excinfo.value.problems)
    assert any("sideways" in p for p in excinfo.value.problems)


def test_an_alias_that_is_another_indicators_name_is_refused(catalogue_copy, seeds_dir):
    # Merging 科技型中小企业 into 科技型企业 by an alias must be caught, not done silently.
    path = catalogue_copy / "indicators.yaml"
    inds = yaml.safe_load(path.read_text(encoding="utf-8"))
    next(i for i in inds if i["id"] == "tech_enterprises")["aliases"].append("科技型中小企业")
    path.write_text(yaml.safe_dump(inds, allow_unicode=True), encoding="utf-8")
    with pytest.raises(CatalogueError, match="科技型中小企业"):
        load_catalogue(catalogue_copy, seeds_dir)


def add_entered_value(store: Store, value: float) -> None:
    """An actual entered by a person after the first build (the entry page's job, done directly here)."""
    with store.transaction() as cur:
        cur.execute("""INSERT INTO batches (batch_id, kind, status, created_by, created_at, row_count)
                       VALUES ('b1', 'entry', 'committed', 'clerk', ?, 1)""", [datetime.now()])
        cur.execute("""INSERT INTO actuals (region, indicator, year, value, unit, batch_id, entered_by, entered_at)
                       VALUES ('重庆市', '研究与试验发展经费投入强度', 2015, ?, '%', 'b1', 'clerk', ?)""",
                    [value, datetime.now()])


def current_value(store: Store, indicator: str, year: int) -> float:
    return store.scalar("SELECT value FROM actuals_current WHERE region = '重庆市' AND indicator = ? AND year = ?",
                        [indicator, year])


def test_rerun_keeps_entered_actuals_and_they_outrank_seed_values(fresh_store):
    add_entered_value(fresh_store, 1.58)          # the bureau revised 2015's 1.57
    before = fresh_store.scalar("SELECT count(*) FROM actuals")
    run_build(fresh_store)
    run_build(fresh_store)
    assert fresh_store.scalar("SELECT count(*) FROM actuals") == before
    assert current_value(fresh_store, "研究与试验发展经费投入强度", 2015) == 1.58
    history = fresh_store.actuals_history("重庆市", "研究与试验发展经费投入强度")
    assert sorted(history[history["year"] == 2015]["value"]) == [1.57, 1.58]   # both revisions kept
    assert fresh_store.scalar("SELECT count(*) FROM targets") == 153


def test_seed_revisions_keep_their_ids_across_runs(fresh_store, built):
    """Unchanged seed rows are not rewritten: their actual_id and entered_at stay; a changed one is replaced."""
    seed = "SELECT actual_id, region, indicator, year, value, entered_at FROM actuals WHERE batch_id = 'seed'"
    before = fresh_store.query_df(seed).sort_values("actual_id").reset_index(drop=True)
    run_build(fresh_store)
    after = fresh_store.query_df(seed).sort_values("actual_id").reset_index(drop=True)
    pd.testing.assert_frame_equal(after, before)

    changed = built.seed_actuals.copy()
    i = changed.index[(changed["indicator"] == "技术合同成交额") & (changed["year"] == 2015)
                      & (changed["region"] == "重庆市")][0]
    changed.loc[i, "value"] = 241.6
    fresh_store.replace_seed_data(built.tables, changed, built.meta)
    again = fresh_store.query_df(seed).set_index("actual_id")
    kept = before.set_index("actual_id")
    gone = set(kept.index) - set(again.index)
    assert len(gone) == 1 and kept.loc[list(gone)[0], "value"] == 241.5
    assert len(again) == len(kept) and again["value"].eq(241.6).sum() == 1


def test_crash_mid_write_leaves_the_previous_build(fresh_store):
    add_entered_value(fresh_store, 1.58)
    snapshot = {t: fresh_store.query_df(f"SELECT * FROM {t}") for t in ("targets", "actuals", "checks", "batches")}

    def crash(_cursor):
        raise RuntimeError("power cut")

    with pytest.raises(RuntimeError, match="power cut"):
        run_build(fresh_store, before_commit=crash)
    for table, frame in snapshot.items():
        pd.testing.assert_frame_equal(fresh_store.query_df(f"SELECT * FROM {table}"), frame)


def test_build_into_an_empty_data_directory(tmp_path):
    path = tmp_path / "nothing-here-yet" / "tracker.duckdb"
    store = Store.open(path)
    run_build(store)
    assert store.scalar("SELECT count(DISTINCT plan_id) FROM targets") == 5
    assert store.scalar("SELECT count(*) FROM actuals_current") > 0
    store.close()
    assert path.is_file()


def test_rebuild_gives_the_same_rows(built):
    again = build_tables()
    pd.testing.assert_frame_equal(again.tables["targets"], built.tables["targets"])


def break_catalogue(catalogue_copy) -> None:
    path = catalogue_copy / "001.yaml"
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    doc["targets"][0]["quote"] = "这句话不在文件里"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")


def test_a_broken_catalogue_on_a_new_path_leaves_no_file(catalogue_copy, tmp_path, monkeypatch, capsys):
    from etl.__main__ import main

    break_catalogue(catalogue_copy)
    path = tmp_path / "new-folder" / "tracker.duckdb"
    assert main(["--db", str(path), "--catalogue", str(catalogue_copy)]) == 2
    assert "数据库未改动" in capsys.readouterr().err
    assert not path.exists() and not path.with_name(path.name + ".wal").exists()
    assert not path.parent.exists()                              # not even the folder it would have made
    monkeypatch.setenv("TRACKER_DB", str(tmp_path / "env.duckdb"))
    assert main(["--catalogue", str(catalogue_copy)]) == 2
    assert list(tmp_path.iterdir()) == [catalogue_copy]


def test_a_failed_write_on_a_new_path_leaves_no_file(tmp_path, monkeypatch, capsys):
    from etl.__main__ import main

    def refuse(*_args, **_kwargs):
        raise ValueError("disk full")

    monkeypatch.setattr(Store, "replace_seed_data", refuse)
    path = tmp_path / "tracker.duckdb"
    assert main(["--db", str(path)]) == 2
    assert "disk full" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_a_broken_catalogue_leaves_an_existing_file_as_it_was(catalogue_copy, tmp_path):
    from etl.__main__ import main

    path = tmp_path / "tracker.duckdb"
    assert main(["--db", str(path)]) == 0
    before = path.read_bytes()
    break_catalogue(catalogue_copy)
    assert main(["--db", str(path), "--catalogue", str(catalogue_copy)]) == 2
    assert path.read_bytes() == before


def test_if_changed_writes_only_a_build_that_differs_from_the_stored_one(catalogue_copy, tmp_path, capsys):
    """scripts/run.sh runs `python -m etl --if-changed` at every start: a new version's catalogue reaches an existing
    database, an unchanged one is not rewritten."""
    from etl.__main__ import main

    path = tmp_path / "tracker.duckdb"
    assert main(["--db", str(path), "--if-changed"]) == 0               # a new file: built
    store = Store.open(path)
    version = store.data_version()
    store.close()
    capsys.readouterr()
    assert main(["--db", str(path), "--if-changed"]) == 0
    assert "未写入" in capsys.readouterr().out
    store = Store.open(path)
    assert store.data_version() == version
    store.close()

    doc = yaml.safe_load((catalogue_copy / "001.yaml").read_text(encoding="utf-8"))
    doc["targets"][0]["note"] = "新版本的说明"
    (catalogue_copy / "001.yaml").write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    assert main(["--db", str(path), "--if-changed", "--catalogue", str(catalogue_copy)]) == 0
    store = Store.open(path)
    try:
        assert store.data_version() != version
        assert "新版本的说明" in store.targets()["note"].tolist()
    finally:
        store.close()
