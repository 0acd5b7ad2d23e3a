"""Pictures and packs for reports built from the renderer in tracker.reports.snapshot: the overview as one slide, the
evaluation table as a picture, and the ZIP of a whole plan (every target's chart, the overview, the table as PNG and
.xlsx, a README naming the sources)."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from datetime import datetime

import pandas as pd
import plotly.graph_objects as go

from tracker.i18n import t
from tracker.methodology.verdicts import STATUS_COLOURS, schedule_label
from tracker.reports.charts import FONT
from tracker.reports.snapshot import Caption, caption_lines, figures_png, render, require_ready, wrap_text

# ---- the overview as one slide ---------------------------------------------------------------------------------

def overview_figure(plan_title: str, kpis: dict, status_fig: go.Figure, heatmap_fig: go.Figure | None,
                    lang: str = "zh", plot_height: int = 780) -> go.Figure:
    """KPI numbers across the top, the status chart on the left and the year heatmap on the right (16:9)."""

    fig = go.Figure()
    fig.update_layout(
        template="plotly", paper_bgcolor="white", plot_bgcolor="white", showlegend=False,
        font={"family": FONT, "size": 15, "color": "#2a3f5f"},
        title={"text": plan_title, "x": 0.01, "xanchor": "left", "font": {"size": 28, "family": FONT}},
        margin={"l": 20, "r": 20, "t": 70, "b": 30},
    )
    # KPI cards: a coloured bar, a big number, the label.
    items = list(kpis.items())
    gap = 0.012
    card_w = (1 - gap * (len(items) - 1)) / max(len(items), 1)
    for i, (code, value) in enumerate(items):
        x0 = i * (card_w + gap)
        colour = "#1f4e9c" if code == "total" else STATUS_COLOURS.get(code, "#999999")
        label = t("kpi_total", lang) if code == "total" else schedule_label(code, lang)
        fig.add_shape(type="rect", xref="paper", yref="paper", x0=x0, x1=x0 + card_w, y0=0.80, y1=1.0,
                      fillcolor="#f5f7fa", line={"color": "#dde3ea", "width": 1}, layer="below")
        fig.add_shape(type="rect", xref="paper", yref="paper", x0=x0, x1=x0 + 0.006, y0=0.80, y1=1.0,
                      fillcolor=colour, line={"width": 0})
        fig.add_annotation(xref="paper", yref="paper", x=x0 + card_w / 2, y=0.935, text=f"<b>{value}</b>",
                           showarrow=False, font={"size": 46, "color": "#1b2a41"}, yanchor="middle")
        fig.add_annotation(xref="paper", yref="paper", x=x0 + card_w / 2, y=0.835, text=label, showarrow=False,
                           font={"size": 18, "color": "#444444"}, yanchor="middle")

    panel_top = 0.68
    # Room on the left of each panel for its category labels (automargin off: the caption needs fixed margins).
    status_domain, heat_domain = [0.075, 0.33], [0.50, 0.90]
    if heatmap_fig is None:
        status_domain = [0.075, 0.58]
    fig.add_annotation(xref="paper", yref="paper", x=0, y=panel_top + 0.06, xanchor="left",
                       text=f"<b>{status_fig.layout.title.text or t('status_chart_title', lang)}</b>",
                       showarrow=False, font={"size": 19})
    for trace in status_fig.data:
        fig.add_trace(go.Figure(trace).data[0].update(xaxis="x", yaxis="y", cliponaxis=False))
    fig.layout.xaxis.update(status_fig.layout.xaxis.to_plotly_json())
    fig.layout.yaxis.update(status_fig.layout.yaxis.to_plotly_json())
    fig.update_layout(
        xaxis={"domain": status_domain, "anchor": "y", "gridcolor": "#e5e5e5", "title": {"font": {"size": 15}},
               "range": [0, max([max(tr.x) for tr in status_fig.data if tr.x] or [1]) * 1.18]},
        yaxis={"domain": [0, panel_top], "anchor": "x", "tickfont": {"size": 17}, "automargin": False},
    )
    if heatmap_fig is None:
        fig.add_annotation(xref="paper", yref="paper", x=0.81, y=panel_top / 2, text=t("pic_no_progress", lang),
                           showarrow=False, font={"size": 20, "color": "#666666"})
        return fig
    fig.add_annotation(xref="paper", yref="paper", x=heat_domain[0] - 0.18, y=panel_top + 0.06, xanchor="left",
                       text=f"<b>{heatmap_fig.layout.title.text or t('heatmap_title', lang)}</b>", showarrow=False,
                       font={"size": 19})
    for trace in heatmap_fig.data:
        copy = go.Figure(trace).data[0].update(xaxis="x2", yaxis="y2")
        if isinstance(copy, go.Heatmap):
            copy.colorbar.update(x=heat_domain[1] + 0.01, xanchor="left", y=0, yanchor="bottom", len=panel_top,
                                 tickfont={"size": 15}, thickness=16)
        fig.add_trace(copy)
    fig.update_layout(xaxis2=heatmap_fig.layout.xaxis.to_plotly_json(),
                      yaxis2=heatmap_fig.layout.yaxis.to_plotly_json())
    rows = len(heatmap_fig.layout.yaxis.tickvals or [])
    row_px = plot_height * panel_top / max(rows, 1)
    yaxis2 = {"domain": [0, panel_top], "anchor": "x2", "tickfont": {"size": int(min(15, max(9, row_px * 0.8)))}}
    if row_px < 10:   # too many indicators for readable labels on a slide: say how many instead
        yaxis2.update(showticklabels=False, title={"text": t("pic_rows_hidden", lang, n=rows), "font": {"size": 15}})
    fig.update_layout(xaxis2={"domain": heat_domain, "anchor": "y2", "tickfont": {"size": 15}, "title": None},
                      yaxis2=yaxis2)
    return fig


def overview_png(plan_title: str, kpis: dict, status_fig: go.Figure, heatmap_fig: go.Figure | None,
                 caption: Caption | None, *, lang: str = "zh", width: int = 1600, height: int = 900,
                 scale: float = 2) -> bytes:
    """One slide-ready 16:9 picture of a plan's overview: KPI numbers, status chart, heatmap, caption."""
    fig = overview_figure(plan_title, kpis, status_fig, heatmap_fig, lang, plot_height=height - 190)
    return render(fig, width, height, scale, caption)


