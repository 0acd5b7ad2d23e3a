"""Explanations as message codes with parameters (tracker.i18n renders them in a language)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from tracker.methodology.arrays import _years_str


class _Notes:
    """Explanations as message codes with parameters, several per row; rendered in a language by
    tracker.i18n.render_notes (the engine writes no prose of its own).

    Encoding: notes are separated by NOTE_SEPARATOR, a note's code and its ``key=value`` parameters by
    PARAM_SEPARATOR — control characters that never occur in names, years or a person's note.
    """

    def __init__(self, n: int):
        self.values = np.full(n, "", dtype=object)

    def add(self, mask: np.ndarray, code: str, idx: np.ndarray | None = None, **params) -> None:
        """Append note ``code`` where ``mask`` holds; ``idx`` maps mask positions to output rows.

        A parameter is a string, a numeric array (shown as whole numbers: years, counts) or an array of strings;
        arrays are aligned with ``mask`` and only the selected entries are formatted.
        """
        sel = np.flatnonzero(mask)
        if len(sel) == 0:
            return
        text = np.full(len(sel), code, dtype=object)
        for key, value in params.items():
            if isinstance(value, str):
                part = _clean(value)
            elif value.dtype.kind in "fiu":
                part = _years_str(value[sel])
            else:
                part = pd.Series(value[sel], dtype=object).astype(str).map(_clean).to_numpy(dtype=object)
            text = text + f"{PARAM_SEPARATOR}{key}=" + part
        rows = sel if idx is None else idx[sel]
        cur = self.values[rows]
        sep = np.where(cur == "", "", NOTE_SEPARATOR).astype(object)
        self.values[rows] = cur + sep + text


NOTE_SEPARATOR = "\x1e"


PARAM_SEPARATOR = "\x1f"


def _clean(text: str) -> str:
    """A parameter without the separators (a person's note may contain anything)."""
    return text.replace(NOTE_SEPARATOR, " ").replace(PARAM_SEPARATOR, " ")
