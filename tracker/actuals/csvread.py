"""A CSV upload → candidate grids of text: its encoding, its delimiter and the limits of tracker.actuals.limits.

Encodings: a BOM decides (UTF-8, UTF-16 — what Excel's "Unicode text" writes); else UTF-8, else GBK (read as
GB18030, its superset) and Big5, both offered: the reader keeps the first in which it finds a header, because
Big5 bytes often decode as GB18030 too, into nonsense. The delimiter is the one that gives the most lines the same
number of fields (a note such as "快报";"年报" in one line must not make it a semicolon file).
"""

from __future__ import annotations

import codecs
import csv
import io
from collections import Counter
from dataclasses import dataclass

from tracker.actuals import limits
from tracker.actuals.errors import UnreadableFile

DELIMITERS = (",", "\t", ";", "|")
SAMPLE_LINES = 50


@dataclass(frozen=True)
class CsvGrid:
    encoding: str
    rows: list[list[str]]
    widths: list[int]              # fields on each line as written (before rows are padded to one width)


def decodings(data: bytes) -> list[tuple[str, str]]:
    """(encoding, text) for every encoding the bytes may be in, most likely first; UnreadableFile when none."""
    if data.startswith(codecs.BOM_UTF8):
        return [("utf-8-sig", _decode(data, "utf-8-sig"))]
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return [("utf-16", _decode(data, "utf-16"))]
    if b"\x00" in data[:4096]:
        raise UnreadableFile("not_text")
    found = []
    for encoding in ("utf-8", "gb18030", "big5"):
        try:
            found.append((encoding, data.decode(encoding)))
        except UnicodeDecodeError:
            continue
        if encoding == "utf-8":
            break                       # valid UTF-8 is almost never meant as anything else
    if not found:
        raise UnreadableFile("csv_encoding")
    return found


def _decode(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise UnreadableFile("csv_encoding") from exc


def delimiter(text: str) -> str:
    """The delimiter under which the most sample lines share one field count above one (ties: the earlier one)."""
    sample = [line for line in text.splitlines()[:SAMPLE_LINES * 2] if line.strip()][:SAMPLE_LINES]
    best, best_score = ",", (0, 0)
    for d in DELIMITERS:
        try:
            widths = [len(r) for r in csv.reader(sample, delimiter=d)]
        except csv.Error:
            continue
        counts = Counter(w for w in widths if w > 1)
        if not counts:
            continue
        width, lines = max(counts.items(), key=lambda kv: (kv[1], kv[0]))
        if (lines, width) > best_score:
            best, best_score = d, (lines, width)
    return best


def grid(text: str, encoding: str, sheet: str) -> CsvGrid:
    """Every line as a list of fields, refusing a file beyond the limits while it is read."""
    rows, widths = [], []
    old_limit = csv.field_size_limit(limits.MAX_CELL_CHARS)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter(text))
    try:
        for row in reader:
            if len(row) > limits.MAX_COLUMNS:
                raise UnreadableFile("too_many_columns", sheet=sheet, columns=f"{len(row):,}",
                                     limit=f"{limits.MAX_COLUMNS:,}")
            rows.append(row)
            widths.append(len(row))
            if len(rows) > limits.MAX_ROWS:
                raise UnreadableFile("too_many_rows", sheet=sheet, rows=f"> {limits.MAX_ROWS:,}",
                                     limit=f"{limits.MAX_ROWS:,}")
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            raise UnreadableFile("cell_too_long", sheet=sheet, row=reader.line_num,
                                 limit=f"{limits.MAX_CELL_CHARS:,}") from exc
        raise UnreadableFile("csv_damaged", sheet=sheet, row=reader.line_num, detail=exc) from exc
    finally:
        csv.field_size_limit(old_limit)
    limits.check_extent(sheet, len(rows), max(widths, default=0))
    return CsvGrid(encoding, rows, widths)
