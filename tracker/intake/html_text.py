"""An HTML page's text (standard library html.parser): block structure kept as lines, table cells apart by a tab.

Scripts, styles, navigation and other non-content elements are dropped; so are the page's head and forms. What a
scraped page still carries (menus written as plain links, copyright lines) stays in the text: the extractor finds no
targets in it, and a reviewer sees the page as it was.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from tracker.intake.documents import decode_text

SKIP = {"script", "style", "nav", "noscript", "template", "head", "svg", "iframe", "form", "button", "select",
        "object", "canvas"}
BLOCK = {"p", "div", "li", "ul", "ol", "tr", "table", "section", "article", "header", "footer", "main", "aside",
         "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "dd", "dt", "dl", "figure", "figcaption",
         "caption", "thead", "tbody", "tfoot", "hr", "address", "center"}
CELL = {"td", "th"}
VOID = {"br", "hr", "img", "input", "meta", "link", "area", "base", "col", "embed", "param", "source", "track", "wbr"}
CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.IGNORECASE)


class _TextParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.lines: list[list[str]] = [[]]     # lines of cells of text pieces
        self.skip_depth = 0
        self.stack: list[str] = []
        self.in_pre = 0

    def _newline(self):
        if self.lines[-1] and any(piece.strip() for piece in self.lines[-1]):
            self.lines.append([])
        else:
            self.lines[-1] = []

    def handle_starttag(self, tag, attrs):  # noqa: ARG002 - attributes carry no text
        if tag in VOID:
            if tag == "br" and not self.skip_depth:
                self._newline()
            return
        if self.skip_depth or tag in SKIP:
            self.skip_depth += 1
            self.stack.append(tag)
            return
        self.stack.append(tag)
        if tag in BLOCK:
            self._newline()
        elif tag in CELL and self.lines[-1]:
            self.lines[-1].append("\t")
        if tag == "pre":
            self.in_pre += 1

    def handle_endtag(self, tag):
        if tag in VOID or tag not in self.stack:
            return
        while self.stack:
            top = self.stack.pop()
            if self.skip_depth:
                self.skip_depth -= 1
            elif top in BLOCK:
                self._newline()
            if top == "pre":
                self.in_pre -= 1
            if top == tag:
                break

    def handle_data(self, data):
        if self.skip_depth:
            return
        if self.in_pre:
            parts = data.split("\n")
            for i, part in enumerate(parts):
                if i:
                    self._newline()
                self.lines[-1].append(part)
        else:
            self.lines[-1].append(re.sub(r"[ \t\r\n\f\v]+", " ", data))


def read_html(name: str, data: bytes) -> tuple[str, str]:
    """(text, encoding) of an HTML page."""
    declared = CHARSET.search(data[:4096])
    text = encoding = None
    if declared:
        encoding = declared.group(1).decode("ascii", "replace").lower()
        encoding = {"gb2312": "gb18030", "gbk": "gb18030"}.get(encoding, encoding)
        try:
            text = data.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            text = None
    if text is None:
        text, encoding = decode_text(name, data)
    parser = _TextParser()
    parser.feed(text.replace("\r\n", "\n"))
    parser.close()
    lines = []
    for pieces in parser.lines:
        cells = "".join(pieces).split("\t")
        line = "\t".join(cell.strip() for cell in cells).strip("\t ").rstrip()
        if line.strip():
            lines.append(line)
    return "\n".join(lines) + "\n", encoding
