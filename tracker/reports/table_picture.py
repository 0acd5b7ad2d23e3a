"""The evaluation table as pictures: 16:9 pages of as many rows as fit, the header and the caption on each, so a
76-row table is five slides instead of one picture 6,000 px tall. Also the pages as one ZIP or one PDF."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go
from PIL import Image

from tracker.i18n import t
from tracker.methodology.verdicts import STATUS_COLOURS
from tracker.reports.charts import FONT
from tracker.reports.evaluation import DARK_FILLS
from tracker.reports.layout import Caption, caption_lines, plain, text_px, tokens, wrap_text
from tracker.reports.snapshot import render

FONT_PX, LINE_PX, PAD = 15, 21, 7     # plotly's table line height for 15 px text is ~21 px
SHORT = 1.6                           # a column this much wider than its share on one line is left to wrap
TOP, BOTTOM = 70, 10                  # room for the title above the table, a little below


@dataclass(frozen=True)
class TablePage:
    """The rows of one picture (positions in the table) and its title."""

    rows: list[int]
    title: str


def _cell_text(value) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return str(value)


def column_widths(table: pd.DataFrame, width: int = 1600) -> list[float]:
    """Each column's width in pixels: at least its longest word (so "expected" or "10" is never cut), at most
    what its longest cell needs on one line; the room left goes to the columns that wrap, by the weights
    report.evaluation_table gives them."""
    weights = table.attrs.get("widths") or [1] * len(table.columns)
    usable = width - 40
    cell_pad = 24 + 2                                        # the cell's padding, and a pixel either side
    natural, minimum = [], []
    for name in table.columns:
        texts = [_cell_text(v) for v in table[name].tolist()]
        heading_words = tokens(str(name))
        natural.append(max([text_px(x, FONT_PX) for x in texts] + [text_px(str(name), FONT_PX + 1, True)])
                       + cell_pad)
        minimum.append(max([text_px(w, FONT_PX) for x in texts for w in tokens(x) if not w.isspace()]
                           + [text_px(w, FONT_PX + 1, True) for w in heading_words if not w.isspace()] + [0])
                       + cell_pad)
    share = [usable * w / sum(weights) for w in weights]
    # Short columns (a region, a status, a number with its year) get their one-line width; the long ones wrap.
    short = [high <= fair * SHORT for high, fair in zip(natural, share, strict=True)]

    def allocate() -> list[float]:
        return [high if is_short else max(low, fair)
                for low, fair, high, is_short in zip(minimum, share, natural, short, strict=True)]

    alloc = allocate()
    while sum(alloc) > usable and any(short[j] and natural[j] > share[j] for j in range(len(alloc))):
        # Too wide: the short column furthest over its share wraps after all.
        j = max((j for j in range(len(alloc)) if short[j]), key=lambda j: natural[j] - share[j])
        short[j] = False
        alloc = allocate()
    if sum(alloc) > usable:                                  # still too wide: the wrapping columns give way
        spare = [0.0 if short[j] else alloc[j] - minimum[j] for j in range(len(alloc))]
        excess = sum(alloc) - usable
        if sum(spare) > 0:
            alloc = [a - min(1.0, excess / sum(spare)) * sp for a, sp in zip(alloc, spare, strict=True)]
    for _ in range(len(alloc)):                              # hand out what is left, capped at the natural width
        left = usable - sum(alloc)
        hungry = [j for j in range(len(alloc)) if not short[j] and alloc[j] < natural[j]]
        if left <= 0.5 or not hungry:
            break
        total = sum(weights[j] for j in hungry)
        for j in hungry:
            alloc[j] = min(natural[j], alloc[j] + left * weights[j] / total)
    return alloc


def _wrapped(table: pd.DataFrame, width: int) -> tuple[list[list[list[str]]], list[list[str]]]:
    """Every cell as its lines (columns × rows × lines) and every heading as its lines."""
    room = [w - 24 for w in column_widths(table, width)]   # 2 px to spare over the measured width
    cells = [[wrap_text(_cell_text(v), FONT_PX, room[j]) or [""] for v in table[name].tolist()]
             for j, name in enumerate(table.columns)]
    headings = [wrap_text(str(name), FONT_PX + 1, room[j] / 1.06) or [""] for j, name in enumerate(table.columns)]
    return cells, headings


def _row_px(lines: int) -> float:
    return lines * LINE_PX + 2 * PAD


def paginate(table: pd.DataFrame, title: str, caption: Caption | None, *, lang: str = "zh", width: int = 1600,
             height: int = 900) -> list[TablePage]:
    """The table's rows split over pictures of width × height, in order; one page when they all fit."""
    cells, headings = _wrapped(table, width)
    row_lines = [max(len(column[i]) for column in cells) for i in range(len(table))] if cells else []
    header = _row_px(max((len(h) for h in headings), default=1)) + 4
    strip = caption_lines(caption, width)[1] + 10 if caption else 0
    # Measured: plotly draws ~1 % more per row than the sum; a table taller than its area scrolls and hides its
    # last rows, so the budget is generous.
    budget = (height - TOP - BOTTOM - strip - header - 16) / 1.01
    groups, current, used = [], [], 0.0
    for i, lines in enumerate(row_lines):
        need = _row_px(lines)
        if current and used + need > budget:
            groups.append(current)
            current, used = [], 0.0
        current.append(i)
        used += need
    groups.append(current)
    if len(groups) == 1:
        return [TablePage(groups[0], title)]
    return [TablePage(rows, f"{title}  {t('eval_page', lang, page=n, pages=len(groups))}")
            for n, rows in enumerate(groups, start=1)]


