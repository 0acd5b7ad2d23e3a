"""What an .xlsx worksheet holds, read from its XML before the spreadsheet reader builds a grid of it.

The reader (calamine) allocates the whole used range from A1 at once: one cell at XFD1048576 asks for 512 GiB. So
each sheet's XML is streamed first (never trusting the <dimension> it declares) to find the last row and column
that hold a cell; tracker.actuals.limits refuses what is too big. The same pass collects what the reader does not
pass on: hidden rows and columns, cells formatted as percentages (Excel stores 2.01 % as 0.0201), error values
(#DIV/0!, which calamine reads as blank) and formulas saved without a result.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from xml.etree import ElementTree

from tracker.actuals import limits
from tracker.actuals.errors import UnreadableFile

_NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
       "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships"}
_BUILTIN_PERCENT_FORMATS = {9, 10}
_CHUNK = 8 * 2**20

_ROW = re.compile(rb"<row\b([^>]*?)(/?)>")
_ROW_NUMBER = re.compile(rb'\br="(\d+)"')
_HIDDEN = re.compile(rb'\bhidden="(?:1|true)"')
_CELL_COLUMN = re.compile(rb'<c r="([A-Z]{1,4})\d')
_CELL_TAG = re.compile(rb"<c[\s>/]")
_ANY_CELL = re.compile(rb"<c(?:\s[^>]*)?/?>")
_CELL_REF = re.compile(rb'\br="([A-Z]{1,4})(\d+)"')
_ERROR_CELL = re.compile(rb'<c\b([^>]*\bt="e"[^>]*)>(.*?)</c>', re.S)
_VALUE = re.compile(rb"<v>([^<]*)</v>")
_FORMULA_NO_VALUE = re.compile(
    rb'<c r="([A-Z]+)(\d+)"[^>]*>\s*<f(?:\s[^>]*)?(?:/>|>[^<]*</f>)\s*(?:<v\s*/>|<v>\s*</v>)?\s*</c>'
)
_COL = re.compile(rb"<col\b([^>]*)/?>")
_MIN_MAX = re.compile(rb'\bmin="(\d+)"[^>]*?\bmax="(\d+)"|\bmax="(\d+)"[^>]*?\bmin="(\d+)"')


def column_letter(index: int) -> str:
    """0 → 'A', 27 → 'AB'."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def column_index(letters: str) -> int:
    """'A' → 0, 'AB' → 27."""
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


@dataclass
class SheetScan:
    """One worksheet as its XML tells it: the true extent and the cells the reader would misread or hide."""

    rows: int = 0                                              # the last row holding a cell (1-based)
    last_row: int = 0                                          # the row the XML read so far ended with
    columns: int = 0                                           # the last column holding a cell (1-based)
    hidden_rows: set[int] = field(default_factory=set)         # 0-based
    hidden_columns: set[int] = field(default_factory=set)      # 0-based
    percent_cells: set[tuple[int, int]] = field(default_factory=set)       # (row, column), 0-based
    error_cells: dict[tuple[int, int], str] = field(default_factory=dict)  # (row, column) → '#DIV/0!'
    formulas_without_value: list[tuple[str, int]] = field(default_factory=list)   # ('C', 5)


