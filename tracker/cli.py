"""Command line for IT staff and scheduled reports.

  python -m tracker status [--plan …] [--region …] [--as-of YEAR] [--format csv|json|table]
                           [--pending include|exclude]
  python -m tracker import FILE [--dry-run] [--user NAME]
  python -m tracker approve --plan PLAN_ID --year YEAR --user NAME
  python -m tracker export --out DIR [--plan …] [--as-of YEAR] [--lang zh|en] [--pending include|exclude] [--db FILE]
  python -m tracker user add NAME --role viewer|editor|reviewer|admin | passwd NAME | disable NAME | enable NAME
                    | list
  python -m tracker plan extract FILE [--region …] [--start YEAR] [--end YEAR] [--format csv|json|review]
  python -m tracker plan add FILE --reviewed REVIEWED.csv --user NAME [--title …] [--region …] [--start …] [--end …]
  python -m tracker backup OUT.zip [--db FILE]      python -m tracker restore IN.zip [--db FILE] [--replace]
"""

from __future__ import annotations

import argparse
import os
import sys

import pandas as pd

from tracker.config import DB_HELP, database_arg
from tracker.db.store import open_for_command
from tracker.reports.cells import neutralise_frame
from tracker.views import service
from tracker.views.read_model import Snapshot

# The status command's columns, in reading order.
STATUS_COLUMNS = [
    "target_id", "plan_id", "region", "indicator", "kind", "comparator", "unit", "binding",
    "baseline_year_used", "baseline_value_used", "target_year", "target_value_used", "stretch_value",
    "as_of", "latest_year", "latest_value", "elapsed", "expected_value", "target_completion",
    "increment_completion", "schedule_ratio", "schedule_status", "schedule_label", "final", "trend_ratio",
    "trend_status", "trend_label", "projected_value", "projected_gap", "required_growth", "post_plan_year",
    "post_plan_value", "note",
]


def status(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m tracker status",
                                     description="目标评估表 / the verdict table of every target")
    parser.add_argument("--plan", help="规划编号 plan_id, 如 cq_sti_13fyp")
    parser.add_argument("--region", help="地区, 如 重庆市")
    parser.add_argument("--as-of", type=int, dest="as_of", help="评估年份 (默认: 最新数据年份)")
    parser.add_argument("--format", choices=["csv", "json", "table"], default="csv")
    parser.add_argument("--lang", choices=["zh", "en"], default="zh")
    add_pending_option(parser)
    parser.add_argument("--db", type=database_arg, help=DB_HELP)
    args = parser.parse_args(argv)
    pending = args.pending == "include"
    # DuckDB's buffers are capped: a command shares the server with the app.
    store = open_for_command(args.db, read_only=True, memory_limit="256MB")
    if store is None:
        return 3
    try:
        plans = set(store.plans()["plan_id"])
        if args.plan and args.plan not in plans:
            print(f"未知规划 {args.plan};可选: {', '.join(sorted(plans))}", file=sys.stderr)
            return 2
        snap = Snapshot.read(store, pending=pending)
    finally:
        store.close()
    # Which values were used: on stderr for csv and json (stdout stays machine-readable), above a table.
    used = values_used(pending, args.lang, snap.pending_count(args.plan))
    if args.format != "table":
        print(used, file=sys.stderr)
    # A province's plan is judged and written a slice at a time: the whole verdict table would hold ten times the
    # memory of one slice.
    chunks = (chunk[STATUS_COLUMNS] for chunk in service.verdicts_in_chunks(
        snap, plan_id=args.plan, region=args.region, as_of=args.as_of, lang=args.lang))
    if args.format == "csv":
        for i, chunk in enumerate(chunks):
            neutralise_frame(chunk).to_csv(sys.stdout, index=False, header=i == 0)   # may be opened in Excel
    elif args.format == "json":
        sys.stdout.write("[")
        for i, chunk in enumerate(chunks):
            records = chunk.to_json(orient="records", force_ascii=False, indent=1).strip()[1:-1].strip("\n")
            if records:
                sys.stdout.write(("," if i else "") + "\n" + records)
        sys.stdout.write("\n]\n")
    else:
        table = pd.concat(list(chunks), ignore_index=True)
        columns = ["target_id", "indicator", "target_year", "latest_value", "target_value_used", "target_completion",
                   "schedule_label", "trend_label"]
        sys.stdout.write(used + "\n" + table[columns].to_string(index=False) + "\n")
    return 0


