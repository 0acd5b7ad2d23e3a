"""Command line: build or refresh the catalogue in the DuckDB file. Safe to re-run; entered actuals are kept."""

from __future__ import annotations

import argparse
import contextlib
import sys
from pathlib import Path

from etl.build import BUILD_FINGERPRINT, build_tables
from etl.catalogue import CatalogueError
from tracker.config import CATALOGUE_DIR, DB_HELP, SEEDS_DIR, database, database_arg
from tracker.db.store import open_for_command


def _missing_parts(path: Path) -> list[Path]:
    """The file, its write-ahead log and the folders above it that do not exist yet, deepest first."""
    missing = [p for p in (path, path.with_name(path.name + ".wal")) if not p.exists()]
    folder = path.parent
    while not folder.exists():
        missing.append(folder)
        folder = folder.parent
    return missing


def _remove_created(missing: list[Path]) -> None:
    """Remove what a failed first build created: the file, its .wal and empty folders it made."""
    for part in missing:
        if part.is_dir():
            with contextlib.suppress(OSError):  # rmdir only removes an empty folder: never anything not ours
                part.rmdir()
        elif part.exists():
            part.unlink()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m etl", description="从 seeds/ 构建规划目标目录 / build the catalogue"
    )
    parser.add_argument("--db", type=database_arg, default=None, help=DB_HELP)
    parser.add_argument("--seeds", type=Path, default=SEEDS_DIR)
    parser.add_argument("--catalogue", type=Path, default=CATALOGUE_DIR)
    parser.add_argument("--if-changed", action="store_true",
                        help="只在构建结果与数据库中已有的不同时写入 / write only when the build differs from the stored one")
    args = parser.parse_args(argv)
    path = args.db or database()
    try:
        # Everything is read and checked before the database file is opened (or created).
        result = build_tables(args.catalogue, args.seeds)
    except (CatalogueError, ValueError) as exc:
        print(f"构建失败 / build failed: {exc}", file=sys.stderr)
        print("数据库未改动 / the database was not changed.", file=sys.stderr)
        return 2
    missing = [] if isinstance(path, str) else _missing_parts(path)    # a PostgreSQL URL creates no file
    store = None
    try:
        store = open_for_command(path)
        if store is None:
            return 3
        if args.if_changed and store.meta(BUILD_FINGERPRINT) == result.meta[BUILD_FINGERPRINT]:
            print(f"{path}: 规划目录与上次构建相同,未写入 / the catalogue is as built, nothing written")
            return 0
        store.replace_seed_data(result.tables, result.seed_actuals, result.meta)
    except BaseException as exc:
        if store is not None:
            store.close()
            store = None
        if missing and path in missing:
            _remove_created(missing)  # a failed first build leaves no half-made file behind
        if not isinstance(exc, ValueError):
            raise
        print(f"构建失败 / build failed: {exc}", file=sys.stderr)
        print("数据库未改动 / the database was not changed.", file=sys.stderr)
        return 2
    finally:
        if store is not None:
            store.close()
    targets = result.tables["targets"]
    checks = result.tables["checks"]
    print(
        f"已写入 {path}: {len(targets)} 个目标, {len(result.seed_actuals)} 个文本陈述值, "
        f"{len(result.tables['indicators'])} 个指标, {len(checks)} 项一致性检查 "
        f"(不一致 {int((checks['status'] == 'mismatch').sum())}, 提示 {int((checks['status'] == 'warning').sum())})"
    )
    print(result.summary().to_string())
    return 0


if __name__ == "__main__":
    sys.exit(main())
