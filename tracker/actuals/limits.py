"""How much of a file the readers take, checked before anything is allocated for it, and the budget of the
subprocess that reads an upload (tracker.actuals.worker). Every refusal names the limit it met.

A 300,000-row long file (9 columns) is well inside: the limits stop files that would take the server's memory or
minutes of its time (one cell at XFD1048576 asks for a 512 GiB grid; a CSV line of 16,000 fields; a single
131,072-character field).
"""

from __future__ import annotations

from tracker.actuals.errors import UnreadableFile

MAX_FILE_BYTES = 60 * 2**20          # the upload itself
MAX_ROWS = 500_000                   # rows of a sheet, counted from row 1
MAX_COLUMNS = 1_000                  # columns of a sheet, counted from column A
MAX_CELLS = 6_000_000                # the used range from A1: rows × columns (the grid the reader builds)
MAX_CELL_CHARS = 32_767              # Excel's own limit for one cell's text
MAX_SHEET_XML_BYTES = 2 * 2**30      # one worksheet's XML once decompressed (a zip bomb stops here)
WORKER_MEMORY_BYTES = 4 * 2**30      # address space of the reading subprocess (Python, pandas and the file)
WORKER_SECONDS = 180                 # time the reading subprocess may take


def check_file_size(size: int) -> None:
    if size > MAX_FILE_BYTES:
        raise UnreadableFile("file_too_large", size=_mb(size), limit=_mb(MAX_FILE_BYTES))


def check_extent(sheet: str, rows: int, columns: int) -> None:
    """Refuse a sheet whose used range (from A1) is beyond the limits, before its grid is built."""
    from tracker.actuals.cells import column_letter  # cells imports this module

    if rows > MAX_ROWS:
        raise UnreadableFile("too_many_rows", sheet=sheet, rows=f"{rows:,}", limit=f"{MAX_ROWS:,}")
    if columns > MAX_COLUMNS:
        raise UnreadableFile("too_many_columns", sheet=sheet, columns=f"{columns:,}", limit=f"{MAX_COLUMNS:,}")
    if rows * columns > MAX_CELLS:
        raise UnreadableFile("too_many_cells", sheet=sheet, range=f"A1:{column_letter(columns - 1)}{rows}",
                             cells=f"{rows * columns:,}", limit=f"{MAX_CELLS:,}")


def _mb(size: int) -> str:
    return f"{size / 2**20:.1f} MB"
