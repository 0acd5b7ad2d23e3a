"""Text in the report font: measured, wrapped at word and CJK boundaries, and the caption placed under a figure.

Plotly does not wrap text and its automatic margins take the largest need instead of stacking them, so the room
every label, legend and caption takes is measured here with the font Chromium draws (Noto Sans CJK SC).
"""

from __future__ import annotations

import functools
import re
import subprocess
from dataclasses import dataclass, field
from datetime import datetime

from PIL import ImageFont

from tracker.i18n import t
from tracker.reports.charts import FONT, plain  # noqa: F401  (plain: one escaping rule for every label)

CJK_FAMILY = "Noto Sans CJK SC"
CAPTION_FONT_PX = 15      # caption text, logical pixels (× scale in the PNG)
CAPTION_COLOUR = "#555555"
FONT_SCALE = 1.3          # screen charts use 13 px text; a 1600 px wide slide picture needs more


def as_of_text(as_of: int | None, latest_year: int | None, lang: str = "zh") -> str:
    """The year a picture or table is as of, always a year when there is data: 2018年, or 2023年(最新数据)."""
    if as_of is not None:
        return t("pic_as_of_year", lang, year=as_of)
    if latest_year is not None:
        return t("pic_as_of_latest", lang, year=latest_year)
    return t("as_of_latest", lang)


@dataclass(frozen=True)
class Caption:
    """Where the numbers of a picture come from, printed under it."""

    plan: str
    indicator: str | None = None
    unit: str | None = None
    source: str | None = None
    as_of: int | None = None          # None: the latest data
    generated_at: datetime = field(default_factory=lambda: datetime.now().replace(microsecond=0))
    latest_year: int | None = None    # shown beside "latest data" when as_of is None
    lang: str = "zh"
    pending: bool = False             # values waiting for review counted: the picture says so

    def lines(self) -> list[str]:
        """The caption as text lines (before wrapping)."""
        def s(key: str, **values) -> str:
            return t(key, self.lang, **values)

        first = s("pic_plan", plan=self.plan)
        if self.indicator:
            first += "    " + s("pic_indicator", indicator=self.indicator)
        if self.unit:
            first += s("pic_unit", unit=self.unit)
        as_of = as_of_text(self.as_of, self.latest_year, self.lang)
        second = "    ".join([s("pic_source", source=self.source or "—"), s("pic_as_of", as_of=as_of),
                              s("pic_generated", at=f"{self.generated_at:%Y-%m-%d %H:%M}"),
                              *([s("values_with_pending")] if self.pending else [])])
        return [first, second]


@functools.lru_cache(maxsize=8)
def _measure_font(size_px: int) -> ImageFont.FreeTypeFont | None:
    """Noto Sans CJK SC for measuring text widths (fc-match names the .ttc file and the SC face's index)."""
    try:
        out = subprocess.run(["fc-match", "-f", "%{file}\n%{index}", CJK_FAMILY], capture_output=True, text=True,
                             timeout=20).stdout.split("\n")
        return ImageFont.truetype(out[0], size_px, index=int(out[1] or 0))
    except (OSError, subprocess.SubprocessError, ValueError, IndexError):
        return None


def text_px(text: str, size_px: float, bold: bool = False) -> float:
    """Rendered width of text in Noto Sans CJK SC (an estimate when the font file cannot be read)."""
    font = _measure_font(round(size_px))
    if font is not None:
        width = font.getlength(text)
    else:
        width = sum(size_px if ord(ch) > 0x2E80 else 0.56 * size_px for ch in text)
    return width * (1.06 if bold else 1.0)   # the bold face is ~5 % wider; measured on the KPI labels


# CJK ideographs, kana, CJK punctuation and full-width forms: a line may break before or after each of them.
_CJK = "\u2e80-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef"
_TOKEN = re.compile(f"\\s+|[{_CJK}]|[^\\s{_CJK}]+")
# The Chinese line-breaking rule (禁则): closing marks never start a line, opening marks never end one.
_NO_LINE_START = set("，。、；：！？）》」』】〉”’％,.;:!?)]}%…·")
_NO_LINE_END = set("（《「『【〈“‘([{")


def tokens(text: str) -> list[str]:
    """The pieces a line may break between: a word (letters, digits and the punctuation inside them), one CJK
    character, or a run of spaces; closing marks stay with what precedes them, opening marks with what follows."""
    tokens: list[str] = []
    opening = ""
    for token in _TOKEN.findall(text):
        if token.isspace():
            tokens += [opening, token] if opening else [token]
            opening = ""
            continue
        token, opening = opening + token, ""
        if token[-1] in _NO_LINE_END and len(token) == 1:
            opening = token
        elif token[0] in _NO_LINE_START and tokens and not tokens[-1].isspace():
            tokens[-1] += token
        else:
            tokens.append(token)
    return [*tokens, opening] if opening else tokens


def _longest_prefix(text: str, size_px: float, max_px: float) -> int:
    """How many characters of text fit in max_px (at least one)."""
    n = 1
    while n < len(text) and text_px(text[: n + 1], size_px) <= max_px:
        n += 1
    return n


def wrap_text(text: str, size_px: float, max_px: float) -> list[str]:
    """Greedy wrap by measured width, breaking only between words, beside a CJK character or at spaces (never
    inside "needs"); a single word wider than the line is cut where it must be."""
    lines: list[str] = []
    current = ""
    for token in tokens(text):
        if token.isspace():
            current += token if current else ""
            continue
        if current and text_px((current + token).rstrip(), size_px) > max_px:
            lines.append(current.rstrip())
            current = ""
        current += token
        while len(current) > 1 and text_px(current, size_px) > max_px:
            cut = _longest_prefix(current, size_px, max_px)
            lines.append(current[:cut])
            current = current[cut:]
    current = current.rstrip()
    return [*lines, current] if current else lines


