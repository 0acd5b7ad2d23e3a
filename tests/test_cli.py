"""python -m tracker status: one verdict row per target, as CSV or JSON."""

import io
import json
import subprocess
import sys
from contextlib import redirect_stdout

import pandas as pd
import pytest
from conftest import seeded_file

from tracker.cli import main
from tracker.config import PROJECT_ROOT


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    """A database of this module's own: the CLI opens it read-only, which DuckDB refuses for a file the same
    process already holds read-write."""
    return seeded_file(tmp_path_factory.mktemp("cli") / "tracker.duckdb", entered=True)


def run(*args) -> tuple[int, str]:
    out = io.StringIO()
    with redirect_stdout(out):
        code = main(list(args))
    return code, out.getvalue()


def test_csv_has_a_verdict_row_for_every_target(db):
    code, out = run("status", "--db", str(db), "--format", "csv", "--as-of", "2018")
    assert code == 0
    table = pd.read_csv(io.StringIO(out))
    assert len(table) == 153 and table["target_id"].is_unique
    assert set(table["schedule_label"]) >= {"无数据", "已达标"}
    row = table.set_index("target_id").loc["cq13-table2-04"]     # 高新技术企业 3,141 in 2018 ≥ 3,000
    assert (row["schedule_status"], row["latest_value"], row["target_value_used"]) == ("achieved", 3141, 3000)


def test_json_filtered_by_plan_region_and_year(db):
    code, out = run("status", "--db", str(db), "--plan", "cq_sti_13fyp", "--region", "重庆市",
                    "--as-of", "2016", "--format", "json")
    assert code == 0
    rows = json.loads(out)
    assert rows and {r["plan_id"] for r in rows} == {"cq_sti_13fyp"} and {r["region"] for r in rows} == {"重庆市"}
    rd = next(r for r in rows if r["target_id"] == "cq13-table2-02")
    assert (rd["as_of"], rd["latest_year"], rd["latest_value"]) == (2016, 2016, 1.72)


def test_english_labels_and_unknown_plan(db):
    code, out = run("status", "--db", str(db), "--plan", "weihai_2015", "--lang", "en")
    assert code == 0 and "Awaiting final data" in out and "Plan period over" in out   # 2017 plan, data to 2021
    assert run("status", "--db", str(db), "--plan", "nowhere")[0] == 2


def test_module_entry_point(db):
    done = subprocess.run([sys.executable, "-m", "tracker", "status", "--db", str(db), "--format", "table"],
                          cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "研究与试验发展经费投入强度" in done.stdout
    usage = subprocess.run([sys.executable, "-m", "tracker"], cwd=PROJECT_ROOT, capture_output=True, text=True)
    assert usage.returncode == 2 and "status" in usage.stderr
