"""Reading an uploaded file of actual values, as clerks really send it, into the raw long table of tracker.actuals.validate.

.xlsx/.xlsm/.xls/.ods are read with calamine (cached values of formulas; merged ranges), .csv in UTF-8, UTF-8 with
BOM or GBK. In each sheet the header row is looked for in the first rows (title rows above it are context: a region
or year named in the title applies when the table has no such column). Three layouts are recognised:

    long             地区 | 指标 | 年份 | 数值 | 单位 | 来源/口径 | 备注 | 快报/年报 | 修订原因   (any order, some optional)
    wide_years       地区 | 指标(亿元) | 单位 | 2015 | 2016年 | 2017年(快报) | …            (years across)
    wide_indicators  地区 | 年份 | 技术合同成交额(亿元) | 高新技术企业(家) | …          (indicators across)

check_upload() is the one entry point shared by the upload page and `python -m tracker import`.
"""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import PurePath
from xml.etree import ElementTree

import opencc
import pandas as pd
import python_calamine

from tracker.actuals.validate import (
    POSITIONED,
    RAW_COLUMNS,
    Reference,
    Validation,
    empty_problems,
    empty_raw,
    encode_params,
    parse_year,
    problem,
    split_unit,
    unit_token,
    validate,
)
from tracker.catalogue.text import to_simplified
from tracker.config import FIRST_YEAR, LAST_YEAR
from tracker.i18n import render_problem

HEADER_SCAN = 30                 # rows searched for the header
EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"}
CSV_SUFFIXES = {".csv", ".txt"}
# Header words for each field of the long table (after NFKC, without spaces and a bracketed unit).
HEADER_WORDS = {
    "region": {"地区", "区域", "地区名称", "行政区划", "行政区", "区县", "城市", "地市", "区县名称"},
    "indicator": {"指标", "指标名称", "项目", "名称", "指标项", "统计指标", "指标项目"},
    "year": {"年份", "年度", "年", "时间", "统计年度", "数据年份"},
    "value": {"数值", "数据", "值", "实际值", "完成值", "指标值", "统计值", "实绩", "数量", "完成数"},
    "unit": {"单位", "计量单位"},
    "source": {"来源/口径", "来源", "口径", "数据来源", "统计口径", "来源口径", "资料来源"},
    "note": {"备注", "说明", "注"},
    "vintage": {"快报/年报", "数据类型", "版本", "快报年报", "数据版本", "数据性质"},
    "reason": {"修订原因", "原因", "修订说明", "调整原因"},
}
# Traditional spellings too, converted once here: looking a header up through to_simplified alone is not enough,
# because the Taiwan-phrase converter turns 指標 into 指针 ("pointer").
_WORD_ROLE = {form: role for role, words in HEADER_WORDS.items() for w in words
              for form in (w, opencc.OpenCC("s2t").convert(w))}
_FORMULA_NO_VALUE = re.compile(
    rb'<c r="([A-Z]+)(\d+)"[^>]*>\s*<f(?:\s[^>]*)?(?:/>|>[^<]*</f>)\s*(?:<v\s*/>|<v>\s*</v>)?\s*</c>'
)


class UnreadableFile(Exception):
    """The file cannot be opened at all (not a spreadsheet, damaged, unknown encoding)."""

    def __init__(self, code: str, **params):
        self.code, self.params = code, encode_params(None, params)
        super().__init__(self.message("zh"))

    def message(self, lang: str = "zh") -> str:
        return render_problem(self.code, self.params, lang)


@dataclass(frozen=True)
class ReadResult:
    """One sheet of an uploaded file, as the raw long table, with what was recognised."""

    file_name: str
    sha256: str
    sheets: tuple[str, ...]          # every sheet of the file
    recognised: tuple[str, ...]      # sheets with a recognisable header
    sheet: str | None                # the sheet read
    layout: str | None               # long | wide_years | wide_indicators
    header_row: int | None           # 1-based, as Excel shows it
    raw: pd.DataFrame
    problems: pd.DataFrame
    title_region: str | None = None
    title_year: int | None = None


@dataclass(frozen=True)
class UploadCheck:
    """A file read and validated: everything the page and the command line show before a commit."""

    read: ReadResult
    validation: Validation
    same_file: pd.DataFrame          # earlier batches of a file with the same sha256

    @property
    def problems(self) -> pd.DataFrame:
        frames = [p for p in (self.read.problems, self.validation.problems) if not p.empty]
        return pd.concat(frames, ignore_index=True) if frames else empty_problems()

    @property
    def has_errors(self) -> bool:
        return bool((self.problems["level"] == "error").any())


