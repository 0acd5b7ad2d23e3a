"""python -m tracker backup OUT.zip / restore IN.zip: the whole store to one file and back, while the app runs.

Exit status: 0 done, 1 refused (not a backup, damaged, newer schema, a store with data without --replace),
2 usage, 3 the database is held by another process for longer than the wait, or (backup) there is none yet.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tracker import commands
from tracker.access.auth import SYSTEM
from tracker.config import DB_HELP, database_arg
from tracker.db.backup import BackupError, backup
from tracker.db.store import open_for_command


def main_backup(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m tracker backup",
                                     description="备份整个数据库到一个文件 / back up the whole store to one file")
    parser.add_argument("out", type=Path, help="备份文件 (.zip)")
    parser.add_argument("--db", type=database_arg, help=DB_HELP)
    args = parser.parse_args(argv)
    store = open_for_command(args.db, read_only=True)
    if store is None:
        return 3
    try:
        manifest = backup(store, args.out)
    except OSError as exc:
        print(f"备份失败 / backup failed: {exc}", file=sys.stderr)
        return 1
    finally:
        store.close()
    print(f"已备份到 {args.out}: {len(manifest.tables)} 张表, {manifest.row_count} 行 "
          f"(结构版本 {manifest.schema_version})")
    return 0


def main_restore(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m tracker restore",
                                     description="从备份文件恢复整个数据库 / restore the whole store from a backup")
    parser.add_argument("backup", type=Path, help="备份文件 (.zip, 由 python -m tracker backup 生成)")
    parser.add_argument("--db", type=database_arg, help=DB_HELP)
    parser.add_argument("--replace", action="store_true", help="数据库已有数据时,以备份替换其全部内容")
    args = parser.parse_args(argv)
    if not args.backup.is_file():
        print(f"找不到备份文件 {args.backup}", file=sys.stderr)
        return 2
    store = open_for_command(args.db)
    if store is None:
        return 3
    try:
        manifest = commands.restore_backup(store, SYSTEM, args.backup, replace=args.replace)
    except BackupError as exc:
        print(f"{exc}\n数据库未改动 / the database was not changed.", file=sys.stderr)
        return 1
    finally:
        store.close()
    print(f"已从 {args.backup} 恢复: {len(manifest.tables)} 张表, {manifest.row_count} 行 "
          f"(备份于 {manifest.created_at}, 结构版本 {manifest.schema_version})")
    return 0
