"""python -m tracker export: one ZIP of PNG snapshots per plan (overview, evaluation table, every indicator).

  python -m tracker export --out DIR [--plan PLAN_ID …] [--as-of YEAR] [--lang zh|en] [--pending include|exclude]
                           [--db FILE]

The pictures use approved values only unless --pending include; the README of each ZIP and stderr say which.

Exit status: 0 written; 2 unknown plan; 3 database held by another process past the wait; 4 PNG export unavailable
on this machine (the message names the apt command); 1 a picture failed to render.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import TextIO

from tracker.config import DB_HELP, database_arg
from tracker.db.store import open_for_command
from tracker.reports import bundle, snapshot

BAR_WIDTH = 20


def _shorten(text: str, limit: int = 18) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


class ProgressBar:
    """`[#####.....] 12/60 研究与试验发展…` on stderr: redrawn in place on a terminal, one line per step otherwise."""

    def __init__(self, stream: TextIO | None = None):
        self.stream = stream if stream is not None else sys.stderr
        self.live = hasattr(stream, "isatty") and stream.isatty()

    def __call__(self, done: int, total: int, label: str) -> None:
        filled = round(BAR_WIDTH * done / total) if total else BAR_WIDTH
        line = f"[{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {done}/{total} {_shorten(label)}"
        if self.live:
            self.stream.write("\r\033[K" + line + ("\n" if done >= total else ""))
        else:
            self.stream.write(line + "\n")
        self.stream.flush()


def _write_atomically(path: Path, data: bytes) -> None:
    """Write next to the target and rename, so a reader never sees half a ZIP."""
    partial = path.with_name(path.name + ".part")
    partial.write_bytes(data)
    os.replace(partial, path)


def main_export(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m tracker export",
                                     description="导出PNG快照 / export PNG snapshots as one ZIP per plan")
    parser.add_argument("--out", type=Path, required=True, help="输出目录 (不存在则创建)")
    parser.add_argument("--plan", action="append", help="规划编号 plan_id, 可重复 (默认: 全部规划)")
    parser.add_argument("--as-of", type=int, dest="as_of", help="评估年份 (默认: 最新数据年份)")
    parser.add_argument("--lang", choices=["zh", "en"], default="zh")
    parser.add_argument("--db", type=database_arg, help=DB_HELP)
    from tracker.cli import add_pending_option, values_used

    add_pending_option(parser)
    args = parser.parse_args(argv)
    pending = args.pending == "include"

    ready = snapshot.export_readiness()
    if not ready.ok:
        print(ready.message_zh, file=sys.stderr)
        return 4
    store = open_for_command(args.db, read_only=True)
    if store is None:
        return 3
    try:
        known = store.plans()["plan_id"].tolist()
        unknown = [p for p in (args.plan or []) if p not in known]
        if unknown:
            print(f"未知规划 {', '.join(unknown)};可选: {', '.join(sorted(known))}", file=sys.stderr)
            return 2
        args.out.mkdir(parents=True, exist_ok=True)
        print(values_used(pending, args.lang, store.pending_count()), file=sys.stderr)
        bar = ProgressBar()
        for plan_id in dict.fromkeys(args.plan or known):
            print(f"{plan_id}:", file=sys.stderr)
            started = time.perf_counter()
            data = bundle.plan_zip(store, plan_id, as_of=args.as_of, lang=args.lang, progress=bar,
                                   pending=pending)
            path = args.out / f"{plan_id}.zip"
            _write_atomically(path, data)
            print(f"{path}\t{len(data) / 1e6:.1f} MB\t{time.perf_counter() - started:.1f} s")
    except snapshot.SnapshotUnavailable as exc:
        print(exc, file=sys.stderr)
        return 4
    except snapshot.SnapshotError as exc:
        print(exc, file=sys.stderr)
        return 1
    finally:
        store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main_export(sys.argv[1:]))
