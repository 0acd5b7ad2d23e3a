"""DataFrame in, plotly Figure out: every chart of the dashboard.

Figures set their own template, font and colours: Streamlit's default template leaves colours for the browser to
fill in, which PNG export cannot, and Chromium picks Japanese glyph shapes unless the SC font is named.
"""

from __future__ import annotations

import html

import pandas as pd
import plotly.graph_objects as go

from tracker.formatting import number
from tracker.i18n import describe_target, t
from tracker.methodology.verdicts import SCHEDULE_ORDER, STATUS_COLOURS, schedule_label, status_counts
from tracker.views.service import HEATMAP_LIMIT

FONT = "Noto Sans CJK SC, Noto Sans SC, Microsoft YaHei, PingFang SC, sans-serif"
COLOURS = {
    "after_plan": "#95a5a6", "actual": "#1f4e9c", "provisional": "#6c8ebf", "target": "#c0392b", "stretch": "#e67e22",
    "path": "#7f8c8d", "projection": "#8e44ad", "baseline": "#34495e", "band": "rgba(192,57,43,0.12)",
    "reference": "#16a085", "other_plans": "#b9770e",
}


def plain(text) -> str:
    """User text (a plan's title, an indicator name) for a plotly label: shown as typed, never read as markup."""
    return html.escape(str(text), quote=False)


def _layout(fig: go.Figure, title: str | None = None, *, height: int = 420) -> go.Figure:
    fig.update_layout(
        template="plotly", font={"family": FONT, "size": 13}, height=height,
        title={"text": title, "x": 0.01, "xanchor": "left"} if title else None,
        margin={"l": 10, "r": 10, "t": 50 if title else 20, "b": 10},
        paper_bgcolor="white", plot_bgcolor="white",
        # Below the plot: long Chinese series names would run into the title above it.
        legend={"orientation": "h", "yanchor": "top", "y": -0.16, "x": 0},
    )
    fig.update_xaxes(showgrid=True, gridcolor="#eeeeee")
    fig.update_yaxes(showgrid=True, gridcolor="#eeeeee")
    return fig


def _year_axis(fig: go.Figure, lang: str) -> None:
    """Whole years only: without dtick plotly labels 2,021.5."""
    fig.update_xaxes(dtick=1, tickformat="d", title_text=t("axis_year", lang))


def get_status_chart(table: pd.DataFrame, lang: str = "zh", title: str | None = None) -> go.Figure:
    """Horizontal bars: targets per status (the KPI cards' categories, in their order), in traffic-light colours."""
    counts = status_counts(table["schedule_status"])
    codes = list(counts)
    labels = [schedule_label(c, lang) for c in codes]
    fig = go.Figure(go.Bar(
        x=[int(counts[c]) for c in codes], y=labels, orientation="h", text=[f"{int(counts[c]):,}" for c in codes],
        textposition="outside", cliponaxis=False, marker_color=[STATUS_COLOURS.get(c, "#999999") for c in codes],
        hovertemplate="%{y}: %{x}<extra></extra>",
    ))
    fig.update_yaxes(autorange="reversed")
    # Headroom for the count printed after the longest bar: more for a count of more digits (125,411).
    longest = max([int(counts[c]) for c in codes] or [1])
    fig.update_xaxes(title_text=t("axis_targets", lang), range=[0, longest * (1.1 + 0.04 * len(f"{longest:,}"))])
    return _layout(fig, title, height=max(220, 48 * len(codes) + 80))


def heatmap_title(with_data: int, lang: str = "zh") -> str:
    """The heatmap's title; it says so when the heatmap shows only the targets most behind."""
    if with_data <= HEATMAP_LIMIT:
        return t("heatmap_title", lang)
    return t("heatmap_title_most_behind", lang, shown=f"{HEATMAP_LIMIT:,}", total=f"{with_data:,}")


