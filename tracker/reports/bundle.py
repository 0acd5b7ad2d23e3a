"""Pictures and packs for reports built from the renderer in tracker.reports.snapshot: the overview as one slide and
the ZIP of a whole plan (every target's chart, the overview, the evaluation table as PNG pages and .xlsx, a README
naming the sources). The table's pictures: tracker.reports.table_picture."""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from collections.abc import Callable
from datetime import datetime

import pandas as pd
import plotly.graph_objects as go

from tracker.i18n import t
from tracker.methodology.verdicts import SCHEDULE_ORDER, STATUS_COLOURS, schedule_label
from tracker.reports.charts import FONT
from tracker.reports.layout import Caption, plain, text_px, wrap_text
from tracker.reports.naming import target_parts, target_title
from tracker.reports.snapshot import figures_png, render, require_ready
from tracker.reports.table_picture import page_names, paginate, table_figure

# ---- the overview as one slide ---------------------------------------------------------------------------------

KPI_LABEL_PX = 18     # the largest size of a KPI card's label; smaller when the longest label needs it
STATUS_TICK_PX = 17   # the status chart's category labels
COLORBAR_TICK_PX = 15


def _labels(codes, lang: str) -> list[str]:
    return [t("kpi_total", lang) if code == "total" else schedule_label(code, lang) for code in codes]


def _widest(texts, size: float, bold: bool = False) -> float:
    return max((text_px(str(x), size, bold) for x in texts), default=0.0)


def kpi_label_size(codes, card_px: float) -> tuple[int, int]:
    """(font size, lines) of the KPI labels: the longest label in either language fits its card, so the Chinese and
    the English slide look alike; below 13 px the label wraps onto two lines instead."""
    labels = _labels(codes, "zh") + _labels(codes, "en")
    room = card_px - 40                                    # the coloured strip and padding on both sides
    for size in range(KPI_LABEL_PX, 12, -1):
        if _widest(labels, size) <= room:
            return size, 1
    return 13, max(len(wrap_text(label, 13, room)) for label in labels)