def check_upload(store, file_name: str, data: bytes, *, sheet: str | None = None, default_region: str | None = None,
                 default_year: int | None = None, default_vintage: str | None = None,
                 default_reason: str | None = None, ref: Reference | None = None) -> UploadCheck:
    """Read, validate and compare with the database; writes nothing. Raises UnreadableFile."""
    ref = ref or Reference.from_store(store)
    read = read_file(file_name, data, ref, sheet=sheet)
    validation = validate(read.raw, ref, default_region=default_region or read.title_region,
                          default_year=default_year or read.title_year, default_vintage=default_vintage,
                          default_reason=default_reason)
    read = _with_problems(read, _assumed(read, "region", default_region, read.title_region))
    read = _with_problems(read, _assumed(read, "year", default_year, read.title_year))
    same = store.find_batch_by_sha256(read.sha256)
    if not same.empty:
        last = same.iloc[0]
        note = problem("warning", "same_file", at=f"{last['created_at']:%Y-%m-%d %H:%M}", by=last["created_by"],
                       batch=last["batch_id"], state="reverted" if last["status"] == "reverted" else "committed")
        read = _with_problems(read, note)
    return UploadCheck(read, validation, same)


# -- reading ----------------------------------------------------------------------------------------------------
def read_file(file_name: str, data: bytes, ref: Reference, *, sheet: str | None = None) -> ReadResult:
    """Find the sheet and its header, detect the layout and return one raw row per value cell."""
    if not data:
        raise UnreadableFile("empty_file")
    sha = hashlib.sha256(data).hexdigest()
    suffix = PurePath(file_name).suffix.lower()
    if suffix in CSV_SUFFIXES:
        book = _Book.from_csv(PurePath(file_name).stem or "CSV", _csv_grid(data))
    elif suffix in EXCEL_SUFFIXES or data[:2] == b"PK":
        book = _Book.from_excel(data)
    else:
        raise UnreadableFile("unsupported_type", suffix=suffix or file_name)
    names = book.names

    found = []
    for name in names:
        detected = _detect(_texts(book.grid(name, HEADER_SCAN)), ref)
        if detected:
            found.append((name, detected))
    recognised = tuple(n for n, _ in found)
    chosen = sheet if sheet is not None else (recognised[0] if recognised else None)
    problems = []
    if sheet is not None and sheet not in names:
        raise UnreadableFile("no_such_sheet", sheet=sheet, sheets=names)
    if chosen is None or chosen not in recognised:
        where = chosen or "、".join(names)
        problems.append(problem("error", "no_header", sheet=where))
        return ReadResult(file_name, sha, tuple(names), recognised, chosen, None, None, empty_raw(),
                          pd.concat(problems, ignore_index=True))
    if len(recognised) > 1 and sheet is None:
        problems.append(problem("warning", "several_sheets", sheet=chosen, n=len(recognised), sheets=recognised,
                                chosen=chosen))
    header_row, layout, roles = dict(found)[chosen]
    texts = _text_frame(book.grid(chosen))
    title = " ".join(t for r in texts.iloc[:header_row].itertuples(index=False) for t in r if t) + " " + chosen
    title_region = ref.region_in_text(title)
    title_year = _year_in(title)
    raw = _to_long(texts, header_row, layout, roles, chosen)
    if suffix in {".xlsx", ".xlsm"}:
        problems.append(_formulas_without_values(data, chosen, header_row))
    problems = [p for p in problems if not p.empty]
    return ReadResult(file_name, sha, tuple(names), recognised, chosen, layout, header_row + 1, raw,
                      pd.concat(problems, ignore_index=True) if problems else empty_problems(),
                      title_region, title_year)


def _assumed(read: ReadResult, fieldname: str, chosen, from_title) -> pd.DataFrame:
    """Say so when a table has no column for a field and the chosen default or the title fills it in."""
    value = chosen or from_title
    if read.raw.empty or value is None or read.raw[f"{fieldname}_col"].notna().any():
        return empty_problems()
    return problem("warning", f"{fieldname}_assumed", sheet=read.sheet or "", value=value,
                   origin="default" if chosen else "title")


def _with_problems(read: ReadResult, extra: pd.DataFrame) -> ReadResult:
    if extra.empty:
        return read
    frames = [p for p in (read.problems, extra) if not p.empty]
    return dataclasses.replace(read, problems=pd.concat(frames, ignore_index=True))