def get_heatmap(by_year: pd.DataFrame, lang: str = "zh", title: str | None = None) -> go.Figure:
    """Indicator × year, each cell coloured by that year's schedule verdict; hover shows the numbers."""
    present = set(by_year["schedule_status"])
    codes = [c for c in SCHEDULE_ORDER if c in present] + sorted(present - set(SCHEDULE_ORDER)) or ["no_data"]
    index = {c: i for i, c in enumerate(codes)}
    frame = by_year.assign(
        code=by_year["schedule_status"].map(index).fillna(index.get("no_data", 0)),
        label=by_year["schedule_status"].map(lambda c: schedule_label(c, lang)),
    )
    numbers = frame["latest_value"].map(number) + " / " + frame["target_value_used"].map(number)
    frame["text"] = frame["label"].where(frame["target_value_used"].isna(), frame["label"] + "<br>" + numbers)
    rows = list(dict.fromkeys(frame["target_id"]))
    years = sorted(frame["year"].unique())
    z = frame.pivot_table(index="target_id", columns="year", values="code", aggfunc="last").reindex(
        index=rows, columns=years)
    text = frame.pivot_table(index="target_id", columns="year", values="text", aggfunc="last").reindex(
        index=rows, columns=years).fillna("")
    labels = [plain(label) for label in
              _row_labels(frame.drop_duplicates("target_id").set_index("target_id").loc[rows], lang)]
    n = len(codes)
    # A stepped colour scale: one flat colour per status code.
    scale = []
    for i, code in enumerate(codes):
        colour = STATUS_COLOURS.get(code, "#bdbdbd")
        scale += [[i / n, colour], [(i + 1) / n, colour]]
    fig = go.Figure(go.Heatmap(
        z=z.to_numpy(dtype=float), x=years, y=list(range(len(rows))), text=text.to_numpy(), colorscale=scale,
        zmin=-0.5, zmax=n - 0.5, xgap=2, ygap=2, hovertemplate="%{x} · %{customdata}<br>%{text}<extra></extra>",
        customdata=[[label] * len(years) for label in labels],
        colorbar={"tickvals": list(range(n)), "ticktext": [schedule_label(c, lang) for c in codes],
                  "title": {"text": ""}, "thickness": 12},
    ))
    # A label that names its region is longer: the region must stay readable (河北省第0014区县).
    limit = 28 if frame["region"].nunique() > 1 else 22
    fig.update_yaxes(tickvals=list(range(len(rows))), ticktext=[_short(label, limit) for label in labels],
                     autorange="reversed", showgrid=False)
    _year_axis(fig, lang)
    fig.update_xaxes(showgrid=False)
    return _layout(fig, title, height=max(260, 26 * len(rows) + 120))


def _row_labels(first: pd.DataFrame, lang: str) -> list[str]:
    """A heatmap row's name: the indicator, with the region when the rows span several, and the target's reading
    where one indicator carries two targets in a region (技术合同成交额: ≥ 400亿元 and 翻番)."""
    labels = first["indicator"].astype(str)
    if first["region"].nunique() > 1:
        labels = labels + "(" + first["region"].astype(str) + ")"
    repeated = labels.duplicated(keep=False)
    if repeated.any():
        readings = [describe_target(r, lang) for r in first[repeated].to_dict("records")]
        labels = labels.copy()
        labels[repeated] = labels[repeated] + " · " + pd.Series(readings, index=labels[repeated].index)
    return labels.tolist()


