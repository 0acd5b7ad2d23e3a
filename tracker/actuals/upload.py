"""Reading an uploaded file of actual values, as clerks really send it, into the raw long table of tracker.actuals.validate.

.xlsx/.xlsm/.xls/.ods are read with calamine (cached values of formulas; merged ranges), .csv in UTF-8 (with or
without BOM), UTF-16, GBK or Big5 (tracker.actuals.csvread). What a file is comes from its bytes, not its name: an
Excel workbook named .csv is read as Excel, with a warning. In each sheet the header row is looked for in the first
rows (tracker.actuals.layout; title rows above it are context: a region or year named in the title applies when the
table has no such column). Nothing is read beyond tracker.actuals.limits, and an .xlsx sheet's true extent is read
from its XML before calamine allocates its grid (tracker.actuals.cells).

check_upload() is the one entry point shared by the upload page and `python -m tracker import`; it reads the file
in a subprocess with a memory and time budget (tracker.actuals.worker), so a hostile file fails one upload only.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from pathlib import PurePath

import pandas as pd
import python_calamine

from tracker.actuals import csvread, findings, limits
from tracker.actuals.cells import SheetScan, Workbook, column_letter
from tracker.actuals.errors import UnreadableFile
from tracker.actuals.layout import HEADER_SCAN, detect, to_long
from tracker.actuals.validate import Reference, Validation, empty_problems, empty_raw, problem, validate

__all__ = ["ReadResult", "UnreadableFile", "UploadCheck", "check_upload", "column_letter", "read_file"]

EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"}
CSV_SUFFIXES = {".csv", ".txt"}
_ZIP, _OLE = b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


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
    source: str | None = None        # where values without a 来源 cell come from: the sheet's source line or the file
    peak_rss_bytes: int | None = None    # of the reading subprocess (tracker.actuals.worker)


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

    def needs(self, code: str) -> bool:
        """Whether a problem of this code is in the report (the pages offer its confirmation only then)."""
        return bool((self.problems["code"] == code).any())


def check_upload(store, file_name: str, data: bytes, *, sheet: str | None = None, default_region: str | None = None,
                 default_year: int | None = None, default_vintage: str | None = None,
                 default_reason: str | None = None, ref: Reference | None = None, confirm_unusual: bool = False,
                 confirm_stated: bool = False, isolate: bool = True) -> UploadCheck:
    """Read (in a subprocess unless isolate is False), validate and compare with the database; writes nothing.
    Raises UnreadableFile."""
    from tracker.actuals.worker import read_isolated

    limits.check_file_size(len(data))
    ref = ref or Reference.from_store(store)
    read = read_isolated(file_name, data, ref, sheet=sheet) if isolate else read_file(file_name, data, ref,
                                                                                       sheet=sheet)
    validation = validate(read.raw, ref, default_region=default_region or read.title_region,
                          default_year=default_year or read.title_year, default_vintage=default_vintage,
                          default_reason=default_reason, confirm_unusual=confirm_unusual,
                          confirm_stated=confirm_stated)
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
    limits.check_file_size(len(data))
    sha = hashlib.sha256(data).hexdigest()
    path = PurePath(file_name)
    suffix = path.suffix.lower()
    problems = []
    kind = _content_kind(data)
    if kind in ("zip", "ole"):
        if suffix in CSV_SUFFIXES:
            problems.append(problem("warning", "extension_mismatch", suffix=suffix, format=f"format_{kind}"))
        books = [_Book.from_excel(data)]
    elif suffix in EXCEL_SUFFIXES:
        if kind != "text":
            raise UnreadableFile("not_a_spreadsheet", suffix=suffix, format=f"format_{kind}")
        problems.append(problem("warning", "extension_mismatch", suffix=suffix, format="format_text"))
        books = _Book.from_csv_candidates(path.stem or "CSV", data)
    elif suffix in CSV_SUFFIXES or kind == "text":
        books = _Book.from_csv_candidates(path.stem or "CSV", data)
    else:
        raise UnreadableFile("unsupported_type", suffix=suffix or file_name)

    book, found = books[0], []
    for candidate in books:           # CSV: the first encoding in which a header is found
        found = [(name, d) for name in candidate.names if (d := detect(_texts(candidate.grid(name, HEADER_SCAN)), ref))]
        if found:
            book = candidate
            break
    names = book.names
    recognised = tuple(n for n, _ in found)
    if sheet is not None and sheet not in names:
        raise UnreadableFile("no_such_sheet", sheet=sheet, sheets=names)
    chosen = sheet if sheet is not None else (recognised[0] if recognised else None)
    if chosen is None or chosen not in recognised:
        if suffix in EXCEL_SUFFIXES and kind == "text":
            raise UnreadableFile("not_a_spreadsheet", suffix=suffix, format="format_text")
        problems.append(problem("error", "no_header", sheet=chosen or "、".join(names)))
        return ReadResult(file_name, sha, tuple(names), recognised, chosen, None, None, empty_raw(),
                          pd.concat(problems, ignore_index=True))
    per_unit = _sheets_per_unit(recognised, ref) if sheet is None else {}
    if len(recognised) > 1 and sheet is None and not per_unit:
        problems.append(problem("warning", "several_sheets", sheet=chosen, n=len(recognised), sheets=recognised,
                                chosen=chosen))
    problems += [problem("warning", "unused_sheet", sheet=n, name=n,
                         state="hidden_sheet" if n in book.hidden else "")
                 for n in names if n not in recognised and findings.holds_numbers(book.grid(n))]
    if per_unit:       # one sheet per unit (a base, a district): every sheet is read, its rows that unit's
        problems.append(problem("warning", "sheets_per_unit", sheet="", n=len(per_unit),
                                sheets="、".join(f"{s}→{r}" for s, r in per_unit.items())))
        parts = [_read_sheet(book, s, dict(found)[s], file_name, ref) for s in per_unit]
        raws = [part.raw.assign(region=part.raw["region"].where(
            part.raw["region"].astype("str").str.strip() != "", region)) for part, region in
            zip(parts, per_unit.values(), strict=True)]
        problems += [part.problems for part in parts]
        problems = [p for p in problems if not p.empty]
        first = parts[0]
        return ReadResult(file_name, sha, tuple(names), recognised, "、".join(per_unit), first.layout,
                          first.header_row, pd.concat(raws, ignore_index=True),
                          pd.concat(problems, ignore_index=True) if problems else empty_problems(),
                          None, first.title_year, first.source)
    part = _read_sheet(book, chosen, dict(found)[chosen], file_name, ref)
    problems = [p for p in [*problems, part.problems] if not p.empty]
    return ReadResult(file_name, sha, tuple(names), recognised, chosen, part.layout, part.header_row, part.raw,
                      pd.concat(problems, ignore_index=True) if problems else empty_problems(),
                      part.title_region, part.title_year, part.source)


def _sheets_per_unit(recognised: tuple[str, ...], ref: Reference) -> dict[str, str]:
    """sheet → region when a workbook has one readable sheet per region or unit, each sheet named after a
    different one (汽车产业基地, 医药基地 …); {} otherwise (then one sheet is read, as ever)."""
    if len(recognised) < 2:
        return {}
    regions = {name: ref.regions.resolve(name.strip()) for name in recognised}
    if any(r is None for r in regions.values()) or len(set(regions.values())) < len(regions):
        return {}
    return regions


@dataclass(frozen=True)
class _Sheet:
    raw: pd.DataFrame
    problems: pd.DataFrame
    layout: str
    header_row: int
    title_region: str | None
    title_year: int | None
    source: str


def _read_sheet(book, chosen: str, detected, file_name: str, ref: Reference) -> _Sheet:
    """One recognised sheet as raw long rows, with its findings."""
    problems = []
    if chosen in book.hidden:
        problems.append(problem("warning", "hidden_sheet_read", sheet=chosen, name=chosen))
    header_row, layout, roles = detected
    texts = _text_frame(book.grid(chosen))
    title = " ".join(t for r in texts.iloc[:header_row].itertuples(index=False) for t in r if t) + " " + chosen
    used = set(roles["roles"]) | (set(roles["years"]) if layout == "wide_years" else set()) | (
        set(roles["indicators"]) if layout == "wide_indicators" else set())
    if book.widths is not None:
        drop, extra = findings.csv_extra_fields(texts, book.widths, header_row, chosen)
        texts = texts.drop(index=drop)
        problems += extra
    raw = to_long(texts, header_row, layout, roles, chosen)
    raw, merged = findings.merged_values(raw, book.merged.get(chosen, []), chosen)
    problems += merged
    problems += findings.unused_columns(texts, header_row, used, chosen)
    scan = book.scans.get(chosen) or SheetScan()
    problems += findings.hidden(raw, scan.hidden_rows, scan.hidden_columns, used, chosen)
    problems.append(_formulas_without_values(scan, chosen, header_row))
    source = findings.source_line(texts, header_row) or file_name
    if not raw.empty:
        raw = raw.assign(source=raw["source"].where(raw["source"].astype("str").str.strip() != "", source))
    problems = [p for p in problems if not p.empty]
    return _Sheet(raw, pd.concat(problems, ignore_index=True) if problems else empty_problems(), layout,
                  header_row + 1, ref.region_in_text(title), _year_in(title), source)


def _content_kind(data: bytes) -> str:
    """zip (xlsx, xlsm, ods), ole (xls, or an encrypted xlsx), pdf, or text."""
    if data.startswith(_ZIP):
        return "zip"
    if data.startswith(_OLE):
        if "EncryptedPackage".encode("utf-16-le") in data:
            raise UnreadableFile("password_protected")
        return "ole"
    if data.startswith(b"%PDF"):
        return "pdf"
    return "text"


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

    def __init__(self, names: list[str], load, *, hidden=(), widths: list[int] | None = None):
        self.names = names
        self.hidden = set(hidden)
        self.widths = widths                           # CSV: fields per line as written
        self.scans: dict[str, SheetScan] = {}          # .xlsx: what each sheet's XML says
        self.merged: dict[str, list[tuple[int, int, int, int]]] = {}
        self._load = load
        self._grids: dict[str, list[list]] = {}

    @classmethod
    def from_csv_candidates(cls, name: str, data: bytes) -> list[_Book]:
        books = []
        for encoding, text in csvread.decodings(data):
            grid = csvread.grid(text, encoding, name)
            books.append(cls([name], lambda _, rows=grid.rows: rows, widths=grid.widths))
        return books

    @classmethod
    def from_excel(cls, data: bytes) -> _Book:
        try:
            book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        except Exception as exc:  # calamine raises several error types for damaged or foreign files
            if re.search(r"password|encrypt", str(exc), re.I):
                raise UnreadableFile("password_protected") from exc
            raise UnreadableFile("bad_excel", detail=exc) from exc
        visible = [m.name for m in book.sheets_metadata
                   if m.visible == python_calamine.SheetVisibleEnum.Visible
                   and m.typ == python_calamine.SheetTypeEnum.WorkSheet]
        hidden = [n for n in book.sheet_names if n not in visible]
        package = Workbook(data) if data.startswith(_ZIP) and _is_xlsx(data) else None
        self = cls(visible + hidden, None, hidden=hidden)

        def load(name: str) -> list[list]:
            scan = package.scan(name) if package is not None else None   # refuses a sheet too big to build
            if scan is not None:
                self.scans[name] = scan
            try:
                sheet = book.get_sheet_by_name(name)   # parses the whole sheet: done once per sheet
                limits.check_extent(name, sheet.total_height, sheet.total_width)
                grid = sheet.to_python(skip_empty_area=False)
                merged = sheet.merged_cell_ranges or ()
            except python_calamine.CalamineError as exc:
                raise UnreadableFile("bad_sheet", sheet=name, detail=exc) from exc
            ranges = [(r0, c0, r1, c1) for (r0, c0), (r1, c1) in merged]
            self.merged[name] = ranges
            if scan is not None:
                _as_shown(grid, scan)
            return _fill_merged(grid, ranges, name)

        self._load = load
        return self

    def grid(self, name: str, rows: int | None = None) -> list[list]:
        if name not in self._grids:
            self._grids[name] = self._load(name)
        grid = self._grids[name]
        return grid if rows is None else grid[:rows]


def _is_xlsx(data: bytes) -> bool:
    return b"xl/workbook.xml" in data[:1 << 16] or b"xl/workbook.xml" in data[-(1 << 16):]


def _as_shown(grid: list[list], scan: SheetScan) -> None:
    """Cells as Excel shows them: a percent-formatted 0.0201 is '2.01%', an error value is '#DIV/0!', not blank."""
    for (r, c) in scan.percent_cells:
        if r < len(grid) and c < len(grid[r]):
            value = grid[r][c]
            if isinstance(value, int | float) and not isinstance(value, bool):
                grid[r][c] = f"{Decimal(repr(float(value))).scaleb(2).normalize():f}%"
    for (r, c), text in scan.error_cells.items():
        if r < len(grid) and c < len(grid[r]):
            grid[r][c] = text


def _fill_merged(grid: list[list], ranges, sheet: str) -> list[list]:
    """Give every cell of a merged range the text of its top-left cell (merged headers, regions down a column)."""
    area = sum((min(r1, len(grid) - 1) - r0 + 1) * (c1 - c0 + 1) for r0, c0, r1, c1 in ranges if r0 < len(grid))
    if area > limits.MAX_CELLS:
        raise UnreadableFile("too_many_cells", sheet=sheet, range="merged", cells=f"{area:,}",
                             limit=f"{limits.MAX_CELLS:,}")
    for r0, c0, r1, c1 in ranges:
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


def _year_in(text: str) -> int | None:
    match = re.search(r"((?:19|20)[0-9]{2})\s*年", unicodedata.normalize("NFKC", text))
    return int(match.group(1)) if match else None


def _formulas_without_values(scan: SheetScan, sheet: str, header_row: int) -> pd.DataFrame:
    """Formula cells saved without a computed value (files written by programs, never opened in Excel)."""
    cells = [(c, r) for c, r in scan.formulas_without_value if r > header_row]
    if not cells:
        return empty_problems()
    frames = [problem("warning", "formula_without_value", sheet=sheet, row=r, column=c) for c, r in cells[:20]]
    if len(cells) > 20:
        frames.append(problem("warning", "formulas_without_value_more", sheet=sheet, n=len(cells) - 20))
    return pd.concat(frames, ignore_index=True)