# The caption lives in the figure itself, so the PNG comes straight from Chromium (re-encoding a 3200×1800 PNG
# with Pillow to add a strip costs ~0.3 s a chart). Layout, bottom up: caption | legend | x-axis labels | plot.
# Plotly's automatic margins take the maximum of what each element needs, they do not stack, so the room under the
# plot is reserved by hand: layout.title (the only text plotly places in container coordinates) becomes the
# caption, the chart's own title moves to an annotation above the plot, the legend is pinned in container
# coordinates above the caption and the x axes stop pushing the margin.
_LINE = 1.3   # plotly's line spacing for <br>


# Figures are handled as plain dicts from here on: copying and validating a plotly Figure object three times
# (copy, restyle, caption) cost ~0.13 s a chart, a third of the whole export of a plan.
_AXIS = re.compile(r"^[xy]axis\d*$")
_NON_CARTESIAN = {"table", "pie", "indicator", "sunburst", "treemap", "icicle", "funnel", "sankey"}


def title_text(title) -> str | None:
    return title.get("text") if isinstance(title, dict) else title


def _cartesian(spec: dict) -> bool:
    return any(trace.get("type", "scatter") not in _NON_CARTESIAN for trace in spec.get("data", []))


def axes(spec: dict, letter: str) -> list[dict]:
    """The layout's x (or y) axes, creating the default one a cartesian figure uses without naming it."""
    layout = spec["layout"]
    if _cartesian(spec):
        layout.setdefault(f"{letter}axis", {})
    return [axis for key, axis in layout.items() if _AXIS.match(key) and key[0] == letter]


def _legend_height(spec: dict, plot_px: float) -> float:
    """Height of a horizontal legend below the plot: items packed into rows as wide as the plot."""
    layout = spec["layout"]
    size = layout.get("legend", {}).get("font", {}).get("size") or layout.get("font", {}).get("size") or 13
    names = [str(trace.get("name") or f"trace {i}") for i, trace in enumerate(spec.get("data", []))
             if trace.get("showlegend") is not False]
    if not layout.get("showlegend", len(names) > 1):
        return 0
    rows, used = 1, 0.0
    for name in names:
        item = text_px(name, size) + 40 + size  # symbol, gaps
        if used and used + item > plot_px:
            rows, used = rows + 1, 0.0
        used += item
    return rows * (size * 1.5 + 6) + 8


def _xaxis_height(spec: dict) -> float:
    """Room the x axes need under the plot: tick labels and the axis title."""
    base = spec["layout"].get("font", {}).get("size") or 13
    need = 0.0
    for axis in axes(spec, "x"):
        if axis.get("visible") is False:
            continue
        px = 0.0
        if axis.get("showticklabels") is not False:
            px += (axis.get("tickfont", {}).get("size") or base) * 1.45 + 8
        title = axis.get("title")
        if title_text(title):
            size = title.get("font", {}).get("size") if isinstance(title, dict) else None
            px += (size or base) * 1.45 + 12
        need = max(need, px)
    return need


def caption_lines(caption: Caption, width: int) -> tuple[list[str], float]:
    """The caption wrapped to the picture's width, and the height it takes."""
    lines = [part for line in caption.lines() for part in wrap_text(line, CAPTION_FONT_PX, width - 48)]
    return lines, len(lines) * CAPTION_FONT_PX * _LINE + 20


def add_caption(spec: dict, caption: Caption, width: int, height: int) -> dict:
    """Reserve the bottom of the picture for the caption (see above); spec is a copy and is changed in place."""
    layout = spec.setdefault("layout", {})
    size = CAPTION_FONT_PX
    lines, caption_px = caption_lines(caption, width)
    margin = layout.setdefault("margin", {})
    top = margin.get("t", 60)
    title = layout.get("title")
    if title_text(title):
        font = (title.get("font") if isinstance(title, dict) else None) or {"size": round(18 * FONT_SCALE)}
        layout.setdefault("annotations", []).append({
            "xref": "paper", "yref": "paper", "x": 0, "y": 1, "xanchor": "left", "yanchor": "bottom", "yshift": 12,
            "text": title_text(title), "showarrow": False, "align": "left", "font": font})
        top = max(top, font.get("size", 22) * 1.4 + 24)
    legend = layout.get("legend", {})
    legend_below = legend.get("orientation") == "h" and legend.get("y", 1) < 0
    legend_px = _legend_height(spec, width - 160) if legend_below else 0
    bottom = caption_px + legend_px + _xaxis_height(spec) + 8
    for axis in axes(spec, "x"):
        axis["automargin"] = False
    margin.update(t=top, b=bottom)
    # With yanchor "bottom" plotly anchors the first line of a multi-line title; the others hang below it.
    first_line_bottom = 12 + (len(lines) - 1) * size * _LINE
    layout["title"] = {
        "text": "<br>".join(plain(line) for line in lines), "xref": "container", "yref": "container", "x": 20 / width, "xanchor": "left",
        "y": first_line_bottom / height, "yanchor": "bottom", "automargin": False, "pad": {"t": 0, "b": 0},
        "font": {"family": FONT, "size": size, "color": CAPTION_COLOUR},
    }
    if legend_below:
        layout["legend"] = {**legend, "yref": "container", "y": (caption_px + 2) / height, "yanchor": "bottom"}
    return spec
