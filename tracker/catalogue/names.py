"""Names of indicators and regions: normalising what people type and resolving it to canonical names.

Resolution is exact after normalisation (width, traditional characters, spaces, a unit in brackets). Nothing is
matched by similarity: 科技型企业 and 科技型中小企业 are different indicators, and a near miss is offered as a
suggestion, never merged silently.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable

from tracker.catalogue.text import to_simplified
from tracker.methodology import DEFAULT_PATH

PERCENT_UNITS = {"%", "％", "个百分点"}
_UNIT_SUFFIX = re.compile(r"[((][^()()]*[))]?$")


def default_path_kind(unit: str) -> str:  # noqa: ARG001 - kept for callers that name the unit
    """The planned path of an indicator the catalogue sets none for: linear (时间过半、任务过半), whatever the unit.

    Chinese planning offices read 序时进度 as time-proportional; the geometric path is for growth-rate targets,
    which the engine gives it anyway, and for indicators a person sets it on (docs/methodology.md §3).
    """
    return DEFAULT_PATH


def normalise_name(text: str) -> str:
    """Canonical form for matching: NFKC width folding, simplified characters, no spaces, no trailing (unit)."""
    folded = unicodedata.normalize("NFKC", text)
    folded = re.sub(r"\s+", "", folded)
    folded = _UNIT_SUFFIX.sub("", folded)
    return to_simplified(folded)


class NameResolver:
    """Resolves names (canonical or alias, any script or width) to one canonical name."""

    def __init__(self, canonical: Iterable[str], aliases: Iterable[tuple[str, str]] = ()):
        self._lookup: dict[str, str] = {}
        for name in canonical:
            self._lookup[normalise_name(name)] = name
        for alias, name in aliases:
            self._lookup.setdefault(normalise_name(alias), name)

    def resolve(self, text: str) -> str | None:
        """The canonical name for text, or None when it is not known."""
        return self._lookup.get(normalise_name(text))

    def suggest(self, text: str, n: int = 3) -> list[str]:
        """Closest known canonical names, for an error message."""
        close = difflib.get_close_matches(normalise_name(text), list(self._lookup), n=n * 2, cutoff=0.5)
        names = []
        for key in close:
            if self._lookup[key] not in names:
                names.append(self._lookup[key])
        return names[:n]
