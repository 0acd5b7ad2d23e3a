"""The one translation catalogue: every user-facing string, label and message, simplified Chinese (default) and
English, and the functions that render them in the chosen language. Domain code writes codes and parameters; only
the edge (pages, exports, the command line) turns them into words."""

from __future__ import annotations

import math
import re
from collections import defaultdict

from tracker.i18n.labels import AUDIT_ACTIONS, CHECK_LABELS, COMPARATOR_SIGNS, DATA_LABELS, KIND_LABELS
from tracker.i18n.messages import (
    CODED_PARAMETERS,
    LIST_SEPARATOR,
    NOTE_MESSAGES,
    PAIR_SEPARATOR,
    PARAM_SEPARATOR,
    PROBLEM_MESSAGES,
)
from tracker.i18n.strings import STRINGS

__all__ = ["AUDIT_ACTIONS", "CHECK_LABELS", "COMPARATOR_SIGNS", "DATA_LABELS", "KIND_LABELS", "LANGUAGES",
           "NOTE_MESSAGES", "PROBLEM_MESSAGES", "STRINGS", "data_label", "describe_target", "label",
           "render_notes", "render_problem", "t"]

LANGUAGES = {"zh": "中文", "en": "English"}

_NOTE_SEPARATOR, _PARAM_SEPARATOR = "\x1e", "\x1f"


def render_notes(coded: str | None, lang: str = "zh") -> str:
    """The engine's coded notes in a language, joined with "；" (Chinese) or "; " (English)."""
    if not isinstance(coded, str) or not coded:
        return ""
    lines = []
    for note in coded.split(_NOTE_SEPARATOR):
        code, *pairs = note.split(_PARAM_SEPARATOR)
        params = dict(pair.split("=", 1) for pair in pairs)
        template = NOTE_MESSAGES.get(code)
        lines.append(code if template is None else (template[1] if lang == "en" else template[0]).format(**params))
    return ("; " if lang == "en" else "；").join(lines)


_OPTIONAL = re.compile(r"\[([^\[\]]*)\]")
_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def render_problem(code: str, params: str | None, lang: str = "zh") -> str:
    """One problem of the validator or the file reader in lang, from its code and its encoded parameters."""
    template = PROBLEM_MESSAGES.get(code)
    if template is None:
        return code
    values = _problem_values(params, lang)

    def optional(m: re.Match) -> str:
        return m[1] if all(values.get(n) for n in _PLACEHOLDER.findall(m[1])) else ""

    text = _OPTIONAL.sub(optional, template[1] if lang == "en" else template[0])
    return text.format_map(defaultdict(str, values))


def render_problems(problems, lang: str = "zh") -> list[str]:
    """The message of every row of a problems frame (columns code and params)."""
    return [render_problem(c, p, lang) for c, p in zip(problems["code"], problems["params"], strict=True)]


def _problem_values(params: str | None, lang: str) -> dict[str, str]:
    en = lang == "en"
    values = {}
    for pair in (params or "").split(PARAM_SEPARATOR):
        if not pair:
            continue
        name, _, value = pair.partition("=")
        if name in CODED_PARAMETERS:
            value = label(DATA_LABELS, value, lang)
        elif LIST_SEPARATOR in value or PAIR_SEPARATOR in value:
            items = []
            for item in value.split(LIST_SEPARATOR):
                code, sep, text = item.partition(PAIR_SEPARATOR)
                items.append((f"{label(DATA_LABELS, code, lang)} “{text}”" if en
                              else f"{label(DATA_LABELS, code, lang)}「{text}」") if sep else item)
            value = (", " if en else "、").join(items)
        values[name] = value
    return values


def t(key: str, lang: str = "zh", **values) -> str:
    """The string for key in lang ('zh' or 'en'), with {placeholders} filled from values."""
    zh, en = STRINGS[key]
    text = en if lang == "en" else zh
    return text.format(**values) if values else text


def label(table: dict[str, tuple[str, str]], code: str | None, lang: str = "zh") -> str:
    """Translate a code through one of the label tables; unknown codes are shown as they are."""
    if code is None:
        return ""
    pair = table.get(code)
    return code if pair is None else (pair[1] if lang == "en" else pair[0])


def data_label(code, lang: str = "zh") -> str:
    """A problem level, kind of change, batch kind or batch status in lang."""
    return label(DATA_LABELS, None if code is None else str(code), lang)


def _num(value) -> str:
    """A number inside a target's reading: the one formatter's, "?" where the catalogue gives none."""
    from tracker.formatting import is_missing, number

    return "?" if is_missing(value) else number(value)


def describe_target(row, lang: str = "zh") -> str:
    """A short reading of one target, written as the one formatter writes values (so that '≥ 60%' stands beside
    '52.9%'): '≥ 3,000家', '2–3个', '> 2.2%(力争 2.5%)', '年均增长 ≥ 12%'."""
    unit = row.get("unit") or ""
    kind, comp = row.get("kind"), COMPARATOR_SIGNS.get(row.get("comparator"), row.get("comparator") or "")
    value = _num(row.get("target_value"))
    en = lang == "en"
    per_year = (" / year" if en else "/年") if row.get("basis") == "per_year" else ""
    cumulative = (" in total" if en else "(累计)") if row.get("basis") == "cumulative" else ""
    if kind == "qualitative":
        return "qualitative (status set by a person)" if en else "定性目标(人工判定)"
    if kind == "coverage":
        return "full coverage (100%)" if en else "全覆盖(100%)"
    if kind == "range":
        return f"{value}–{_num(row.get('target_value_hi'))}{unit}{per_year}{cumulative}"
    if kind == "floor_stretch":
        stretch = _num(row.get("stretch_value"))
        return f"{comp} {value}{unit}" + (f" (stretch {stretch}{unit})" if en else f"(力争 {stretch}{unit})")
    if kind == "growth":
        rate = _num(row.get("growth_rate"))
        return f"annual growth {comp} {rate}%" if en else f"年均增长 {comp} {rate}%"
    if kind == "doubling":
        multiple = _num(row.get("multiple"))
        base = row.get("baseline_value")
        tail = f" = {value}{unit}" if base is not None and not _isnan(base) else ""
        return (f"{multiple} × baseline{tail}" if en else f"{multiple} 倍于基期(翻番){tail}")
    if kind == "relative":
        margin = _num(row.get("relative_margin"))
        other = row.get("relative_to_region") or ""
        if en:
            return f"{comp} {other} average" + (f" + {margin}%" if row.get("relative_margin") else "")
        return f"{comp} {other}平均水平" + (f"(高出 {margin}% 以上)" if row.get("relative_margin") else "")
    return f"{comp} {value}{unit}{per_year}{cumulative}".strip()


def _isnan(value) -> bool:
    return isinstance(value, float) and math.isnan(value)