# ---- the evaluation table as a picture -------------------------------------------------------------------------

_DARK = {"#1a9850", "#d73027", "#a50026", "#00441b", "#006d2c", "#762a83"}  # status colours that need white text


def _cell_text(value) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return str(value)


def table_figure(table: pd.DataFrame, title: str, status_colours: list | None = None,
                 width: int = 1600) -> tuple[go.Figure, float]:
    """The table as a plotly Table, text wrapped to the column widths; returns (figure, height it needs)."""
    font_px, line_px, pad = 15, 21, 7     # plotly's table line height for 15 px text is ~21 px
    # report.evaluation_table says how wide each column is and how it is aligned; other tables share evenly.
    widths = table.attrs.get("widths") or [1] * len(table.columns)
    align = table.attrs.get("align") or "left"
    usable = width - 40
    room = [usable * w / sum(widths) - 24 for w in widths]       # minus the cell's padding
    columns, row_lines = [], [1] * len(table)
    for j, name in enumerate(table.columns):
        values = []
        for i, value in enumerate(table[name].tolist()):
            lines = wrap_text(_cell_text(value), font_px, room[j]) or [""]
            row_lines[i] = max(row_lines[i], len(lines))
            values.append("<br>".join(lines))
        columns.append(values)
    if status_colours is None and table.attrs.get("status"):
        status_colours = [STATUS_COLOURS.get(code, "white") for code in table.attrs["status"]]
    fill = [["white" if i % 2 == 0 else "#f7f9fb" for i in range(len(table))] for _ in table.columns]
    font_colour = [["#222222"] * len(table) for _ in table.columns]
    if status_colours is not None:
        fill[-1] = list(status_colours)
        font_colour[-1] = ["white" if str(c).lower() in _DARK else "#222222" for c in status_colours]
    header_px = line_px + 2 * pad + 4
    fig = go.Figure(go.Table(
        columnwidth=widths,
        header={"values": [f"<b>{c}</b>" for c in table.columns], "fill_color": "#dde5f0",
                "line_color": "#9aa5b1", "align": "center", "height": header_px,
                "font": {"size": font_px + 1, "color": "#1b2a41", "family": FONT}},
        cells={"values": columns, "fill_color": fill, "line_color": "#c3cbd3", "height": line_px + 2 * pad,
               "align": align,
               "font": {"size": font_px, "color": font_colour, "family": FONT}},
    ))
    fig.update_layout(
        template="plotly", paper_bgcolor="white", font={"family": FONT, "size": font_px},
        title={"text": title, "font": {"size": 24, "family": FONT}},
        margin={"l": 20, "r": 20, "t": 70, "b": 10},
    )
    # Measured: plotly draws ~0.15 px more per row than the sum; a table taller than its area scrolls and drops
    # its last rows, so round generously up.
    body = header_px + sum(n * line_px + 2 * pad for n in row_lines) * 1.01 + 16
    return fig, 70 + body + 10


