"""Text from a plan document: .txt, .docx, .pdf, .html/.htm or pasted text, read once into one plain text.

That text (DocumentText.text) is what every proposal's quote is an exact substring of, so whatever a reader
normalises (PDF page furniture, lines broken mid-sentence, HTML markup) it does here, once, and stores the result.
Characters are kept as written: a traditional-character document stays traditional (matching uses a simplified
view, tracker.intake.view); the display form is DocumentText.display_text.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import PurePath

from tracker.catalogue.text import TRADITIONAL, display_form, to_simplified
from tracker.intake.errors import UnreadableDocument

MAX_BYTES = 50 * 1024 * 1024          # a plan document is a few MB at most; beyond this it is not a plan
SUFFIXES = (".txt", ".docx", ".pdf", ".html", ".htm")


@dataclass(frozen=True)
class DocumentText:
    """One document's plain text and how it was read."""

    name: str
    kind: str                       # txt | docx | pdf | html | pasted
    text: str                       # the stored text; quotes are exact substrings of it
    encoding: str | None = None     # txt/html: the encoding that decoded the bytes
    pages: int | None = None        # pdf: number of pages
    script: str = "simplified"      # simplified | traditional (guessed from the characters)
    notes: tuple[str, ...] = field(default_factory=tuple)   # codes of what the reader changed (see docs/extraction.md)

    @property
    def display_text(self) -> str:
        """The text in simplified characters when the document is written in traditional ones."""
        return display_form(self.text, self.script)


def read_document(name: str, data: bytes) -> DocumentText:
    """The text of an uploaded document; raise UnreadableDocument with a stable code when it has none."""
    suffix = PurePath(name or "").suffix.lower()
    if not data or not data.strip():
        raise UnreadableDocument("document_empty", name=name)
    if len(data) > MAX_BYTES:
        raise UnreadableDocument("document_too_large", size=f"{len(data) / 1e6:.1f} MB",
                                 limit=f"{MAX_BYTES / 1e6:.0f} MB")
    kind = _sniff(name, data, suffix)
    if kind == "pdf":
        from tracker.intake.pdf_text import read_pdf
        text, pages, notes = read_pdf(name, data)
        return _finish(name, "pdf", text, pages=pages, notes=notes)
    if kind == "docx":
        from tracker.intake.docx_text import read_docx
        return _finish(name, "docx", read_docx(name, data))
    if kind == "html":
        from tracker.intake.html_text import read_html
        text, encoding = read_html(name, data)
        return _finish(name, "html", text, encoding=encoding)
    if kind == "txt":
        text, encoding = decode_text(name, data)
        return _finish(name, "txt", text, encoding=encoding)
    if kind == "doc":
        raise UnreadableDocument("document_legacy_word", name=name)
    raise UnreadableDocument("document_unsupported_type", name=name, suffix=suffix or "?")


def read_pasted(text: str, name: str = "粘贴文本") -> DocumentText:
    """Text a person pasted: kept as pasted (line ends made uniform)."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise UnreadableDocument("document_empty", name=name)
    return _finish(name, "pasted", text)


def _sniff(name: str, data: bytes, suffix: str) -> str:
    """What the bytes are, by their content first and the file name second."""
    head = data[:2048].lstrip()
    if data.startswith(b"%PDF-") or (suffix == ".pdf" and b"%PDF-" in data[:1024]):
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(BytesIO(data)) as zf:
                names = set(zf.namelist())
        except zipfile.BadZipFile as exc:
            raise UnreadableDocument("document_damaged", name=name, detail=str(exc)) from exc
        return "docx" if "word/document.xml" in names else "other"
    if data.startswith(b"\xd0\xcf\x11\xe0"):          # OLE2: a Word 97–2003 .doc (or an encrypted .docx)
        return "doc"
    lowered = head[:512].lower()
    if suffix in (".html", ".htm") or lowered.startswith((b"<!doctype html", b"<html")) or b"<html" in lowered:
        return "html"
    if suffix in (".txt", "") or suffix not in SUFFIXES and not _looks_binary(data):
        return "txt" if not _looks_binary(data) else "other"
    return "other"


def _looks_binary(data: bytes) -> bool:
    sample = data[:4096]
    if sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False                                   # UTF-16 text has NUL bytes
    return b"\x00" in sample


def decode_text(name: str, data: bytes) -> tuple[str, str]:
    """Bytes of a text file → (text, encoding): UTF-8 (with or without BOM), UTF-16 with BOM, GB18030, Big5."""
    if _looks_binary(data):
        raise UnreadableDocument("document_unsupported_type", name=name, suffix=PurePath(name).suffix or "?")
    if data.startswith(b"\xef\xbb\xbf"):
        candidates = ("utf-8-sig",)
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        candidates = ("utf-16",)
    else:
        # GB18030 decodes almost any byte string, so it is tried after strict UTF-8; Big5 after it never wins
        # for GB text and is kept for the rare Taiwan/HK file that GB18030 refuses.
        candidates = ("utf-8", "gb18030", "big5")
    for encoding in candidates:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return text.replace("\r\n", "\n").replace("\r", "\n"), encoding.replace("-sig", "") + (
            " (BOM)" if encoding.endswith("-sig") or encoding == "utf-16" else "")
    raise UnreadableDocument("document_encoding", name=name)


def guess_script(text: str) -> str:
    """traditional when converting to simplified changes a noticeable share of the Chinese characters."""
    han = [c for c in text[:20000] if "\u4e00" <= c <= "\u9fff"]
    if not han:
        return "simplified"
    sample = "".join(han)
    changed = sum(a != b for a, b in zip(sample, to_simplified(sample), strict=False))
    return TRADITIONAL if changed / len(han) > 0.03 else "simplified"


def _finish(name: str, kind: str, text: str, *, encoding: str | None = None, pages: int | None = None,
            notes: tuple[str, ...] = ()) -> DocumentText:
    if not text.strip():
        raise UnreadableDocument("document_no_text", name=name)
    return DocumentText(name=name, kind=kind, text=text, encoding=encoding, pages=pages, script=guess_script(text),
                        notes=tuple(notes))
