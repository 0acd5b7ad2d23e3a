"""总览: which targets of a plan are on schedule, which lag and by how much."""

import html

import pandas as pd
import streamlit as st

import ui
from tracker.formatting import MISSING, exact, percent
from tracker.methodology.verdicts import SCHEDULE_ORDER, STATUS_COLOURS, schedule_label
from tracker.reports import bundle, charts, snapshot
from tracker.views import service, tables


def show_kpis(table: pd.DataFrame) -> None:
    """The total and one card per status the status chart counts (the same categories, the same order)."""
    counts = service.kpi_counts(table)
    # A row that wraps: on a phone several cards share a line instead of one card a screen.
    cards = st.container(horizontal=True, gap="medium")
    for code, count in counts.items():
        cards.metric(ui.t("kpi_total") if code == "total" else schedule_label(code, ui.lang()), f"{count:,}",
                     width="content", border=True)


def pick_filters(table: pd.DataFrame) -> pd.DataFrame:
    """Chapter or 专栏, verdict, region and indicator filters over the verdict table; 只看滞后 picks the verdicts that
    lag."""
    lang = ui.lang()
    a, b, c, e, d = st.columns([3, 3, 2, 2, 2], vertical_alignment="bottom")
    sections = a.multiselect(ui.t("filter_section"), tables.section_options(table), key="overview_sections",
                             placeholder=ui.t("all"))
    present = [code for code in SCHEDULE_ORDER if code in set(table["schedule_status"])]
    behind = d.toggle(ui.t("filter_behind"), key="overview_behind", help=ui.t("filter_behind_help"))
    statuses = b.multiselect(ui.t("filter_status"), present, key=ui.lang_key("overview_statuses"),
                             format_func=lambda code: schedule_label(code, lang), placeholder=ui.t("all"),
                             disabled=behind)
    regions = pd.unique(table["region"]).tolist()
    chosen_regions = c.multiselect(ui.t("col_region"), regions, key="overview_regions", placeholder=ui.t("all"),
                                   disabled=len(regions) < 2)
    indicators = pd.unique(table["indicator"]).tolist()
    chosen_indicators = e.multiselect(ui.t("filter_indicator"), indicators, key="overview_indicators",
                                      placeholder=ui.t("all"))
    shown = tables.filter_verdicts(table, sections=sections, statuses=tables.BEHIND if behind else statuses,
                                   regions=chosen_regions, indicators=chosen_indicators)
    shown = ui.unit_filter(shown, "overview_units")   # a plan naming who delivers its targets: unit by unit too
    st.caption(ui.t("filter_count", shown=f"{len(shown):,}", total=f"{len(table):,}"))
    return shown


# A plan that sets targets for this many regions or more (a province's for its cities) gets the by-region and
# by-indicator view; a city's plan with a district or two reads better as one table.
GROUPS_FROM_REGIONS = 5


def show_groups(table: pd.DataFrame, version: str, plan_id: str, as_of: int | None) -> None:
    """A plan of several regions: the share behind per region and per indicator, most behind first; picking a row
    narrows the verdict table below to it (the way from a province's picture down to one target)."""
    if table["region"].nunique() < GROUPS_FROM_REGIONS:
        return
    st.subheader(ui.t("groups_title"))
    st.caption(ui.t("groups_hint"))
    for tab, column, key in zip(st.tabs([ui.t("groups_by_region"), ui.t("groups_by_indicator")]),
                                ("region", "indicator"), ("overview_regions", "overview_indicators"), strict=True):
        groups = ui.load_groups(version, plan_id, as_of, ui.lang(), column)
        event = tab.dataframe(
            tables.group_table(groups, column, ui.lang()), hide_index=True, width="stretch", height=280,
            key=f"overview_by_{column}", on_select="rerun", selection_mode="single-row",
            column_config={ui.t("col_behind_share"): st.column_config.ProgressColumn(
                format="percent", min_value=0.0, max_value=1.0)},
        )
        # Only a new pick narrows the table: a pick that stays selected must not undo a filter cleared since.
        picked = groups.iloc[event.selection.rows[0]][column] if event.selection.rows else None
        if picked != st.session_state.get(f"{key}.picked"):
            st.session_state[f"{key}.picked"] = picked
            if picked is not None:
                st.session_state[key] = [picked]


# The verdict table shows this many rows a page: a province's plan has 180,000, and the browser needs a second per
# ten thousand styled rows.
PAGE_ROWS = 500