def table_figure(table: pd.DataFrame, page: TablePage, width: int = 1600) -> go.Figure:
    """One page of the table as a plotly Table; each row's cells padded to the same number of lines, so plotly
    puts the text of every cell of a row at the same height."""
    cells, headings = _wrapped(table, width)
    rows = page.rows
    lines = {i: max(len(column[i]) for column in cells) for i in rows}
    columns = [["<br>".join([plain(x) for x in column[i]] + [" "] * (lines[i] - len(column[i]))) for i in rows]
               for column in cells]
    tallest = max(len(h) for h in headings)
    header = ["<br>".join([f"<b>{plain(x)}</b>" for x in h] + [" "] * (tallest - len(h))) for h in headings]
    statuses = table.attrs.get("status")
    fill = [["white" if n % 2 == 0 else "#f7f9fb" for n in range(len(rows))] for _ in table.columns]
    font_colour = [["#222222"] * len(rows) for _ in table.columns]
    if statuses:
        colours = [STATUS_COLOURS.get(statuses[i], "white") for i in rows]
        fill[-1] = colours
        font_colour[-1] = ["white" if str(c).lower() in DARK_FILLS else "#222222" for c in colours]
    fig = go.Figure(go.Table(
        columnwidth=column_widths(table, width),
        header={"values": header, "fill_color": "#dde5f0", "line_color": "#9aa5b1", "align": "center",
                "height": _row_px(1) + 4, "font": {"size": FONT_PX + 1, "color": "#1b2a41", "family": FONT}},
        cells={"values": columns, "fill_color": fill, "line_color": "#c3cbd3", "height": _row_px(1),
               "align": table.attrs.get("align") or "left",
               "font": {"size": FONT_PX, "color": font_colour, "family": FONT}},
    ))
    fig.update_layout(
        template="plotly", paper_bgcolor="white", font={"family": FONT, "size": FONT_PX},
        title={"text": plain(page.title), "font": {"size": 24, "family": FONT}},
        margin={"l": 20, "r": 20, "t": TOP, "b": BOTTOM},
    )
    return fig


def table_pages_png(table: pd.DataFrame, title: str, caption: Caption | None, *, lang: str = "zh",
                    width: int = 1600, height: int = 900, scale: float = 2) -> list[bytes]:
    """The table as 16:9 PNG pages of (width × scale) × (height × scale) pixels, the caption on each."""
    return [render(table_figure(table, page, width), width, height, scale, caption)
            for page in paginate(table, title, caption, lang=lang, width=width, height=height)]


def page_names(stem: str, count: int) -> list[str]:
    """evaluation.png for one page; evaluation-1.png … evaluation-5.png for several."""
    return [f"{stem}.png"] if count == 1 else [f"{stem}-{n}.png" for n in range(1, count + 1)]


def pages_zip(pages: list[bytes], stem: str) -> bytes:
    """The pages in one ZIP, named as page_names says."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as zf:
        for name, png in zip(page_names(stem, len(pages)), pages, strict=True):
            zf.writestr(name, png)
    return buffer.getvalue()


def pages_pdf(pages: list[bytes]) -> bytes:
    """The pages as one PDF, a page each (printed at 300 dpi a 3200 px page is 27 cm wide: A4 landscape)."""
    images = [Image.open(io.BytesIO(png)).convert("RGB") for png in pages]
    buffer = io.BytesIO()
    images[0].save(buffer, "PDF", save_all=True, append_images=images[1:], resolution=300.0)
    return buffer.getvalue()



@dataclass(frozen=True)
class Download:
    """A download of the table's pictures: one PNG, or the pages in a ZIP; made when the button is clicked."""

    file_name: str
    mime: str
    pages: int
    make: Callable[[], bytes]


def pictures_download(table: pd.DataFrame, title: str, caption: Caption | None, stem: str,
                      lang: str = "zh") -> Download:
    """The table's pictures as one file: stem.png when it fits one page, else stem-png.zip of stem-1.png …"""
    count = len(paginate(table, title, caption, lang=lang))
    if count == 1:
        return Download(f"{stem}.png", "image/png", 1, lambda: table_pages_png(table, title, caption, lang=lang)[0])
    return Download(f"{stem}-png.zip", "application/zip", count,
                    lambda: pages_zip(table_pages_png(table, title, caption, lang=lang), stem))


def pdf_download(table: pd.DataFrame, title: str, caption: Caption | None, stem: str, lang: str = "zh") -> Download:
    """The table's pages as one PDF."""
    count = len(paginate(table, title, caption, lang=lang))
    return Download(f"{stem}.pdf", "application/pdf", count,
                    lambda: pages_pdf(table_pages_png(table, title, caption, lang=lang)))
