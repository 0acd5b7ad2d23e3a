"""python -m tracker user add|passwd|disable|enable|list — local accounts, for whoever runs the server.

Running these needs shell access to the server and its database file, so the command acts as the server itself
(recorded as 'system' in the audit trail). Passwords come from a prompt (asked twice), or from the environment
variable TRACKER_PASSWORD for scripts; they are stored only as salted argon2id hashes.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys

from tracker import commands
from tracker.access.auth import ROLES, SYSTEM, password_problem
from tracker.config import DB_HELP, database_arg
from tracker.db.store import open_for_command

EXIT_OK, EXIT_FAILED, EXIT_LOCKED = 0, 1, 3


def _password(username: str) -> str | None:
    if os.environ.get("TRACKER_PASSWORD"):
        return os.environ["TRACKER_PASSWORD"]
    if not sys.stdin.isatty():
        print("需要密码:请在终端运行以便输入,或设置环境变量 TRACKER_PASSWORD。", file=sys.stderr)
        return None
    first = getpass.getpass(f"{username} 的新密码:")
    problem = password_problem(first)
    if problem:
        print(problem, file=sys.stderr)
        return None
    if getpass.getpass("再输入一次:") != first:
        print("两次输入的密码不一致。", file=sys.stderr)
        return None
    return first


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m tracker user", description="管理本地账户 / local accounts")
    p.add_argument("--db", type=database_arg, default=None, help=DB_HELP)
    sub = p.add_subparsers(dest="command", required=True)
    add = sub.add_parser("add", help="新建账户")
    add.add_argument("username")
    add.add_argument("--role", choices=ROLES, required=True, help="viewer 查看 / editor 填报 / reviewer 审核 / admin 管理")
    add.add_argument("--name", default="", help="姓名")
    add.add_argument("--email", default="")
    for name, help_text in (("passwd", "重设密码"), ("disable", "停用账户"), ("enable", "启用账户")):
        sub.add_parser(name, help=help_text).add_argument("username")
    sub.add_parser("list", help="列出账户")
    return p


def main_user(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    store = open_for_command(args.db)
    if store is None:
        return EXIT_LOCKED
    try:
        if args.command == "list":
            users = store.users()
            print(users.to_string(index=False) if len(users) else "(尚无账户)")
            return EXIT_OK
        if args.command in ("add", "passwd"):
            password = _password(args.username)
            if password is None:
                return EXIT_FAILED
            if args.command == "add":
                commands.add_account(store, SYSTEM, args.username, role=args.role, password=password,
                                     display_name=args.name, email=args.email)
                print(f"已创建账户 {args.username}(角色 {args.role})。")
            else:
                commands.set_password(store, SYSTEM, args.username, password)
                print(f"已重设 {args.username} 的密码。")
        else:
            commands.set_active(store, SYSTEM, args.username, args.command == "enable")
            print(f"已{'启用' if args.command == 'enable' else '停用'}账户 {args.username}。")
        return EXIT_OK
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return EXIT_FAILED
    finally:
        store.close()


if __name__ == "__main__":
    sys.exit(main_user(sys.argv[1:]))