def overview_figure(plan_title: str, kpis: dict, status_fig: go.Figure, heatmap_fig: go.Figure | None,
                    lang: str = "zh", plot_height: int = 780, width: int = 1600) -> go.Figure:
    """KPI numbers across the top, the status chart on the left and the year heatmap on the right (16:9).

    Every label's room is measured: the status labels in either language, the heatmap's indicator names and the
    colour bar's labels, so that no label runs over a bar's number or off the picture."""
    plot_px = width - 40                                   # the margins below
    fig = go.Figure()
    fig.update_layout(
        template="plotly", paper_bgcolor="white", plot_bgcolor="white", showlegend=False,
        font={"family": FONT, "size": 15, "color": "#2a3f5f"},
        title={"text": plain(plan_title), "x": 0.01, "xanchor": "left", "font": {"size": 28, "family": FONT}},
        margin={"l": 20, "r": 20, "t": 70, "b": 30},
    )
    # KPI cards: a coloured bar, a big number, the label.
    items = list(kpis.items())
    gap = 0.012
    card_w = (1 - gap * (len(items) - 1)) / max(len(items), 1)
    label_px, label_lines = kpi_label_size(kpis, card_w * plot_px)
    for i, (code, value) in enumerate(items):
        x0 = i * (card_w + gap)
        colour = "#1f4e9c" if code == "total" else STATUS_COLOURS.get(code, "#999999")
        label = _labels([code], lang)[0]
        if label_lines > 1:
            label = "<br>".join(plain(line) for line in wrap_text(label, label_px, card_w * plot_px - 40))
        fig.add_shape(type="rect", xref="paper", yref="paper", x0=x0, x1=x0 + card_w, y0=0.80, y1=1.0,
                      fillcolor="#f5f7fa", line={"color": "#dde3ea", "width": 1}, layer="below")
        fig.add_shape(type="rect", xref="paper", yref="paper", x0=x0, x1=x0 + 0.006, y0=0.80, y1=1.0,
                      fillcolor=colour, line={"width": 0})
        number = f"{value:,}"
        # A province's six-digit counts must stay inside their card: a bold digit is about 0.6 em wide.
        number_px = min(46, int((card_w * plot_px - 24) / (0.6 * len(number))))
        fig.add_annotation(xref="paper", yref="paper", x=x0 + card_w / 2 + 0.003, y=0.94, text=f"<b>{number}</b>",
                           showarrow=False, xanchor="center", font={"size": number_px, "color": "#1b2a41"},
                           yanchor="middle")
        fig.add_annotation(xref="paper", yref="paper", x=x0 + card_w / 2 + 0.003, y=0.84, text=label,
                           showarrow=False, xanchor="center", font={"size": label_px, "color": "#444444"}, yanchor="middle")

    panel_top = 0.68
    # The status chart: its labels' room in either language, then the bars (automargin is off: the caption
    # needs fixed margins).
    status_codes = list(status_fig.data[0].y) if status_fig.data else []
    codes = [c for c in kpis if c != "total"]
    label_room = _widest(_labels(codes, "zh") + _labels(codes, "en") or status_codes, STATUS_TICK_PX) + 14
    status_start = label_room / plot_px
    status_end = min(status_start + 0.25, 0.58) if heatmap_fig is not None else 0.58
    fig.add_annotation(xref="paper", yref="paper", x=0, y=panel_top + 0.06, xanchor="left",
                       text=f"<b>{plain(status_fig.layout.title.text or t('status_chart_title', lang))}</b>",
                       showarrow=False, font={"size": 19})
    for trace in status_fig.data:
        fig.add_trace(go.Figure(trace).data[0].update(xaxis="x", yaxis="y", cliponaxis=False))
    fig.layout.xaxis.update(status_fig.layout.xaxis.to_plotly_json())
    fig.layout.yaxis.update(status_fig.layout.yaxis.to_plotly_json())
    fig.update_layout(
        xaxis={"domain": [status_start, status_end], "anchor": "y", "gridcolor": "#e5e5e5",
               "title": {"font": {"size": 15}},
               "range": [0, max([max(tr.x) for tr in status_fig.data if tr.x] or [1]) * 1.18]},
        yaxis={"domain": [0, panel_top], "anchor": "x", "tickfont": {"size": STATUS_TICK_PX}, "automargin": False},
    )
    if heatmap_fig is None:
        fig.add_annotation(xref="paper", yref="paper", x=0.81, y=panel_top / 2, text=t("pic_no_progress", lang),
                           showarrow=False, font={"size": 20, "color": "#666666"})
        return fig
    _add_heatmap(fig, heatmap_fig, lang, status_end, panel_top, plot_px, plot_height)
    return fig


def _add_heatmap(fig: go.Figure, heatmap_fig: go.Figure, lang: str, status_end: float, panel_top: float,
                 plot_px: float, plot_height: int) -> None:
    """The heatmap right of the status chart: its indicator names start after the bars' numbers, and its colour
    bar's labels end inside the picture."""
    ticks = [plain(x) for x in (heatmap_fig.layout.yaxis.ticktext or [])]
    rows = len(heatmap_fig.layout.yaxis.tickvals or [])
    row_px = plot_height * panel_top / max(rows, 1)
    tick_px = int(min(15, max(9, row_px * 0.8)))
    show_ticks = row_px >= 10       # too many indicators for readable labels on a slide: say how many instead
    heat_trace = next((tr for tr in heatmap_fig.data if isinstance(tr, go.Heatmap)), None)
    bar_labels = list(heat_trace.colorbar.ticktext or []) if heat_trace is not None else []
    by_label = {schedule_label(code, lang): code for code in SCHEDULE_ORDER}
    both = bar_labels + [schedule_label(by_label[x], other) for x in bar_labels if x in by_label
                         for other in ("zh", "en")]
    bar_room = _widest(both, COLORBAR_TICK_PX) + 16 + 30   # the bar, its gap and the plot's edge
    heat_end = 1 - bar_room / plot_px
    gap = 40 / plot_px
    tick_room = (_widest(ticks, tick_px) + 14) / plot_px if show_ticks else 40 / plot_px
    heat_start = status_end + gap + tick_room
    fig.add_annotation(xref="paper", yref="paper", x=status_end + gap, y=panel_top + 0.06, xanchor="left",
                       text=f"<b>{plain(heatmap_fig.layout.title.text or t('heatmap_title', lang))}</b>",
                       showarrow=False, font={"size": 19})
    for trace in heatmap_fig.data:
        copy = go.Figure(trace).data[0].update(xaxis="x2", yaxis="y2")
        if isinstance(copy, go.Heatmap):
            copy.colorbar.update(x=heat_end + 0.01, xanchor="left", y=0, yanchor="bottom", len=panel_top,
                                 tickfont={"size": COLORBAR_TICK_PX}, thickness=16)
        fig.add_trace(copy)
    fig.update_layout(xaxis2=heatmap_fig.layout.xaxis.to_plotly_json(),
                      yaxis2=heatmap_fig.layout.yaxis.to_plotly_json())
    yaxis2 = {"domain": [0, panel_top], "anchor": "x2", "tickfont": {"size": tick_px}, "ticktext": ticks,
              "automargin": False}
    if not show_ticks:
        yaxis2.update(showticklabels=False, title={"text": t("pic_rows_hidden", lang, n=rows), "font": {"size": 15}})
    fig.update_layout(xaxis2={"domain": [heat_start, heat_end], "anchor": "y2", "tickfont": {"size": 15},
                              "title": None},
                      yaxis2=yaxis2)


