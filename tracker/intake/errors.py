"""The one exception of the document readers: a document whose text cannot be read, as a message code with
parameters (rendered in either language by tracker.i18n, like tracker.actuals.errors.UnreadableFile)."""

from __future__ import annotations

from tracker.i18n import render_problem
from tracker.i18n.messages import PARAM_SEPARATOR

# Every code a reader can raise; each has a Chinese and an English message in tracker.i18n.messages.
CODES = (
    "document_empty", "document_unsupported_type", "document_legacy_word", "document_too_large",
    "document_encoding", "document_damaged", "document_encrypted", "document_scanned_pdf", "document_no_text",
)


class UnreadableDocument(Exception):
    """The document cannot be turned into text (empty, unsupported, damaged, encrypted, scanned without text)."""

    def __init__(self, code: str, **params):
        self.code = code
        self.values = {name: str(value) for name, value in params.items()}
        self.params = PARAM_SEPARATOR.join(f"{name}={value}" for name, value in self.values.items())
        super().__init__(self.message("zh"))

    def message(self, lang: str = "zh") -> str:
        return render_problem(self.code, self.params, lang)