def add_pending_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--pending", choices=["include", "exclude"], default="exclude",
                        help="待审核数值: exclude 不计入 (默认, 仅已审核) / include 计入 (以最新提交为准)")


def values_used(pending: bool, lang: str, waiting: int) -> str:
    """Which values a command's output used, and how many wait for review."""
    from tracker.i18n import t

    text = t("values_with_pending" if pending else "values_approved", lang)
    if waiting:
        text += (f"(待审核 {waiting} 个)" if lang == "zh" else f" ({waiting} pending review)")
    return text


def run_approve(argv: list[str]) -> int:
    """python -m tracker approve --plan … --year … --user NAME: approve every pending value of the series a plan
    targets for the year and lock the year, signed in as a reviewer or an admin (password from a prompt or
    $TRACKER_PASSWORD)."""
    from tracker import commands
    from tracker.access.actions import Action, PermissionDenied
    from tracker.actuals.importer import sign_in

    parser = argparse.ArgumentParser(prog="python -m tracker approve",
                                     description="审核通过并锁定规划年度 / approve a plan's year and lock it")
    parser.add_argument("--plan", required=True, help="规划编号 plan_id")
    parser.add_argument("--year", type=int, required=True, help="年度")
    parser.add_argument("--user", required=True, help="审核账户名 (密码来自提示或 $TRACKER_PASSWORD)")
    parser.add_argument("--db", type=database_arg, help=DB_HELP)
    args = parser.parse_args(argv)
    store = open_for_command(args.db)
    if store is None:
        return 3
    try:
        if args.plan not in set(store.plans()["plan_id"]):
            print(f"未知规划 {args.plan}", file=sys.stderr)
            return 2
        user = sign_in(store, args.user.strip(), action=Action.REVIEW_VALUES)
        if user is None:
            return 5
        try:
            count = commands.approve_plan_year(store, user, args.plan, args.year)
        except (ValueError, PermissionDenied) as exc:
            print(exc, file=sys.stderr)
            return 5 if isinstance(exc, PermissionDenied) else 1
        print(f"《{args.plan}》{args.year}年:审核通过 {count} 个数值,已锁定(审核人 {user.username})。")
        return 0
    finally:
        store.close()


def run_import(argv: list[str]) -> int:
    from tracker.actuals.importer import main_import

    return main_import(argv)


def run_export(argv: list[str]) -> int:
    from tracker.reports.export_cli import main_export

    return main_export(argv)


def run_user(argv: list[str]) -> int:
    from tracker.access.users_cli import main_user

    return main_user(argv)


def run_plan(argv: list[str]) -> int:
    if not argv or argv[0] not in ("extract", "add"):
        print("用法 / usage: python -m tracker plan extract FILE [--region …] [--start YEAR] [--end YEAR] "
              "[--format csv|json|review]\n"
              "              python -m tracker plan add FILE --reviewed REVIEWED.csv --user NAME [--title …] …",
              file=sys.stderr)
        return 2
    from tracker.intake.cli import main_add, main_extract

    return (main_extract if argv[0] == "extract" else main_add)(argv[1:])


def run_backup(argv: list[str]) -> int:
    from tracker.db.backup_cli import main_backup

    return main_backup(argv)


def run_restore(argv: list[str]) -> int:
    from tracker.db.backup_cli import main_restore

    return main_restore(argv)


COMMANDS = {"status": status, "import": run_import, "approve": run_approve, "export": run_export, "user": run_user,
            "plan": run_plan, "backup": run_backup, "restore": run_restore}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] not in COMMANDS:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    try:
        return COMMANDS[argv[0]](argv[1:])
    except BrokenPipeError:
        # The reader stopped early (… | head): not an error. Point stdout at devnull so exit does not complain.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
