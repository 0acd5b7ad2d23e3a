"""Suggesting a canonical indicator for a proposal's subject, from the indicators the caller passes in.

Exact (after tracker.catalogue.names.normalise_name) beats alias beats containment (the longest known name or alias
inside the subject, or the subject inside it); otherwise the closest names by difflib are offered as candidates and
the match is "new". Nothing is merged silently: the reviewer confirms.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from tracker.catalogue.names import normalise_name


class IndicatorMatcher:
    """Matches subjects to indicators given as dicts {id, name, aliases}."""

    def __init__(self, indicators: Iterable[dict] = ()):
        self.names: dict[str, tuple[str, str, str]] = {}        # key -> (id, name, exact|alias)
        for ind in indicators:
            self.names.setdefault(normalise_name(ind["name"]), (ind["id"], ind["name"], "exact"))
            for alias in ind.get("aliases") or []:
                self.names.setdefault(normalise_name(alias), (ind["id"], ind["name"], "alias"))
        self._by_length = sorted(self.names, key=len, reverse=True)

    def match(self, subject: str) -> tuple[str | None, str | None, str, list[str]]:
        """(indicator id, name, how, candidate ids) for a subject."""
        if not self.names or not subject:
            return None, None, "new", []
        key = normalise_name(subject)
        if key in self.names:
            iid, name, how = self.names[key]
            return iid, name, how, [iid]
        for known in self._by_length:
            if len(known) >= 3 and (known in key or len(key) >= 4 and key in known):
                iid, name, _ = self.names[known]
                return iid, name, "contained", [iid]
        close = difflib.get_close_matches(key, list(self.names), n=6, cutoff=0.6)
        ids: list[str] = []
        for k in close:
            if self.names[k][0] not in ids:
                ids.append(self.names[k][0])
        if ids:
            first = next(v for v in self.names.values() if v[0] == ids[0])
            return first[0], first[1], "closest", ids[:3]
        return None, None, "new", []