def table_png(table: pd.DataFrame, title: str, caption: Caption | None, status_colours: list | None = None,
              *, width: int = 1600, scale: float = 2) -> bytes:
    """The evaluation table as a PNG; the picture is as tall as the table (at least 16:9).

    status_colours: the fill of each row's last (评价) cell; by default from table.attrs["status"].
    """
    fig, needed = table_figure(table, title, status_colours, width)
    strip = caption_lines(caption, width)[1] + 10 if caption else 0
    return render(fig, width, max(round(width * 9 / 16), round(needed + strip)), scale, caption)


# ---- the ZIP of a whole plan -----------------------------------------------------------------------------------

def _file_stem(text: str, limit: int = 40) -> str:
    """A readable file name part: path separators and characters Windows rejects become "_"."""
    stem = re.sub(r'[\\/:*?"<>|\s]+', "_", str(text)).strip("._")
    return stem[:limit] or "indicator"


def _plan_source(plan: pd.Series) -> str:
    return f"《{plan['title']}》(seeds/{plan['seed_file']})"


def _actual_sources(history: pd.DataFrame | None) -> str:
    """The sources of the values a chart shows, e.g. "统计公报、规划文本"."""
    if history is None or history.empty:
        return ""
    current = history[history["is_current"]] if "is_current" in history else history
    names = [s for s in dict.fromkeys(current["source"].dropna().astype(str)) if s.strip()]
    return "、".join(names[:3])


def _year(value) -> int | None:
    return None if value is None or pd.isna(value) else int(value)


def plan_caption(plan: pd.Series, verdicts: pd.DataFrame, as_of: int | None, lang: str = "zh",
                 generated_at: datetime | None = None) -> Caption:
    """The caption of a plan-wide picture (overview, status chart, heatmap, evaluation table).

    plan: a row of store.plans() indexed by plan_id (what ui.plan_picker returns); verdicts: service.verdicts.
    """
    source = f"{_plan_source(plan)}及录入的实际值" if lang != "en" else f"{_plan_source(plan)} and entered actuals"
    # The year the picture is as of: with no year chosen, the latest year with data (a 2020 target is judged on
    # 2020 even when the data run to 2023, so the targets' own latest years would understate it).
    latest = verdicts["as_of"].max() if len(verdicts) else None
    return Caption(plan=plan["title"], source=source, as_of=as_of, latest_year=_year(latest), lang=lang,
                   generated_at=generated_at or datetime.now().replace(microsecond=0))


def indicator_caption(plan: pd.Series, story, as_of: int | None, lang: str = "zh",
                      generated_at: datetime | None = None) -> Caption:
    """The caption of one target's chart: the plan, indicator and region, unit, where target and actuals come from."""
    actual_source = _actual_sources(story.history)
    label = ";实际值:" if lang != "en" else "; actuals: "
    return Caption(
        plan=plan["title"], indicator=f"{story.indicator}({story.target['region']})", unit=story.unit,
        source=_plan_source(plan) + (f"{label}{actual_source}" if actual_source else ""), as_of=as_of,
        latest_year=_year(story.verdict.get("as_of")), lang=lang,
        generated_at=generated_at or datetime.now().replace(microsecond=0))


def indicator_file_name(number: int, story) -> str:
    """e.g. 04-研究与试验发展经费投入强度-2020.png (number: the target's row in the plan, as in the evaluation table)."""
    return f"{number:02d}-{_file_stem(story.indicator)}-{int(story.target_year)}.png"


