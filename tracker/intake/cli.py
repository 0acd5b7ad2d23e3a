"""python -m tracker plan extract FILE: the targets a plan document states, proposed as the 新增规划 page proposes
them, printed and never written.

  python -m tracker plan extract FILE [--region NAME] [--start YEAR] [--end YEAR] [--format csv|json] [--db FILE]

The plan's period is guessed from the text as the page guesses it (到2025年 …) unless --start/--end give it; the
indicators and regions the proposals are matched with come from the database when there is one.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import pandas as pd

from tracker.intake import UnreadableDocument, propose_targets, read_document
from tracker.intake.review import Names, guess_meta

# The columns of plan extract, in reading order (the proposal's own names where the catalogue's differ are kept
# beside them: value is target_value, rate is growth_rate, stretch is stretch_value).
COLUMNS = ["quote", "subject", "indicator", "indicator_name", "indicator_match", "role", "kind", "comparator",
           "target_value", "target_value_hi", "stretch_value", "growth_rate", "target_year", "baseline_year",
           "baseline_value", "unit", "binding", "region", "section", "offset", "confidence", "reasons"]


def proposals_frame(document_text: str, *, start: int, end: int, names: Names | None, region: str | None,
                    lang: str = "zh") -> pd.DataFrame:
    """The proposals of a text as rows with COLUMNS."""
    found = propose_targets(document_text, plan_start=start, plan_end=end,
                            indicators=names.for_extraction() if names else (),
                            regions=names.regions["region"].tolist() if names else ())
    rows = []
    for p in found:
        row = p.as_row(lang)
        rows.append({
            **row,
            "target_value": row["value"], "target_value_hi": row["value_hi"], "stretch_value": row["stretch"],
            "growth_rate": row["rate"], "region": row["region"] or region,
            "reasons": row["reasons_text"],
        })
    return pd.DataFrame(rows, columns=COLUMNS)


def main_extract(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m tracker plan extract",
                                     description="列出规划文本中的量化目标(不写入)/ propose a plan's targets, write nothing")
    parser.add_argument("file", type=Path, help=".docx / .pdf / .txt / .html")
    parser.add_argument("--region", help="规划所属地区 / the plan's region")
    parser.add_argument("--start", type=int, help="规划期起始年 / first year of the plan")
    parser.add_argument("--end", type=int, help="规划目标年 / target year of the plan")
    parser.add_argument("--format", choices=["csv", "json"], default="csv")
    parser.add_argument("--lang", choices=["zh", "en"], default="zh")
    parser.add_argument("--db", type=Path, help="DuckDB 文件,用于匹配已有指标 (默认 $TRACKER_DB 或 data/tracker.duckdb)")
    args = parser.parse_args(argv)
    if not args.file.is_file():
        print(f"找不到文件 {args.file} / no such file", file=sys.stderr)
        return 2
    try:
        document = read_document(args.file.name, args.file.read_bytes())
    except UnreadableDocument as exc:
        print(exc.message(args.lang), file=sys.stderr)
        return 1
    names = _names(args.db)
    guess = guess_meta(document.text, names.regions["region"].tolist() if names else [])
    start, end = args.start or guess["start_year"], args.end or guess["target_year"]
    if start > end:
        print(f"规划期起始年 {start} 晚于目标年 {end} / the plan starts after it ends", file=sys.stderr)
        return 2
    table = proposals_frame(document.text, start=start, end=end, names=names,
                            region=args.region or guess["region"] or None, lang=args.lang)
    if table.empty:
        print("文本中没有找到量化目标 / no quantified targets found", file=sys.stderr)
    if args.format == "csv":
        from tracker.reports.cells import neutralise_frame

        neutralise_frame(table).to_csv(sys.stdout, index=False)    # may be opened in Excel
    else:
        records = json.loads(table.to_json(orient="records", force_ascii=False))
        sys.stdout.write(json.dumps(records, ensure_ascii=False, indent=1) + "\n")
    return 0


def _names(db: Path | None) -> Names | None:
    """The store's indicators and regions to match against; None (matching nothing) without a database."""
    from tracker.config import db_path
    from tracker.db.store import DatabaseLockedError, Store

    path = db or db_path()
    if not Path(path).is_file():
        return None
    try:
        store = Store.open(path, read_only=True)
    except (DatabaseLockedError, RuntimeError):
        return None    # the app holds the file, or an older schema: propose without matching
    try:
        return Names.from_store(store)
    finally:
        store.close()
