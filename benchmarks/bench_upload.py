"""Time the upload path on a long-format file (default 100,000 rows): parse (calamine), validate, commit, and
validate again against a database that now holds all those values (the diff then joins the current values); then
the same file through the product's path, read in the memory-limited subprocess (tracker.actuals.worker), with the
subprocess's peak memory; and the 2 KB file with one cell at XFD1048576.

Run from the repository root: python benchmarks/bench_upload.py [n_rows]      (300000 for the README's figures)
Not a test: it prints timings. The database is a temporary file with the real catalogue plus synthetic districts
(the catalogue has too few regions for 100,000 distinct region/indicator/year keys).
"""

from __future__ import annotations

import io
import resource
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from etl.build import build_tables  # noqa: E402
from tracker import commands  # noqa: E402
from tracker.access.auth import SYSTEM, User  # noqa: E402
from tracker.actuals.upload import UnreadableFile, read_file  # noqa: E402
from tracker.actuals.validate import QUALITATIVE_UNITS, Reference, validate  # noqa: E402
from tracker.actuals.worker import read_isolated  # noqa: E402
from tracker.db.store import Store  # noqa: E402

YEARS = range(2016, 2024)


def seeded_store(path: Path, n_regions: int) -> Store:
    built = build_tables()
    extra = pd.DataFrame({"region_id": [f"d{i:04d}" for i in range(n_regions)],
                          "region": [f"区县{i:04d}" for i in range(n_regions)],
                          "level": "区", "parent_region": "重庆市"})
    tables = dict(built.tables)
    tables["regions"] = pd.concat([tables["regions"], extra], ignore_index=True)
    store = Store.open(path)
    store.replace_seed_data(tables, built.seed_actuals, built.meta)
    return store


def synthetic_rows(store: Store, n: int, seed: int = 5) -> list[list]:
    """n distinct region/indicator/year rows; about 10 % written the way clerks write (units, commas, %)."""
    rng = np.random.default_rng(seed)
    inds = store.indicators()
    inds = inds[~inds["unit"].isin(QUALITATIVE_UNITS)]
    regions = [r for r in store.regions()["region"] if r.startswith("区县")]
    keys = [(r, i, u, y) for r in regions for i, u in zip(inds["indicator"], inds["unit"], strict=True) for y in YEARS]
    if len(keys) < n:
        raise SystemExit(f"only {len(keys)} distinct keys; raise the number of synthetic regions")
    rows = []
    base = rng.uniform(10, 5000, len(keys))
    growth = rng.uniform(0.0, 0.15, len(keys))
    for k, (region, indicator, unit, year) in enumerate(keys[:n]):
        # A series grows smoothly from year to year, as real ones do (so the jump check stays quiet).
        level = base[k - (year - YEARS[0])] * (1 + growth[k - (year - YEARS[0])]) ** (year - YEARS[0])
        value = round(min(level / 60, 99), 2) if unit == "%" else round(float(level), 1)
        written = f"{value}%" if unit == "%" else f"{value:,}{unit}"
        cell = written if k % 10 == 0 else value
        rows.append([region, indicator, year, cell, unit, "统计年鉴", None, "年报", None])
    return rows


def xlsx_bytes(rows: list[list]) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("数据填报")
    ws.append(["地区", "指标", "年份", "数值", "单位", "来源/口径", "备注", "快报/年报", "修订原因"])
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def timed(label: str, fn):
    start = time.perf_counter()
    result = fn()
    print(f"{label:<44} {time.perf_counter() - start:7.2f} s")
    return result


def main(n: int = 100_000) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        store = seeded_store(Path(tmp) / "bench.duckdb", n_regions=-(-n // (len(YEARS) * 100)) + 10)
        rows = synthetic_rows(store, n)
        data = timed(f"build the test file ({n:,} rows, openpyxl)", lambda: xlsx_bytes(rows))
        print(f"{'file size':<44} {len(data) / 1e6:7.1f} MB")
        ref = timed("reference data (names, units, current values)", lambda: Reference.from_store(store))
        read = timed("parse (calamine, layout detection)", lambda: read_file("bench.xlsx", data, ref))
        checked = timed("validate (names, units, duplicates, diff)", lambda: validate(read.raw, ref))
        c = checked.counts
        print(f"{'':<44} {c['values']:,} values, {c['errors']} errors, {c['warnings']} warnings, {c['new']:,} new")
        commands.add_account(store, SYSTEM, "bench", role="editor", password="bench-password-1")
        bench = User("bench", "editor")
        batch = timed("commit (one transaction)", lambda: commands.commit_validation(
            store, bench, checked, kind="upload", file_name="bench.xlsx", file_sha256=read.sha256))
        print(f"{'':<44} batch {batch}, {store.batch(batch)['row_count']:,} revisions")
        ref = timed("reference data again (100k current values)", lambda: Reference.from_store(store))
        again = timed("validate again (everything unchanged)", lambda: validate(read.raw, ref))
        print(f"{'':<44} {again.counts['unchanged']:,} unchanged")
        csv = "\n".join(",".join("" if v is None else str(v).replace(",", "") for v in r) for r in rows)
        csv_data = ("地区,指标,年份,数值,单位,来源/口径,备注,快报/年报,修订原因\n" + csv).encode("gbk")
        timed("parse the same rows as a GBK CSV", lambda: read_file("bench.csv", csv_data, ref))
        isolated = timed("parse in the limited subprocess (product path)",
                         lambda: read_isolated("bench.xlsx", data, ref))
        print(f"{'':<44} subprocess peak RSS {isolated.peak_rss_bytes / 2**20:,.0f} MB")
        print(f"{'':<44} this process peak RSS "
              f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MB")
        bomb = dimension_bomb()
        try:
            timed(f"one cell at XFD1048576 ({len(bomb):,} bytes)", lambda: read_isolated("bomb.xlsx", bomb, ref))
        except UnreadableFile as exc:
            print(f"{'':<44} refused: {exc.code}")
        store.close()


def dimension_bomb() -> bytes:
    """A workbook whose one cell at XFD1048576 would make calamine allocate 512 GiB."""
    wb = Workbook()
    wb.active["A1"] = "x"
    buf = io.BytesIO()
    wb.save(buf)
    out = io.BytesIO()
    with zipfile.ZipFile(buf) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            body = zin.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                body = body.replace(b"</sheetData>", b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
                                                     b"</sheetData>")
            zout.writestr(info, body)
    return out.getvalue()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
