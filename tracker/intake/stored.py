"""Where the text of a stored plan document is read from, for code that has no store at hand.

A reviewed plan's seed_file names its document in the store's documents table, not a file of seeds/. The entry point
(app.py, a command-line tool) says which store holds the documents; tracker.views.service.quote_in_context reads
through it. Never imports streamlit.
"""

from __future__ import annotations

from collections.abc import Callable

_reader: Callable[[str], str | None] | None = None


def read_documents_from(store) -> None:
    """Read stored documents from this store (its document_text) from now on."""
    global _reader
    _reader = store.document_text


def document_text(seed_file: str) -> str | None:
    """The stored text named seed_file, None when there is no store to read from or no such document."""
    return None if _reader is None else _reader(seed_file)
