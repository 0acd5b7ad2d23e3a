"""python -m tracker plan extract FILE: the targets a plan document states, proposed as the 新增规划 page proposes
them, printed and never written; python -m tracker plan add FILE --reviewed REVIEWED.csv: the reviewed proposals
committed as a plan, as the page commits it.

  python -m tracker plan extract FILE [--region NAME] [--start YEAR] [--end YEAR] [--format csv|json|review] [--db FILE]
  python -m tracker plan add FILE --reviewed REVIEWED.csv|.xlsx --user NAME [--title …] [--short-name …]
                             [--region …] [--start YEAR] [--end YEAR] [--base-year YEAR] [--issuer …] [--db FILE]

The plan's period is guessed from the text as the page guesses it (到2025年 …) unless --start/--end give it; the
indicators and regions the proposals are matched with come from the database when there is one. `--format review`
writes the page's review table (accept, indicator, region, kind, values, years, quote …): edit it in Excel (accept
是/否, any cell), save it, and commit it with `plan add`.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import pandas as pd

from tracker.config import DB_HELP, database_arg
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
    parser.add_argument("--format", choices=["csv", "json", "review"], default="csv",
                        help="review: 新增规划页的审核表,编辑后用 plan add 提交 / the review table for plan add")
    parser.add_argument("--lang", choices=["zh", "en"], default="zh")
    parser.add_argument("--db", type=database_arg, help="用于匹配已有指标的数据库: " + DB_HELP)
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
    region = args.region or guess["region"] or None
    if args.format == "review":
        return _print_review(document.text, start, end, names, region or "", args.lang)
    table = proposals_frame(document.text, start=start, end=end, names=names, region=region, lang=args.lang)
    if table.empty:
        print("文本中没有找到量化目标 / no quantified targets found", file=sys.stderr)
    if args.format == "csv":
        from tracker.reports.cells import neutralise_frame

        neutralise_frame(table).to_csv(sys.stdout, index=False)    # may be opened in Excel
    else:
        records = json.loads(table.to_json(orient="records", force_ascii=False))
        sys.stdout.write(json.dumps(records, ensure_ascii=False, indent=1) + "\n")
    return 0


def _names(db: Path | str | None) -> Names | None:
    """The store's indicators and regions to match against; None (matching nothing) without a database."""
    from tracker.config import database
    from tracker.db.store import DatabaseLockedError, Store

    path = db or database()
    if isinstance(path, Path) and not path.is_file():
        return None
    try:
        store = Store.open(path, read_only=True)
    except (DatabaseLockedError, RuntimeError, ConnectionError):
        return None    # the app holds the file, or an older schema: propose without matching
    try:
        return Names.from_store(store)
    finally:
        store.close()


def _print_review(text: str, start: int, end: int, names: Names | None, region: str, lang: str) -> int:
    """The review table of the 新增规划 page as CSV (UTF-8 with BOM, formulas neutralised), accept as 是/否."""
    from tracker.intake.review import review_table
    from tracker.reports.cells import csv_bytes

    if names is None:
        print("需要数据库以匹配已有指标:请先运行 python -m etl / a database is needed: run python -m etl",
              file=sys.stderr)
        return 2
    found = propose_targets(text, plan_start=start, plan_end=end, indicators=names.for_extraction(),
                            regions=names.regions["region"].tolist())
    table = review_table(found, names, region, lang)
    table["accept"] = table["accept"].map({True: YES, False: NO})
    if table.empty:
        print("文本中没有找到量化目标 / no quantified targets found", file=sys.stderr)
    sys.stdout.write(csv_bytes(table).decode("utf-8"))       # with its byte-order mark, for Excel
    return 0


YES, NO = "是", "否"
# What an accept cell may say: 是/否 as written, TRUE/FALSE as Excel writes a ticked box, 1/0, y/n.
_TRUE = {"是", "y", "yes", "true", "1", "1.0", "√", "✓", "接受"}
_FALSE = {"否", "n", "no", "false", "0", "0.0", "", "×", "拒绝", "nan"}
# The plain extract's names of review columns.
_EXTRACT_NAMES = {"target_value": "value", "target_value_hi": "value_hi", "stretch_value": "stretch",
                  "growth_rate": "rate"}