class _Book:
    """The sheets of a file as grids of cell values, each sheet loaded once, merged ranges filled in."""

    def __init__(self, names: list[str], load):
        self.names = names
        self._load = load
        self._grids: dict[str, list[list]] = {}

    @classmethod
    def from_csv(cls, name: str, grid: list[list]) -> _Book:
        return cls([name], lambda _: grid)

    @classmethod
    def from_excel(cls, data: bytes) -> _Book:
        try:
            book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        except Exception as exc:  # calamine raises several error types for damaged or foreign files
            raise UnreadableFile("bad_excel", detail=exc) from exc
        visible = [m.name for m in book.sheets_metadata
                   if m.visible == python_calamine.SheetVisibleEnum.Visible
                   and m.typ == python_calamine.SheetTypeEnum.WorkSheet]
        hidden = [n for n in book.sheet_names if n not in visible]

        def load(name: str) -> list[list]:
            try:
                sheet = book.get_sheet_by_name(name)   # parses the whole sheet: done once per sheet
                grid = sheet.to_python(skip_empty_area=False)
                merged = sheet.merged_cell_ranges or ()
            except python_calamine.CalamineError as exc:
                raise UnreadableFile("bad_sheet", sheet=name, detail=exc) from exc
            except Exception:  # some formats carry no merged ranges
                merged = ()
            return _fill_merged(grid, merged)

        return cls(visible + hidden, load)

    def grid(self, name: str, rows: int | None = None) -> list[list]:
        if name not in self._grids:
            self._grids[name] = self._load(name)
        grid = self._grids[name]
        return grid if rows is None else grid[:rows]


def _csv_grid(data: bytes) -> list[list[str]]:
    """Decode UTF-8 (with or without BOM), else GBK (as GB18030, its superset); sniff the delimiter."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise UnreadableFile("csv_encoding")
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",\t;")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    return [row for row in csv.reader(io.StringIO(text), delimiter=delimiter)]


def _fill_merged(grid: list[list], ranges) -> list[list]:
    """Give every cell of a merged range the text of its top-left cell (merged headers, regions down a column)."""
    for (r0, c0), (r1, c1) in ranges:
        if r0 >= len(grid):
            continue
        top = grid[r0][c0] if c0 < len(grid[r0]) else ""
        for r in range(r0, min(r1, len(grid) - 1) + 1):
            row = grid[r]
            if len(row) <= c1:
                row.extend([""] * (c1 + 1 - len(row)))
            for c in range(c0, c1 + 1):
                if row[c] in ("", None):
                    row[c] = top
    return grid


def _cell_text(value) -> str:
    """A cell as the text a clerk sees: 2016.0 → '2016', floats in their shortest exact form."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _texts(grid: list[list]) -> list[list[str]]:
    width = max((len(r) for r in grid), default=0)
    return [[_cell_text(v) for v in r] + [""] * (width - len(r)) for r in grid]


def _text_frame(grid: list[list]) -> pd.DataFrame:
    """A whole sheet as text, column by column (per-cell conversion only where a column mixes types)."""
    width = max((len(r) for r in grid), default=0)
    if any(len(r) != width for r in grid):          # CSV rows may be ragged (a title row has one field)
        grid = [list(r) + [""] * (width - len(r)) for r in grid]
    frame = pd.DataFrame(grid)
    out = {}
    for c in frame.columns:
        col = frame[c]
        if pd.api.types.is_string_dtype(col.dtype) and col.dtype != object:
            out[c] = col.fillna("").str.strip()
        elif pd.api.types.is_float_dtype(col.dtype) and col.dropna().mod(1).eq(0).all() \
                and col.abs().max(skipna=True) < 1e15:
            out[c] = col.astype("Int64").astype("str").fillna("")
        else:
            out[c] = col.map(_cell_text, na_action="ignore").fillna("")
    return pd.DataFrame(out, index=frame.index).astype(object)


def _header_word(text: str) -> tuple[str | None, str | None]:
    """(field, unit) of a header cell: '数值(亿元)' → ('value', '亿元'); '地区*' → ('region', None)."""
    folded = re.sub(r"[\s*※]", "", unicodedata.normalize("NFKC", text))
    role = _WORD_ROLE.get(folded) or _WORD_ROLE.get(to_simplified(folded))
    if role:
        return role, None
    match = re.match(r"^(.*?)[(\[]([^()\[\]]*)[)\]]?$", folded)
    if match and _WORD_ROLE.get(match.group(1)):
        return _WORD_ROLE[match.group(1)], unit_token(match.group(2))
    return None, None