def _short(text: str, limit: int = 22) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def get_indicator_chart(story, lang: str = "zh", title: str | None = None) -> go.Figure:
    """Baseline, target (band, milestones), planned path, actual values with revisions, projection and gap."""
    fig = go.Figure()
    unit = story.unit
    if len(story.path):
        fig.add_trace(go.Scatter(
            x=story.path["year"], y=story.path["value"], mode="lines", name=t("trace_path", lang),
            line={"color": COLOURS["path"], "dash": "dot", "width": 2},
            hovertemplate=f"%{{x}}: %{{y:,.4~r}} {unit}<extra>{t('trace_path', lang)}</extra>",
        ))
    if story.band is not None:
        lo, hi, label = story.band
        fig.add_shape(type="rect", x0=story.target_year - 0.35, x1=story.target_year + 0.35, y0=lo, y1=hi,
                      fillcolor=COLOURS["band"], line={"width": 0})
        fig.add_annotation(x=story.target_year, y=hi, text=label, showarrow=False, yshift=10,
                           font={"color": COLOURS["target"], "size": 11})
    if story.targets is not None and len(story.targets):
        fig.add_trace(go.Scatter(
            x=story.targets["year"], y=story.targets["value"], mode="markers+text", name=t("trace_target", lang),
            marker={"symbol": "star", "size": 14, "color": COLOURS["target"]},
            text=story.targets["label"].map(plain), textposition="middle right", cliponaxis=False,
            hovertemplate=f"%{{x}}: %{{y:,.4~r}} {unit}<extra>{t('trace_target', lang)}</extra>",
        ))
    actuals = story.actuals[~story.actuals["after_plan"]] if len(story.actuals) else story.actuals
    after_plan = story.actuals[story.actuals["after_plan"]] if len(story.actuals) else story.actuals
    if len(after_plan):
        # Values after the target year: shown for context, apart from the ones the verdict is judged on.
        fig.add_trace(go.Scatter(
            x=after_plan["year"], y=after_plan["value"], mode="lines+markers", name=t("trace_after_plan", lang),
            line={"color": COLOURS["after_plan"], "width": 1.5, "dash": "dot"},
            marker={"size": 9, "color": COLOURS["after_plan"], "symbol": "square"},
            customdata=after_plan["hover"], hovertemplate="%{x}: %{y:,.4~r} " + unit + "<br>%{customdata}<extra></extra>",
        ))
    if len(actuals):
        for vintage, colour, symbol in (("final", COLOURS["actual"], "circle"),
                                        ("provisional", COLOURS["provisional"], "circle-open")):
            part = actuals[actuals["is_provisional"] == (vintage == "provisional")]
            if part.empty:
                continue
            fig.add_trace(go.Scatter(
                x=part["year"], y=part["value"], mode="markers", name=t(f"trace_actual_{vintage}", lang),
                marker={"size": 10, "color": colour, "symbol": symbol, "line": {"width": 2, "color": colour}},
                customdata=part["hover"], hovertemplate="%{x}: %{y:,.4~r} " + unit + "<br>%{customdata}<extra></extra>",
            ))
        fig.add_trace(go.Scatter(
            x=actuals["year"], y=actuals["value"], mode="lines", showlegend=False, hoverinfo="skip",
            line={"color": COLOURS["actual"], "width": 2},
        ))
    if story.reference is not None and len(story.reference):
        fig.add_trace(go.Scatter(
            x=story.reference["year"], y=story.reference["value"], mode="lines+markers", name=story.reference_label,
            line={"color": COLOURS["reference"], "width": 2, "dash": "dashdot"}, marker={"size": 7},
            hovertemplate=f"%{{x}}: %{{y:,.4~r}} {unit}<extra>{story.reference_label}</extra>",
        ))
    others = story.other_plans
    if others is not None and others["value"].notna().any():
        # Each other plan's target on the same series: the 十三五 chart shows where the 十四五 plan goes next.
        shown = others.dropna(subset=["value"])
        fig.add_trace(go.Scatter(
            x=shown["target_year"], y=shown["value"], mode="markers+text", name=t("trace_other_plans", lang),
            marker={"symbol": "star-diamond", "size": 13, "color": COLOURS["other_plans"]},
            text=shown["target"].map(plain), textposition="middle right", cliponaxis=False,
            textfont={"color": COLOURS["other_plans"], "size": 11},
            customdata=(shown["plan_name"] + " · " + shown["target"]).map(plain),
            hovertemplate="%{x}: %{customdata}<extra></extra>",
        ))
    if story.baseline is not None:
        year, value = story.baseline
        fig.add_trace(go.Scatter(
            x=[year], y=[value], mode="markers", name=t("trace_baseline", lang),
            marker={"symbol": "diamond", "size": 12, "color": COLOURS["baseline"]},
            hovertemplate=f"%{{x}}: %{{y:,.4~r}} {unit}<extra>{t('trace_baseline', lang)}</extra>",
        ))
    if story.projection is not None and len(story.projection):
        fig.add_trace(go.Scatter(
            x=story.projection["year"], y=story.projection["value"], mode="lines+markers",
            name=t("trace_projection", lang), line={"color": COLOURS["projection"], "dash": "dash"},
            marker={"size": 6}, hovertemplate=f"%{{x}}: %{{y:,.4~r}} {unit}<extra>{t('trace_projection', lang)}</extra>",
        ))
        if story.gap_text:
            last = story.projection.iloc[-1]
            fig.add_annotation(x=last["year"], y=last["value"], text=story.gap_text, showarrow=True, arrowhead=2,
                               ax=-60, ay=30, font={"color": COLOURS["projection"], "size": 11})
    _year_axis(fig, lang)
    fig.update_yaxes(title_text=plain(f"{story.indicator}({unit})" if unit else story.indicator), rangemode="tozero")
    _layout(fig, title, height=500)
    fig.update_layout(margin={"r": 150})   # room for the target's label right of the last year
    return fig


