"""Command line: build or refresh the catalogue in the DuckDB file. Safe to re-run; entered actuals are kept."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from etl.build import run_build
from etl.catalogue import CatalogueError
from tracker.config import CATALOGUE_DIR, SEEDS_DIR, db_path
from tracker.store import open_for_command


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m etl",
                                     description="从 seeds/ 构建规划目标目录 / build the catalogue")
    parser.add_argument("--db", type=Path, default=None, help="DuckDB 文件 (默认 $TRACKER_DB 或 data/tracker.duckdb)")
    parser.add_argument("--seeds", type=Path, default=SEEDS_DIR)
    parser.add_argument("--catalogue", type=Path, default=CATALOGUE_DIR)
    args = parser.parse_args(argv)
    path = args.db or db_path()
    store = open_for_command(path)
    if store is None:
        return 3
    try:
        result = run_build(store, args.catalogue, args.seeds)
    except (CatalogueError, ValueError) as exc:
        print(f"构建失败 / build failed: {exc}", file=sys.stderr)
        print("数据库未改动 / the database was not changed.", file=sys.stderr)
        return 2
    finally:
        store.close()
    targets = result.tables["targets"]
    checks = result.tables["checks"]
    print(f"已写入 {path}: {len(targets)} 个目标, {len(result.seed_actuals)} 个文本陈述值, "
          f"{len(result.tables['indicators'])} 个指标, {len(checks)} 项一致性检查 "
          f"(不一致 {int((checks['status'] == 'mismatch').sum())}, 提示 {int((checks['status'] == 'warning').sum())})")
    print(result.summary().to_string())
    return 0


if __name__ == "__main__":
    sys.exit(main())