def overview_png(plan_title: str, kpis: dict, status_fig: go.Figure, heatmap_fig: go.Figure | None,
                 caption: Caption | None, *, lang: str = "zh", width: int = 1600, height: int = 900,
                 scale: float = 2) -> bytes:
    """One slide-ready 16:9 picture of a plan's overview: KPI numbers, status chart, heatmap, caption."""
    fig = overview_figure(plan_title, kpis, status_fig, heatmap_fig, lang, plot_height=height - 190, width=width)
    return render(fig, width, height, scale, caption)


# ---- the ZIP of a whole plan -----------------------------------------------------------------------------------

def _file_stem(text: str, limit: int = 40) -> str:
    """A readable file name part: path separators and characters Windows rejects become "_"."""
    stem = re.sub(r'[\\/:*?"<>|\s]+', "_", str(text)).strip("._")
    return stem[:limit] or "indicator"


def _plan_source(plan: pd.Series) -> str:
    from tracker.views.service import document_label

    return f"《{plan['title']}》({document_label(plan['seed_file'])})"


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
                 generated_at: datetime | None = None, *, pending: bool = False) -> Caption:
    """The caption of a plan-wide picture (overview, status chart, heatmap, evaluation table).

    plan: a row of store.plans() indexed by plan_id (what ui.plan_picker returns); verdicts: service.verdicts.
    """
    source = t("pic_source_plan_and_actuals", lang, plan=_plan_source(plan))
    # The year the picture is as of: with no year chosen, the latest year with data (a 2020 target is judged on
    # 2020 even when the data run to 2023, so the targets' own latest years would understate it).
    latest = verdicts["as_of"].max() if len(verdicts) else None
    return Caption(plan=plan["title"], source=source, as_of=as_of, latest_year=_year(latest), lang=lang,
                   generated_at=generated_at or datetime.now().replace(microsecond=0), pending=pending)


def indicator_title(story, part: str = "", lang: str = "zh") -> str:
    """The title of one target's picture: indicator and region, what sets it apart from the plan's other targets
    of that indicator (naming.target_parts), its target year."""
    return target_title(story.indicator, story.target["region"], part, story.target_year, lang)


def indicator_caption(plan: pd.Series, story, as_of: int | None, lang: str = "zh",
                      generated_at: datetime | None = None, part: str = "", *, pending: bool = False) -> Caption:
    """The caption of one target's chart: the plan, the target (as in its title), unit, where target and actuals
    come from."""
    actual_source = _actual_sources(story.history)
    source = t("pic_source_with_actuals", lang, plan=_plan_source(plan), actuals=actual_source) if actual_source \
        else _plan_source(plan)
    return Caption(
        plan=plan["title"], indicator=indicator_title(story, part, lang), unit=story.unit, source=source,
        as_of=as_of, latest_year=_year(story.verdict.get("as_of")), lang=lang,
        generated_at=generated_at or datetime.now().replace(microsecond=0), pending=pending)


