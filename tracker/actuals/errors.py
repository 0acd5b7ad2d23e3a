"""The one exception of the file readers: a file that cannot be read at all, as a message code with parameters."""

from __future__ import annotations

from tracker.actuals.validate import encode_params
from tracker.i18n import render_problem


class UnreadableFile(Exception):
    """The file cannot be opened at all (not a spreadsheet, damaged, unknown encoding, beyond a limit)."""

    def __init__(self, code: str, **params):
        self.code, self.params = code, encode_params(None, params)
        super().__init__(self.message("zh"))

    @classmethod
    def encoded(cls, code: str, params: str) -> UnreadableFile:
        """The same refusal rebuilt from its code and encoded parameters (as the reading subprocess sends it)."""
        error = cls(code)
        error.params = params
        error.args = (error.message("zh"),)
        return error

    def message(self, lang: str = "zh") -> str:
        return render_problem(self.code, self.params, lang)