def read_reviewed(path: Path) -> pd.DataFrame:
    """The reviewed table: a CSV (UTF-8, or GBK as Excel saves it on a Chinese Windows) or an .xlsx; the plain
    extract's column names are understood; without an accept column every row is accepted (rejected rows were
    deleted). Raises ValueError naming the row and the cell of an accept value it cannot read."""
    from tracker.intake.review import COLUMNS, normalise

    if path.suffix.lower() in (".xlsx", ".xlsm", ".xls"):
        table = pd.read_excel(path, dtype=str, engine="calamine")
    else:
        data = path.read_bytes()
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise ValueError(f"{path.name}:无法识别文件编码(请另存为 UTF-8 或 GBK 的 CSV)")
        import io

        table = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    table = table.rename(columns=lambda c: _EXTRACT_NAMES.get(str(c).strip().lstrip("'"), str(c).strip().lstrip("'")))
    unknown = [c for c in table.columns if c not in COLUMNS and c not in ("indicator_name", "indicator_match",
                                                                         "reasons_text")]
    if "quote" not in table.columns:
        raise ValueError(f"{path.name}:缺少 quote(原文)列,无法核对每个目标的出处")
    # a cell the export protected from being read as a formula ('=…) is given back as written
    table = table.map(lambda v: v[1:] if isinstance(v, str) and v[:2] in {"'=", "'+", "'-", "'@"} else v)
    if "accept" in table.columns:
        accept = []
        for i, cell in enumerate(table["accept"].fillna("").astype(str)):
            word = cell.strip().lower()
            if word not in _TRUE | _FALSE:
                raise ValueError(f"{path.name} 第 {i + 2} 行 accept 列「{cell}」:请填“是”或“否”")
            accept.append(word in _TRUE)
        table["accept"] = accept
    else:
        table["accept"] = True
    table = table.drop(columns=[c for c in unknown if c != "accept"])
    return normalise(table.replace({"": None}))


def main_add(argv: list[str]) -> int:
    """python -m tracker plan add: exit 0 committed, 1 the review has errors (each named by row and column; nothing
    written), 2 a file cannot be read or a wrong argument, 3 the database is busy, 5 the account may not add plans."""
    import dataclasses

    from tracker import commands
    from tracker.access.actions import Action, PermissionDenied
    from tracker.actuals.importer import sign_in
    from tracker.db.store import open_for_command
    from tracker.intake.review import PlanMeta, ReviewRejected

    parser = argparse.ArgumentParser(prog="python -m tracker plan add",
                                     description="提交审核后的规划目标(写入一个新规划)/ commit a reviewed plan")
    parser.add_argument("file", type=Path, help="规划文件 .docx / .pdf / .txt / .html")
    parser.add_argument("--reviewed", type=Path, required=True,
                        help="审核表(plan extract --format review 的输出,编辑后保存为 .csv 或 .xlsx)")
    parser.add_argument("--user", required=True, help="填报账户名 (密码来自提示或 $TRACKER_PASSWORD)")
    parser.add_argument("--title", help="规划全称(默认取自文本)")
    parser.add_argument("--short-name", help="简称(默认取全称前 20 字)")
    parser.add_argument("--region", help="规划所属地区")
    parser.add_argument("--start", type=int, help="规划期起始年")
    parser.add_argument("--end", type=int, help="规划目标年")
    parser.add_argument("--base-year", type=int, help="基期年(默认起始年前一年)")
    parser.add_argument("--issuer", help="发文机关")
    parser.add_argument("--db", type=database_arg, help=DB_HELP)
    args = parser.parse_args(argv)
    for path in (args.file, args.reviewed):
        if not path.is_file():
            print(f"找不到文件 {path} / no such file", file=sys.stderr)
            return 2
    try:
        document = read_document(args.file.name, args.file.read_bytes())
    except UnreadableDocument as exc:
        print(exc.message("zh"), file=sys.stderr)
        return 2
    try:
        table = read_reviewed(args.reviewed)
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return 2
    store = open_for_command(args.db)
    if store is None:
        return 3
    try:
        names = Names.from_store(store)
        guess = guess_meta(document.text, names.regions["region"].tolist())
        start = args.start or guess["start_year"]
        title = (args.title or guess["title"]).strip()
        meta = PlanMeta(title=title, short_name=(args.short_name or title[:20]).strip(),
                        region=names.region(args.region) or args.region or guess["region"], start_year=start,
                        target_year=args.end or guess["target_year"],
                        base_year=args.base_year or (start - 1), issuing_body=args.issuer)
        user = sign_in(store, args.user.strip(), action=Action.ADD_PLANS)
        if user is None:
            return 5
        try:
            done = commands.create_plan(store, user, meta, table, document)
        except PermissionDenied as exc:
            print(exc, file=sys.stderr)
            return 5
        except ReviewRejected as exc:
            print(f"《{meta.title}》未写入,请改正审核表 {args.reviewed.name} 后重试(行号即表格中的行号,第 1 行为表头):",
                  file=sys.stderr)
            for problem in exc.problems:
                shown = dataclasses.replace(problem, row=problem.row + 1) if problem.row is not None else problem
                level = "错误" if problem.severity == "error" else "提示"
                print(f"  [{level}] {shown.message('zh')}", file=sys.stderr)
            return 1
        accepted = int(table["accept"].sum())
        print(f"已新增规划《{done.title}》({done.plan_id}):{accepted} 行已接受,审核人 {user.username}。"
              f"用 python -m tracker status --plan {done.plan_id} 查看评价。")
        return 0
    finally:
        store.close()