def _plan_names(rows: pd.DataFrame) -> list[str]:
    names = rows["plan_name"] if "plan_name" in rows else pd.Series("", index=rows.index)
    return [plain(name) if isinstance(name, str) else "" for name in names]


def get_comparison_chart(frame: pd.DataFrame, lang: str = "zh", title: str | None = None,
                         unit: str = "") -> go.Figure:
    """Actual values per region over the years, with each region's target as a star at its target year."""
    fig = go.Figure()
    palette = ["#1f4e9c", "#c0392b", "#27ae60", "#8e44ad", "#e67e22", "#16a085", "#7f8c8d"]
    for i, (name, part) in enumerate(frame.groupby("series", sort=False)):
        colour, series = palette[i % len(palette)], plain(name)
        values = part.dropna(subset=["actual"])
        if len(values):
            fig.add_trace(go.Scatter(
                x=values["year"], y=values["actual"], mode="lines+markers", name=series,
                line={"color": colour, "width": 2}, legendgroup=series,
                hovertemplate=f"{series}<br>%{{x}}: %{{y:,.4~r}} {unit}<extra></extra>",
            ))
        # A region's targets in every plan sit on its one line; the hover names the plan of each.
        goals = part.dropna(subset=["target"]).drop_duplicates(["year", "target"])
        if len(goals):
            fig.add_trace(go.Scatter(
                x=goals["year"], y=goals["target"], mode="markers", name=f"{series} · {t('trace_target', lang)}",
                marker={"symbol": "star", "size": 15, "color": colour}, legendgroup=series,
                customdata=_plan_names(goals),
                hovertemplate=f"{series} · %{{customdata}}<br>{t('trace_target', lang)} %{{x}}: %{{y:,.4~r}} {unit}"
                              "<extra></extra>",
            ))
        stretch = part.dropna(subset=["stretch"]).drop_duplicates(["year", "stretch"]) if "stretch" in part \
            else part.iloc[:0]
        if len(stretch):
            fig.add_trace(go.Scatter(
                x=stretch["year"], y=stretch["stretch"], mode="markers", name=f"{series} · {t('trace_stretch', lang)}",
                marker={"symbol": "star-open", "size": 15, "color": colour, "line": {"width": 2}}, legendgroup=series,
                customdata=_plan_names(stretch),
                hovertemplate=f"{series} · %{{customdata}}<br>{t('trace_stretch', lang)} %{{x}}: %{{y:,.4~r}} {unit}"
                              "<extra></extra>",
            ))
    _year_axis(fig, lang)
    fig.update_yaxes(title_text=unit, rangemode="tozero")
    return _layout(fig, title, height=500)