class Workbook:
    """The parts of an .xlsx package the scan needs: each sheet's XML path and the percent styles."""

    def __init__(self, data: bytes):
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(data))
            self.paths = self._sheet_paths()
            self.percent_styles = self._percent_styles()
        except (zipfile.BadZipFile, KeyError, ElementTree.ParseError, ValueError) as exc:
            raise UnreadableFile("bad_excel", detail=exc) from exc

    def scan(self, sheet: str) -> SheetScan | None:
        """The sheet's scan, or None when the package has no XML for it (the reader then gives its own error)."""
        path = self.paths.get(sheet)
        if path is None or path not in self.zip.namelist():
            return None
        return scan_sheet(self.zip, path, sheet, self.percent_styles)

    def _sheet_paths(self) -> dict[str, str]:
        book = ElementTree.fromstring(self.zip.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(self.zip.read("xl/_rels/workbook.xml.rels"))
        targets = {r.get("Id"): r.get("Target") or "" for r in rels}
        paths = {}
        for s in book.iterfind("m:sheets/m:sheet", _NS):
            target = targets.get(s.get(f"{{{_NS['r']}}}id"), "")
            paths[s.get("name")] = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        return paths

    def _percent_styles(self) -> frozenset[int]:
        """Indexes of the cell styles (cellXfs) whose number format shows a percentage."""
        if "xl/styles.xml" not in self.zip.namelist():
            return frozenset()
        styles = ElementTree.fromstring(self.zip.read("xl/styles.xml"))
        percent = set(_BUILTIN_PERCENT_FORMATS)
        for fmt in styles.iterfind("m:numFmts/m:numFmt", _NS):
            code = re.sub(r'"[^"]*"|\\.', "", fmt.get("formatCode") or "")    # quoted text and escapes show as is
            if "%" in code:
                percent.add(int(fmt.get("numFmtId")))
        xfs = styles.find("m:cellXfs", _NS)
        return frozenset(i for i, xf in enumerate(xfs if xfs is not None else [])
                         if int(xf.get("numFmtId") or 0) in percent)


def scan_sheet(z: zipfile.ZipFile, path: str, sheet: str, percent_styles: frozenset[int]) -> SheetScan:
    """Stream one worksheet's XML; refuse it (UnreadableFile) as soon as it passes a limit of tracker.actuals.limits."""
    scan = SheetScan()
    percent = (re.compile(rb'<c\b[^>]*?\bs="(?:' + b"|".join(str(i).encode() for i in sorted(percent_styles))
                          + rb')"[^>]*>') if percent_styles else None)
    total, carry = 0, b""
    with z.open(path) as stream:
        while True:
            chunk = stream.read(_CHUNK)
            total += len(chunk)
            if total > limits.MAX_SHEET_XML_BYTES:
                raise UnreadableFile("sheet_xml_too_large", sheet=sheet,
                                     limit=f"{limits.MAX_SHEET_XML_BYTES / 2**30:.0f} GB")
            data = carry + chunk
            if chunk:
                cut = data.rfind(b"</row>")        # whole rows only: a match never spans two chunks
                cut = len(data) if cut < 0 and len(data) > limits.MAX_SHEET_XML_BYTES else cut
                data, carry = (data[:cut + 6], data[cut + 6:]) if cut >= 0 else (b"", data)
            else:
                carry = b""
            if data:
                _scan_rows(data, scan, percent)
                limits.check_extent(sheet, scan.rows, scan.columns)
            if not chunk:
                break
    return scan


def _scan_rows(data: bytes, scan: SheetScan, percent: re.Pattern | None) -> None:
    """Fold whole rows of sheet XML into scan (also the <cols> element, which precedes the first row)."""
    if b"<col " in data or b"<col>" in data:
        for attrs in _COL.findall(data.split(b"<sheetData", 1)[0]):
            if _HIDDEN.search(attrs):
                bounds = _MIN_MAX.search(attrs)
                if bounds:
                    lo, hi = (bounds.group(1), bounds.group(2)) if bounds.group(1) else (bounds.group(4), bounds.group(3))
                    scan.hidden_columns.update(range(int(lo) - 1, min(int(hi), limits.MAX_COLUMNS)))
    row_number = scan.last_row
    for match in _ROW.finditer(data):
        attrs, empty = match.group(1), match.group(2)
        number = _ROW_NUMBER.search(attrs)
        row_number = int(number.group(1)) if number else row_number + 1
        if not empty:                          # a formatted row without cells adds nothing to the grid
            scan.rows = max(scan.rows, row_number)
        if _HIDDEN.search(attrs):
            scan.hidden_rows.add(row_number - 1)
    scan.last_row = row_number
    letters = set(_CELL_COLUMN.findall(data))
    if letters:
        scan.columns = max(scan.columns, max(column_index(x.decode()) + 1 for x in letters))
    if len(_CELL_TAG.findall(data)) > data.count(b'<c r="'):
        # Some cells do not start with their reference (another attribute first, or none at all): read every cell
        # tag, counting on from the previous cell where the reference is missing.
        for row in re.findall(rb"<row\b[^>]*>(.*?)</row>", data, re.S):
            column = 0
            for tag in _ANY_CELL.findall(row):
                ref = _CELL_REF.search(tag)
                column = column_index(ref.group(1).decode()) + 1 if ref else column + 1
                scan.columns = max(scan.columns, column)
    if percent is not None:
        for tag in percent.findall(data):
            ref = _CELL_REF.search(tag)
            if ref:
                scan.percent_cells.add((int(ref.group(2)) - 1, column_index(ref.group(1).decode())))
    if b't="e"' in data:
        for attrs, body in _ERROR_CELL.findall(data):
            ref, value = _CELL_REF.search(attrs), _VALUE.search(body)
            if ref:
                scan.error_cells[(int(ref.group(2)) - 1, column_index(ref.group(1).decode()))] = (
                    value.group(1).decode("utf-8", "replace") if value else "#N/A")
    if b"<f" in data:
        scan.formulas_without_value += [(m.group(1).decode(), int(m.group(2)))
                                        for m in _FORMULA_NO_VALUE.finditer(data)]
