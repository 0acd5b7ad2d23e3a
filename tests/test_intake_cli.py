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
    assert run("plan", "add")[0] == 2
    assert run("plan", "extract", str(tmp_path / "missing.docx"))[0] == 2