def _detect(texts: list[list[str]], ref: Reference):
    """(header row index, layout, roles) of the best header among the first rows, or None."""
    best = None
    for i, row in enumerate(texts[:HEADER_SCAN]):
        # A header cell left blank under a vertically merged label (CSV exports, unmerged copies) takes the label.
        above = texts[i - 1] if i else [""] * len(row)
        cells = [t or (above[c] if c < len(above) and _header_word(above[c])[0] else "") for c, t in enumerate(row)]
        roles, years, indicators = {}, {}, {}
        for c, t in enumerate(cells):
            if not t:
                continue
            role, unit = _header_word(t)
            if role and role not in {r for r, _ in roles.values()}:
                roles[c] = (role, unit)
                continue
            year, vintage = parse_year(t)
            if year and FIRST_YEAR <= year <= LAST_YEAR:
                years[c] = (t, vintage)
                continue
            if ref.indicators.resolve(split_unit(t)[0]):
                indicators[c] = t
        have = {r for r, _ in roles.values()}
        if "indicator" in have and "value" in have:
            layout, score = "long", len(roles) + 1
        elif "indicator" in have and years:
            layout, score = "wide_years", len(roles) + len(years)
        elif indicators and have & {"year", "region"}:
            layout, score = "wide_indicators", len(roles) + len(indicators)
        else:
            continue
        if score >= 2 and (best is None or score > best[0]):
            best = (score, i, layout, {"roles": roles, "years": years, "indicators": indicators, "cells": cells})
    return None if best is None else best[1:]


def _year_in(text: str) -> int | None:
    match = re.search(r"((?:19|20)\d{2})\s*年", unicodedata.normalize("NFKC", text))
    return int(match.group(1)) if match else None


def column_letter(index: int) -> str:
    """0 → 'A', 27 → 'AB'."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _to_long(texts: pd.DataFrame, header: int, layout: str, found: dict, sheet: str):
    """The body below the header as raw long rows with positions."""
    body = texts.iloc[header + 1:]
    if body.empty:
        return empty_raw()
    body = body[(body != "").any(axis=1)]
    excel_row = pd.Series(body.index + 1, index=body.index)   # grid rows start at A1: 1-based as Excel shows
    roles = {role: (c, unit) for c, (role, unit) in found["roles"].items()}

    def column(role: str):
        if role not in roles:
            return "", pd.NA, None
        c = roles[role][0]
        return body[c], excel_row, column_letter(c)

    base = {"sheet": sheet, "header_unit": "", "withdraw": False}
    for f in ("region", "indicator", "year", "unit", "vintage", "source", "note", "reason"):
        text, row, col = column(f)
        base[f] = text
        if f in POSITIONED:
            base[f"{f}_row"], base[f"{f}_col"] = row, col
    chunks = []
    if layout == "long":
        text, row, col = column("value")
        chunks.append(pd.DataFrame({**base, "value": text, "value_row": row, "value_col": col,
                                    "header_unit": roles["value"][1] or ""}, index=body.index))
    elif layout == "wide_years":
        for c, (year_text, vintage) in found["years"].items():
            chunk = {**base, "value": body[c], "value_row": excel_row, "value_col": column_letter(c),
                     "year": year_text, "year_row": header + 1, "year_col": column_letter(c)}
            if vintage and "vintage" not in roles:
                chunk.update(vintage=vintage, vintage_row=header + 1, vintage_col=column_letter(c))
            chunks.append(pd.DataFrame(chunk, index=body.index))
    else:  # wide_indicators: the header names the indicator (often with its unit in brackets)
        for c, name in found["indicators"].items():
            chunks.append(pd.DataFrame({**base, "value": body[c], "value_row": excel_row,
                                        "value_col": column_letter(c), "indicator": name,
                                        "indicator_row": header + 1, "indicator_col": column_letter(c)},
                                       index=body.index))
    raw = pd.concat(chunks, ignore_index=True)
    for f in POSITIONED:
        raw[f"{f}_row"] = raw[f"{f}_row"].astype("Int64")
    return raw[RAW_COLUMNS]


def _formulas_without_values(data: bytes, sheet: str, header_row: int) -> pd.DataFrame:
    """Formula cells saved without a computed value (files written by programs, never opened in Excel)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            path = _sheet_path(z, sheet)
            xml = z.read(path) if path else b""
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError):
        return empty_problems()
    if b"<f" not in xml:
        return empty_problems()
    cells = [(m.group(1).decode(), int(m.group(2))) for m in _FORMULA_NO_VALUE.finditer(xml)]
    cells = [(c, r) for c, r in cells if r > header_row]
    if not cells:
        return empty_problems()
    frames = [problem("warning", "formula_without_value", sheet=sheet, row=r, column=c) for c, r in cells[:20]]
    if len(cells) > 20:
        frames.append(problem("warning", "formulas_without_value_more", sheet=sheet, n=len(cells) - 20))
    return pd.concat(frames, ignore_index=True)


def _sheet_path(z: zipfile.ZipFile, sheet: str) -> str | None:
    ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
          "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships"}
    book = ElementTree.fromstring(z.read("xl/workbook.xml"))
    rels = ElementTree.fromstring(z.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target") for r in rels}
    for s in book.iterfind("m:sheets/m:sheet", ns):
        if s.get("name") == sheet:
            target = targets.get(s.get(f"{{{ns['r']}}}id"), "")
            return target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    return None
