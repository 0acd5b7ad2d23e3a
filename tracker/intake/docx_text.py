"""A .docx file's text: paragraphs and tables in document order (python-docx).

A table row becomes one line, its cells apart by a tab, so that a row of a 主要指标 table can be quoted as a whole
and read by tracker.intake.tables; a merged cell (python-docx repeats it in every grid column it spans) is written
once. Empty paragraphs are kept as empty lines, which keeps paragraphs apart.
"""

from __future__ import annotations

from io import BytesIO

from tracker.intake.errors import UnreadableDocument

CELL_SEPARATOR = "\t"


def read_docx(name: str, data: bytes) -> str:
    """The text of a .docx file, one line per paragraph and per table row."""
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(BytesIO(data))
    except (PackageNotFoundError, KeyError, ValueError) as exc:
        raise UnreadableDocument("document_damaged", name=name, detail=type(exc).__name__) from exc
    except Exception as exc:  # lxml and zipfile raise many kinds on a damaged file; all mean the same to a user
        raise UnreadableDocument("document_damaged", name=name, detail=type(exc).__name__) from exc
    lines: list[str] = []
    for block in document.iter_inner_content():
        if hasattr(block, "rows"):
            lines.extend(_table_lines(block))
        else:
            lines.append(_clean(block.text))
    return "\n".join(lines).strip("\n") + "\n"


def _table_lines(table) -> list[str]:
    lines = []
    for row in table.rows:
        cells, seen = [], set()
        for cell in row.cells:
            if id(cell._tc) in seen:          # a merged cell spans several grid columns: once is enough
                continue
            seen.add(id(cell._tc))
            cells.append(" ".join(_clean(p.text) for p in cell.paragraphs if p.text.strip()))
        while cells and not cells[-1]:
            cells.pop()
        if any(cells):
            lines.append(CELL_SEPARATOR.join(cells))
    return lines


def _clean(text: str) -> str:
    # A tab or a line break inside a paragraph or a cell would split a row or a sentence the wrong way.
    return text.replace("\t", " ").replace("\n", " ").replace("\r", " ").rstrip()