def page_of(table: pd.DataFrame) -> pd.DataFrame:
    """The rows to show: all of a plan's usual few dozen; beyond PAGE_ROWS one page, in plan order or most behind
    first."""
    if len(table) <= PAGE_ROWS:
        return table
    order_col, page_col, note_col = st.columns([2, 1, 3], vertical_alignment="bottom")
    order = order_col.segmented_control(ui.t("table_order"), ["order_plan", "order_behind"], default="order_plan",
                                        key=ui.lang_key("overview_order"), format_func=ui.t)
    pages = -(-len(table) // PAGE_ROWS)
    page = page_col.number_input(ui.t("table_page"), min_value=1, max_value=pages, value=1, step=1,
                                 key="overview_page")
    first = (int(page) - 1) * PAGE_ROWS
    if order == "order_behind":
        shown = service.most_behind(table, first + PAGE_ROWS).iloc[first:]
    else:
        shown = table.iloc[first:first + PAGE_ROWS]
    note_col.caption(ui.t("table_page_caption", first=f"{first + 1:,}", last=f"{first + len(shown):,}",
                          total=f"{len(table):,}", size=PAGE_ROWS))
    return shown


def show_legend() -> None:
    """What the colours, 序时进度 and 趋势 mean, in the words of the methodology page."""
    with st.expander(ui.t("legend_title"), icon=":material/info:"):
        lang = ui.lang()
        chips = "".join(
            f'<span style="display:inline-flex;align-items:center;margin:0 14px 6px 0;white-space:nowrap">'
            f'<span style="width:14px;height:14px;border-radius:3px;background:{STATUS_COLOURS[code]};'
            f'margin-right:6px;display:inline-block"></span>{html.escape(schedule_label(code, lang))}</span>'
            for code in SCHEDULE_ORDER if code in STATUS_COLOURS)
        st.html(f'<div style="display:flex;flex-wrap:wrap;font-size:0.9rem">{chips}</div>')
        th = ui.load_snapshot(ui.version()).thresholds
        st.markdown(ui.t("legend_text", **{name: percent(getattr(th, f"{group}_{name}"), 0) for group, name in (
            ("schedule", "on_track"), ("schedule", "lagging"), ("trend", "substantial"), ("trend", "moderate"),
            ("trend", "limited"))}))


def show_table(table: pd.DataFrame, as_of: int | None) -> None:
    st.subheader(ui.t("verdict_table_title"))
    st.caption(ui.t("open_indicator_hint"))
    several = table["region"].nunique() > 1
    table = page_of(pick_filters(table))
    event = st.dataframe(
        tables.overview_table(table, ui.lang(), with_region=several), hide_index=True, placeholder=MISSING, width="stretch", height=460, key="overview_table",
        on_select="rerun", selection_mode="single-row",
        column_config={
            ui.t("col_indicator"): st.column_config.TextColumn(width="medium", pinned=True),
            ui.t("col_year"): st.column_config.Column(width="small"),
            ui.t("col_year_actual"): st.column_config.Column(width="small"),
            ui.t("col_target_completion"): st.column_config.Column(help=ui.t("help_target_completion")),
            ui.t("col_increment_completion"): st.column_config.Column(help=ui.t("help_increment_completion")),
            ui.t("col_schedule_ratio"): st.column_config.Column(help=ui.t("help_schedule_ratio")),
        },
    )
    if event.selection.rows:
        target_id = table.iloc[event.selection.rows[0]]["target_id"]
        params = {"target": target_id, **({"as_of": str(as_of)} if as_of else {})}
        st.switch_page("screens/indicator.py", query_params=params)


def show_sums(version: str, plan_id: str, as_of: int | None) -> None:
    """A plan's targets decomposed over units (X区's bases): each year, the parent's own value against the sum of its
    units' values, and which units have not reported."""
    checks = ui.load_sum_checks(version, plan_id, as_of)
    if checks.empty:
        return
    st.subheader(ui.t("sums_title"))
    st.caption(ui.t("sums_intro"))
    st.dataframe(pd.DataFrame({
        ui.t("col_region"): checks["region"],
        ui.t("col_indicator"): checks["indicator"],
        ui.t("year"): checks["year"],
        ui.t("sums_col_parent"): checks["parent_value"].map(exact, na_action="ignore"),
        ui.t("sums_col_sum"): checks["children_sum"].map(exact, na_action="ignore"),
        ui.t("sums_col_reported"): [f"{r}/{n}" for r, n in zip(checks["reported"], checks["children"], strict=True)],
        ui.t("sums_col_missing"): checks["missing_units"].map("、".join),
        ui.t("sums_col_status"): checks["status"].map(lambda s: ui.t(f"sums_status_{s}")),
    }), hide_index=True, width="stretch", placeholder=MISSING, key="overview_sums")


def main() -> None:
    st.title(ui.t("nav_overview"))
    header = ui.plan_and_year("overview")
    if header is None:
        return
    version, plan, as_of = header
    lang = ui.lang()
    table = ui.load_verdicts(version, plan.name, as_of, lang)
    st.caption(f"{plan['title']} · {plan['region']}")
    show_kpis(table)
    show_legend()
    has_progress = service.with_progress(table).any()
    if not has_progress:
        st.info(ui.t("no_actuals_yet"))
    status_fig = charts.get_status_chart(table, lang, ui.t("status_chart_title"))
    caption = bundle.plan_caption(plan, table, as_of, lang, pending=ui.include_pending())
    left, right = st.columns([2, 3])
    left.plotly_chart(status_fig, config=ui.CHART_CONFIG, key="overview_status")
    ui.png_download(lambda: snapshot.figure_png(status_fig, caption=caption), key="overview_status_png",
                    file_name=f"{plan.name}-status.png", container=left)
    # The year-by-year heatmap judges its targets once a year: drawn after the status chart, which is on screen
    # meanwhile.
    with_data, with_data_total = ui.load_heatmap(version, plan.name, as_of)
    heatmap_fig = charts.get_heatmap(with_data, lang, charts.heatmap_title(with_data_total, lang)) \
        if has_progress and not with_data.empty else None
    if heatmap_fig is not None:
        right.plotly_chart(heatmap_fig, config=ui.CHART_CONFIG, key="overview_heatmap")
        ui.png_download(lambda: snapshot.figure_png(heatmap_fig, caption=caption), key="overview_heatmap_png",
                        file_name=f"{plan.name}-heatmap.png", container=right)
    slide, pack = st.columns(2)
    ui.png_download(lambda: bundle.overview_png(plan["title"], service.kpi_counts(table), status_fig, heatmap_fig,
                                                  caption, lang=lang),
                    key="overview_png", file_name=f"{plan.name}-overview.png", label_key="download_overview_png",
                    container=slide)
    ui.plan_zip_export(plan, as_of, container=pack)
    show_groups(table, version, plan.name, as_of)
    show_table(table, as_of)
    show_sums(version, plan.name, as_of)
    ui.prefetch_years(version, plan.name, [None, *ui.load_plan_years(version, plan.name)])


main()