def indicator_file_name(number: int, story) -> str:
    """e.g. 04-研究与试验发展经费投入强度-2020.png (number: the target's row in the plan, as in the evaluation table)."""
    return f"{number:02d}-{_file_stem(story.indicator)}-{int(story.target_year)}.png"


# A plan ZIP draws at most this many target charts (0.2 s each; a province's 180,000 would take ten hours) and
# pictures the evaluation table up to this many rows (beyond it the workbook is the table).
ZIP_CHART_LIMIT = 200
ZIP_TABLE_PICTURE_ROWS = 400


def plan_zip(store, plan_id: str, *, as_of: int | None = None, lang: str = "zh",
             progress: Callable[[int, int, str], None] | None = None, snap=None, pending: bool = False) -> bytes:
    """overview.png, the evaluation table (evaluation.xlsx and its PNG pages) and one PNG per non-qualitative target
    of the plan, with a README.

    Every picture is drawn from one Snapshot (read here unless given), so the whole ZIP shows one state of the
    data even if someone uploads values meanwhile; the store is asked only for each target's revisions. A picture
    identical to one already in the ZIP is not stored twice: the README names the file that shows it.
    """
    from tracker.reports import charts
    from tracker.reports.evaluation import build_report
    from tracker.reports.workbook import evaluation_xlsx
    from tracker.views import service
    from tracker.views.read_model import Snapshot
    from tracker.views.story import build_story

    require_ready()
    snap = snap or Snapshot.read(store, pending=pending)
    values = t("values_with_pending" if snap.include_pending else "values_approved", lang)
    plan = snap.plan(plan_id)
    targets = snap.plan_targets(plan_id)
    parts = target_parts(targets)
    verdicts = service.verdicts(snap, plan_id=plan_id, as_of=as_of, lang=lang)
    quantified = verdicts[verdicts["kind"] != "qualitative"]
    left_out = max(len(quantified) - ZIP_CHART_LIMIT, 0)
    if left_out:   # a province's plan: the targets most behind, in the plan's order
        quantified = service.most_behind(quantified, ZIP_CHART_LIMIT).sort_values("number")
    charted = [(int(r["number"]), r) for r in quantified.to_dict("records")]
    generated = datetime.now().replace(microsecond=0)
    caption = plan_caption(plan, verdicts, as_of, lang, generated, pending=snap.include_pending)
    report = build_report(verdicts, plan["title"], as_of, lang, targets)
    table_pages = paginate(report.display, report.title, caption, lang=lang) \
        if len(report.display) <= ZIP_TABLE_PICTURE_ROWS else []
    total = 2 + len(table_pages) + len(charted)
    done = 0

    def step(label: str) -> None:
        nonlocal done
        done += 1
        if progress is not None:
            progress(done, total, label)

    buffer = io.BytesIO()
    names: list[str] = []
    seen: dict[str, str] = {}             # sha256 of a picture → the name it is stored under
    repeats: list[tuple[str, str]] = []   # (the name it would have had, the name that shows it)
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as zf:   # PNGs are compressed already
        def put(name: str, data: bytes) -> None:
            digest = hashlib.sha256(data).hexdigest()
            if digest in seen:
                repeats.append((name, seen[digest]))
                return
            seen[digest] = name
            zf.writestr(name, data)
            names.append(name)

        with_data, with_data_total = service.heatmap(snap, plan_id=plan_id, table=verdicts, as_of=as_of)
        has_progress = bool(service.with_progress(verdicts).any())
        heatmap = charts.get_heatmap(with_data, lang, charts.heatmap_title(with_data_total, lang)) \
            if has_progress and not with_data.empty else None
        status = charts.get_status_chart(verdicts, lang, t("status_chart_title", lang))
        put("overview.png", overview_png(plan["title"], service.kpi_counts(verdicts), status, heatmap, caption,
                                         lang=lang))
        step(t("nav_overview", lang))

        put("evaluation.xlsx", evaluation_xlsx(report, source=caption.source, generated_at=generated, values=values))
        step("evaluation.xlsx")
        for name, page in zip(page_names("evaluation", len(table_pages)), table_pages, strict=True):
            put(name, render(table_figure(report.display, page), 1600, 900, 2, caption))
            step(name)

        def charts_of_targets():
            for n, row in charted:
                history = store.actuals_history(row["region"], row["indicator"])
                story = build_story(snap, row["target_id"], history=history, as_of=as_of, lang=lang,
                                    plan_verdicts=verdicts)
                if story.no_chart_reason:     # an empty axis says nothing: the README lists it instead
                    without_chart.append(f"{n}. {story.indicator}")
                    step(story.indicator)
                    continue
                part = parts.get(row["target_id"], "")
                labels.append((f"indicators/{indicator_file_name(n, story)}", story.indicator))
                yield (charts.get_indicator_chart(story, lang, plain(indicator_title(story, part, lang))),
                       indicator_caption(plan, story, as_of, lang, generated, part, pending=snap.include_pending))

        labels: list[tuple[str, str]] = []
        without_chart: list[str] = []
        for i, png in enumerate(figures_png(charts_of_targets())):
            name, label = labels[i]
            while name in names:   # unique even if a plan repeated an indicator, number and year
                name = name.replace(".png", "-b.png")
            put(name, png)
            step(label)
        put("README.txt", _readme(plan, caption, names, repeats, without_chart, left_out=left_out,
                                          values=t("values_with_pending" if snap.include_pending
                                                   else "values_approved", "zh"),
                                  table_rows=len(report.display)).encode("utf-8-sig"))
    return buffer.getvalue()


