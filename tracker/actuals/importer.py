"""Command line: `python -m tracker import FILE [--dry-run] --user NAME` — the upload page's parser and validator.

Writing needs an editor account: --user names it and the password comes from a prompt, or from the environment
variable TRACKER_PASSWORD for scripts. A dry run writes nothing and needs no account.

Exit status: 0 committed (or valid in a dry run, or nothing to change), 1 the file has errors (nothing written),
2 the file cannot be read, 3 the database is locked by another process, 5 sign-in failed or the account may not
write.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
import unicodedata
from pathlib import Path

import pandas as pd

from tracker import commands
from tracker.access.actions import Action, PermissionDenied, require
from tracker.access.auth import User
from tracker.actuals.upload import UnreadableFile, UploadCheck, check_upload
from tracker.actuals.validate import VINTAGES
from tracker.config import DB_HELP, database_arg
from tracker.db.store import Store, open_for_command
from tracker.i18n import render_problem

EXIT_OK, EXIT_ERRORS, EXIT_UNREADABLE, EXIT_LOCKED, EXIT_DENIED = 0, 1, 2, 3, 5
SHOWN_PROBLEMS = 200
SHOWN_CHANGES = 50
LEVELS = {"error": "错误", "warning": "提示"}
CHANGES = {"new": "新增", "changed": "修改", "withdrawn": "撤回", "unchanged": "不变"}


def read_password(username: str) -> str | None:
    """TRACKER_PASSWORD when set, else a prompt on the terminal; None without either."""
    if os.environ.get("TRACKER_PASSWORD"):
        return os.environ["TRACKER_PASSWORD"]
    if not sys.stdin.isatty():
        return None
    return getpass.getpass(f"账户 {username} 的密码:")


def sign_in(store: Store, username: str | None, action: Action = Action.WRITE_ACTUALS) -> User | None:
    """The account signing this command in (an editor for an import), or None after printing why not."""
    if not username:
        print("写入需要填报账户:请用 --user 指定账户名(密码在提示时输入,或设置环境变量 TRACKER_PASSWORD)。"
              "只检查不写入可用 --dry-run。", file=sys.stderr)
        return None
    password = read_password(username)
    if password is None:
        print("需要密码:请在终端运行以便输入,或设置环境变量 TRACKER_PASSWORD。", file=sys.stderr)
        return None
    try:
        user = store.sign_in(username, password, channel="cli", client=f"cli:{getpass.getuser()}")
        return require(user, action)
    except (ValueError, PermissionDenied) as exc:
        print(exc, file=sys.stderr)
        return None


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m tracker import",
                                description="导入实际值文件(.xlsx / .csv):检查、显示变化、确认后一次写入")
    p.add_argument("file", type=Path, help="要导入的文件")
    p.add_argument("--dry-run", action="store_true", help="只检查并显示将要发生的变化,不写入")
    p.add_argument("--user", default=None, help="填报账户名(写入时必填;密码来自提示或 $TRACKER_PASSWORD)")
    p.add_argument("--sheet", default=None, help="要读取的工作表(默认:第一个有可识别表头的工作表)")
    p.add_argument("--db", type=database_arg, default=None, help=DB_HELP)
    p.add_argument("--region", default=None, help="文件没有地区列时使用的地区")
    p.add_argument("--year", type=int, default=None, help="文件没有年份列时使用的年份")
    p.add_argument("--vintage", choices=VINTAGES, default=None, help="未注明时按快报或年报记录")
    p.add_argument("--reason", default=None, help="修订原因(未逐行注明时使用)")
    p.add_argument("--note", default=None, help="批次说明")
    p.add_argument("--confirm-unusual", action="store_true",
                   help="确认与参照值相差约 20 倍以上的数值无误(否则作为错误,不写入)")
    p.add_argument("--confirm-stated", action="store_true",
                   help="确认要替换规划文本陈述的数值(否则作为错误,不写入)")
    return p


def main_import(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        data = args.file.read_bytes()
    except OSError as exc:
        print(f"无法读取文件 {args.file}:{exc.strerror or exc}", file=sys.stderr)
        return EXIT_UNREADABLE
    store = open_for_command(args.db)
    if store is None:
        return EXIT_LOCKED
    try:
        try:
            check = check_upload(store, args.file.name, data, sheet=args.sheet, default_region=args.region,
                                 default_year=args.year, default_vintage=args.vintage, default_reason=args.reason,
                                 confirm_unusual=args.confirm_unusual, confirm_stated=args.confirm_stated)
        except UnreadableFile as exc:
            print(f"无法读取文件 {args.file.name}:{terminal_safe(exc.message('zh'))}", file=sys.stderr)
            return EXIT_UNREADABLE
        print(report(check))
        if check.has_errors:
            print(f"\n文件有 {int((check.problems['level'] == 'error').sum())} 个错误,未写入任何数据。"
                  "请按上面的位置改正后重新导入。")
            return EXIT_ERRORS
        if check.validation.changes.empty:
            print("\n没有需要写入的变化(所有数值与当前值相同或为空)。")
            return EXIT_OK
        if args.dry_run:
            print("\n试运行(--dry-run):检查通过,未写入。去掉 --dry-run 即可写入。")
            return EXIT_OK
        user = sign_in(store, (args.user or "").strip())
        if user is None:
            print("\n未写入任何数据。", file=sys.stderr)
            return EXIT_DENIED
        try:
            batch_id = commands.commit_validation(store, user, check.validation, kind="upload", note=args.note,
                                                  file_name=args.file.name, file_sha256=check.read.sha256)
        except PermissionDenied as exc:
            print(f"{exc}\n未写入任何数据。", file=sys.stderr)
            return EXIT_DENIED
        print(f"\n已写入批次 {batch_id}(填报人 {user.username}):{len(check.validation.changes)} 个数值。"
              "如需撤销,请在「数据批次」页操作。")
        return EXIT_OK
    finally:
        store.close()


def report(check: UploadCheck) -> str:
    """The Chinese report: what was read, every problem with its cell, and the changes."""
    read, v = check.read, check.validation
    c = v.counts
    lines = [
        f"文件:{read.file_name}  工作表:{read.sheet or '—'}  格式:{_layout(read.layout)}"
        + (f"  表头在第 {read.header_row} 行" if read.header_row else ""),
        f"读取数值 {c.get('values', 0)} 个,空白或缺失 {c.get('skipped', 0)} 个;"
        f"错误 {int((check.problems['level'] == 'error').sum())} 个,提示 {int((check.problems['level'] == 'warning').sum())} 个",
        f"变化:新增 {c.get('new', 0)},修改 {c.get('changed', 0)},撤回 {c.get('withdrawn', 0)},"
        f"与当前值相同 {c.get('unchanged', 0)}",
    ]
    problems = check.problems
    if not problems.empty:
        lines += ["", "问题(工作表 / 单元格 / 内容 / 说明):"]
        ordered = problems.sort_values("level", key=lambda s: s != "error", kind="stable")
        for p in ordered.head(SHOWN_PROBLEMS).itertuples(index=False):
            cell = f"{p.column or ''}{'' if pd.isna(p.row) else int(p.row)}"
            lines.append(f"  [{LEVELS.get(p.level, p.level)}] {p.sheet or '—'} {cell or '—'}"
                         f"{'  「' + str(p.cell) + '」' if isinstance(p.cell, str) and p.cell else ''}  {render_problem(p.code, p.params)}")
        if len(problems) > SHOWN_PROBLEMS:
            lines.append(f"  ……另有 {len(problems) - SHOWN_PROBLEMS} 条未列出")
    changes = v.changes
    if not changes.empty:
        lines += ["", "将要写入的变化(原值 → 新值):"]
        for r in changes.head(SHOWN_CHANGES).itertuples(index=False):
            old = "—" if pd.isna(r.old_value) else f"{r.old_value:,.10g}"
            new = "(撤回)" if pd.isna(r.value) else f"{r.value:,.10g}"
            lines.append(f"  [{CHANGES[r.change]}] {r.region} · {r.indicator} · {r.year}:{old} → {new} {r.unit}"
                         + (f"({r.vintage})" if isinstance(r.vintage, str) else ""))
        if len(changes) > SHOWN_CHANGES:
            lines.append(f"  ……另有 {len(changes) - SHOWN_CHANGES} 个变化未列出")
    return "\n".join(terminal_safe(line) for line in lines)


def terminal_safe(text: str) -> str:
    """text with control and format characters shown as escapes: a cell holding ESC [2J, or a right-to-left
    override, must not clear or reorder the terminal of whoever reads the report."""
    return "".join(f"\\x{ord(ch):02x}" if unicodedata.category(ch) in ("Cc", "Cf") and ch != "\t" else ch
                   for ch in text)


def _layout(layout: str | None) -> str:
    return {"long": "长表", "wide_years": "宽表(年份为列)", "wide_indicators": "宽表(指标为列)"}.get(layout, "未识别")


if __name__ == "__main__":
    sys.exit(main_import(sys.argv[1:]))