def plan_zip(store, plan_id: str, *, as_of: int | None = None, lang: str = "zh",
             progress: Callable[[int, int, str], None] | None = None, snap=None) -> bytes:
    """overview.png, evaluation.png/.xlsx and one PNG per non-qualitative target of the plan, with a README.

    Every picture is drawn from one Snapshot (read here unless given), so the whole ZIP shows one state of the
    data even if someone uploads values meanwhile; the store is asked only for each target's revisions.
    """
    from tracker.reports import charts
    from tracker.reports import evaluation as report
    from tracker.views import service
    from tracker.views.read_model import Snapshot
    from tracker.views.story import build_story

    require_ready()
    snap = snap or Snapshot.read(store)
    plan = snap.plan(plan_id)
    verdicts = service.verdicts(snap, plan_id=plan_id, as_of=as_of, lang=lang)
    charted = [(int(r["number"]), r) for r in verdicts.to_dict("records") if r["kind"] != "qualitative"]
    total = 3 + len(charted)
    done = 0
    generated = datetime.now().replace(microsecond=0)
    caption = plan_caption(plan, verdicts, as_of, lang, generated)

    def step(label: str) -> None:
        nonlocal done
        done += 1
        if progress is not None:
            progress(done, total, label)

    buffer = io.BytesIO()
    names: list[str] = []
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as zf:   # PNGs are compressed already
        def put(name: str, data: bytes) -> None:
            zf.writestr(name, data)
            names.append(name)

        by_year = service.verdicts_by_year(snap, plan_id=plan_id, lang=lang)
        with_data = service.heatmap_rows(by_year, verdicts, as_of)
        has_progress = bool(service.with_progress(verdicts).any())
        heatmap = charts.get_heatmap(with_data, lang, t("heatmap_title", lang)) \
            if has_progress and not with_data.empty else None
        put("overview.png", overview_png(
            plan["title"], service.kpi_counts(verdicts), charts.get_status_chart(verdicts, lang, t("status_chart_title", lang)),
            heatmap, caption, lang=lang))
        step(t("nav_overview", lang))

        table = report.evaluation_table(verdicts, lang)
        kind = report.evaluation_title(verdicts, lang)
        title = f"{plan['title']} {kind}" if lang != "en" else f"{plan['title']} · {kind}"
        put("evaluation.png", table_png(table, title, caption))
        step("evaluation.png")
        put("evaluation.xlsx", report.evaluation_xlsx(table, title=title, as_of=report.as_of_year(verdicts),
                                                      source=caption.source, lang=lang))
        step("evaluation.xlsx")

        def charts_of_targets():
            for n, row in charted:
                history = store.actuals_history(row["region"], row["indicator"])
                story = build_story(snap, row["target_id"], history=history, as_of=as_of, lang=lang)
                labels.append((f"indicators/{indicator_file_name(n, story)}", story.indicator))
                yield (charts.get_indicator_chart(story, lang, f"{story.indicator}({story.target['region']})"),
                       indicator_caption(plan, story, as_of, lang, generated))

        labels: list[tuple[str, str]] = []
        for i, png in enumerate(figures_png(charts_of_targets())):
            name, label = labels[i]
            while name in names:   # unique even if a plan repeated an indicator, number and year
                name = name.replace(".png", "-b.png")
            put(name, png)
            step(label)
        put("README.txt", _readme(plan, caption, names).encode("utf-8-sig"))
    return buffer.getvalue()


def _readme(plan: pd.Series, caption: Caption, names: list[str]) -> str:
    """README.txt of the ZIP (in Chinese: the officials' language, whatever the pictures' language)."""
    indicators = [n for n in names if n.startswith("indicators/")]
    as_of, latest, generated, source = caption.as_of, caption.latest_year, caption.generated_at, caption.source
    when = f"{as_of} 年" if as_of else f"最新数据(最新年份 {latest})" if latest else "最新数据"
    return "\n".join([
        f"《{plan['title']}》指标监测图片包",
        "",
        f"评估年份:{when}",
        f"生成时间:{generated:%Y-%m-%d %H:%M}",
        f"数据来源:{source}。基期值与目标值取自规划原文,实际值为统计人员录入或上传的数据(以最新修订为准)。",
        "",
        "内容:",
        "  overview.png      总览:各状态目标数、评价分布、各年度评价热力图(16:9,可直接用于幻灯片)",
        "  evaluation.png    评估表(图片)",
        "  evaluation.xlsx   评估表(Excel,可编辑)",
        f"  indicators/       每个定量目标一张图(共 {len(indicators)} 张),文件名:序号-指标-目标年份.png;"
        "序号与评估表一致,定性目标无图",
        "",
        "每张图片下方注明规划、指标、单位、数据来源、评估年份和生成时间。",
        "由“规划指标目标监测”系统生成。",
        "",
    ]).replace("\n", "\r\n")   # CRLF: the file is opened with Notepad on the officials' Windows PCs