def _readme(plan: pd.Series, caption: Caption, names: list[str], repeats: list[tuple[str, str]],
            without_chart: list[str] = (), *, left_out: int = 0, table_rows: int = 0,
            values: str = "实际值:仅已审核数值") -> str:
    """README.txt of the ZIP (in Chinese: the officials' language, whatever the pictures' language)."""
    indicators = [n for n in names if n.startswith("indicators/")]
    pages = [n for n in names if n.startswith("evaluation") and n.endswith(".png")]
    as_of, latest, generated, source = caption.as_of, caption.latest_year, caption.generated_at, caption.source
    when = f"{as_of} 年" if as_of else f"{latest} 年(最新数据)" if latest else "最新数据"
    same = [f"  {name} 与 {shown} 相同,未重复保存" for name, shown in repeats]
    return "\n".join([
        f"《{plan['title']}》指标监测图片包",
        "",
        f"评估年份:{when}",
        f"生成时间:{generated:%Y-%m-%d %H:%M}",
        f"数据来源:{source}。基期值与目标值取自规划原文,实际值为统计人员录入或上传的数据(以最新修订为准)。",
        f"{values}。",
        "",
        "内容:",
        "  overview.png      总览:各状态目标数、评价分布、各年度评价热力图(16:9,可直接用于幻灯片)",
        "  evaluation.xlsx   评估表(Excel):数值为数字格式,单位见“单位”列,年份单列;横向 A4、一页宽、每页重复表头",
        f"  {pages[0] if len(pages) == 1 else 'evaluation-1.png …'}  评估表图片(16:9,共 {len(pages)} 页,每页重复表头)"
        if pages else f"  (评估表共 {table_rows:,} 行,超过 {ZIP_TABLE_PICTURE_ROWS} 行不再出图片,请用 evaluation.xlsx)",
        f"  indicators/       每个定量目标一张图(共 {len(indicators)} 张),文件名:序号-指标-目标年份.png;"
        "序号与评估表一致,定性目标无图;图题注明地区、分项(如所属基地)和目标年份",
        *([f"                    目标较多:只收录滞后最多的 {ZIP_CHART_LIMIT} 个定量目标的图,其余 {left_out:,} 个"
           "见评估表"] if left_out else []),
        *([""] + ["重复的图片:"] + same if same else []),
        *(["", "没有图的目标(规划未给基期值,也还没有实际值,图上没有可画的内容):"]
          + [f"  {name}" for name in without_chart] if without_chart else []),
        "",
        "每张图片下方注明规划、指标、单位、数据来源、评估年份和生成时间。",
        "由“规划指标目标监测”系统生成。",
        "",
    ]).replace("\n", "\r\n")   # CRLF: the file is opened with Notepad on the officials' Windows PCs
