"""A PDF's text layer (pypdf), normalised once: page furniture removed, lines broken mid-sentence joined.

What is removed or joined is decided here, when the file is read, and the result is the document's stored text, so
a quote is an exact substring of what the reviewer sees. A PDF without a text layer (a scan) or one that needs a
password is refused with its own message; recognising characters in a scan (OCR) is not attempted.
"""

from __future__ import annotations

import re
from collections import Counter
from io import BytesIO

from tracker.intake.errors import UnreadableDocument

# "3", "- 3 -", "— 3 —", "第3页", "第 3 页 共 10 页", "3/10", "Page 3"
PAGE_NUMBER = re.compile(r"^[\s\-—–·]*(第?\s*\d{1,4}\s*页?(\s*[/共]\s*\d{1,4}\s*页?)?|page\s*\d+(\s*of\s*\d+)?)"
                         r"[\s\-—–·]*$", re.IGNORECASE)
SENTENCE_END = tuple("。！？；：!?;:”’」』)）】")
# A line that starts a heading or a list item is never joined to the line before it.
HEADING_START = re.compile(r"^\s*(第[一二三四五六七八九十百零〇\d]+[章节条部篇]|[一二三四五六七八九十]+、|[(（][一二三四五六七八九十\d]+[)）]"
                           r"|\d+[.、．]|专栏|專欄|[一二三四五六七八九十]是|附件|附表)")
MIN_JOIN_LENGTH = 12     # a shorter line is a heading or a table cell, not a line of running text
MIN_TEXT_PER_PAGE = 5    # fewer characters on every page: no text layer


def read_pdf(name: str, data: bytes) -> tuple[str, int, tuple[str, ...]]:
    """(text, number of pages, notes) of a PDF; raise UnreadableDocument when it has no readable text."""
    from pypdf import PdfReader
    from pypdf.errors import DependencyError, FileNotDecryptedError, PdfReadError

    try:
        reader = PdfReader(BytesIO(data))
        if reader.is_encrypted:
            # Many PDFs are "encrypted" with an empty user password only to stop editing; those read fine.
            try:
                if not reader.decrypt(""):
                    raise UnreadableDocument("document_encrypted", name=name)
            except (DependencyError, NotImplementedError) as exc:
                raise UnreadableDocument("document_encrypted", name=name) from exc
        pages = [page.extract_text() or "" for page in reader.pages]
    except UnreadableDocument:
        raise
    except FileNotDecryptedError as exc:
        raise UnreadableDocument("document_encrypted", name=name) from exc
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError, OSError) as exc:
        raise UnreadableDocument("document_damaged", name=name, detail=type(exc).__name__) from exc
    if not pages:
        raise UnreadableDocument("document_damaged", name=name, detail="no pages")
    if all(len("".join(p.split())) < MIN_TEXT_PER_PAGE for p in pages):
        if _has_images(reader):
            raise UnreadableDocument("document_scanned_pdf", name=name, pages=len(pages))
        raise UnreadableDocument("document_no_text", name=name)
    text, notes = normalise_pages(pages)
    return text, len(pages), notes


def _has_images(reader) -> bool:
    for page in reader.pages:
        try:
            resources = page.get("/Resources") or {}
            xobjects = resources.get("/XObject") or {}
            if any(xobjects[key].get_object().get("/Subtype") == "/Image" for key in xobjects):
                return True
        except Exception:  # a damaged resource dictionary: treat as no image
            continue
    return False


def normalise_pages(pages: list[str]) -> tuple[str, tuple[str, ...]]:
    """Drop page numbers and running headers/footers, then join lines broken inside a sentence."""
    page_lines = [[line.rstrip() for line in page.replace("\r", "\n").split("\n")] for page in pages]
    furniture = _running_lines(page_lines)
    notes: list[str] = []
    kept: list[str] = []
    dropped = 0
    for lines in page_lines:
        for line in lines:
            stripped = line.strip()
            if not stripped:
                continue
            if PAGE_NUMBER.match(stripped) or _shape(stripped) in furniture:
                dropped += 1
                continue
            kept.append(stripped)
    if dropped:
        notes.append("pdf_furniture_removed")
    joined, n_joined = join_broken_lines(kept)
    if n_joined:
        notes.append("pdf_lines_joined")
    return "\n".join(joined) + "\n", tuple(notes)


def _shape(line: str) -> str:
    return re.sub(r"\d+", "#", line)


def _running_lines(page_lines: list[list[str]]) -> set[str]:
    """Lines (digits ignored) at the top or bottom of at least half of the pages, when there are 3 or more."""
    if len(page_lines) < 3:
        return set()
    counts: Counter[str] = Counter()
    for lines in page_lines:
        edge = [line.strip() for line in lines if line.strip()]
        # A header or footer is short and is not a sentence.
        counts.update({_shape(line) for line in edge[:2] + edge[-2:] if len(line) <= 40 and not line.endswith("。")})
    return {shape for shape, n in counts.items() if n >= max(3, len(page_lines) / 2)}


def join_broken_lines(lines: list[str]) -> tuple[list[str], int]:
    """Join a line to the previous one when the previous one stops inside a sentence."""
    out: list[str] = []
    joined = 0
    for line in lines:
        if out and _continues(out[-1], line):
            glue = "" if _is_cjk(out[-1][-1]) or _is_cjk(line[0]) else " "
            out[-1] = out[-1] + glue + line
            joined += 1
        else:
            out.append(line)
    return out, joined


def _continues(previous: str, line: str) -> bool:
    if len(previous) < MIN_JOIN_LENGTH or previous.endswith(SENTENCE_END) or HEADING_START.match(line):
        return False
    # A heading has no full stop either; a short line that starts like one is kept on its own.
    return not (HEADING_START.match(previous) and len(previous) <= 30)


def _is_cjk(char: str) -> bool:
    return "\u3000" <= char <= "\u9fff" or "\uff00" <= char <= "\uffef"
