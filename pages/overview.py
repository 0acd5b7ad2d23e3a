"""总览: which targets of a plan are on schedule, which lag and by how much."""

import pandas as pd
import streamlit as st

import ui
from tracker.methodology.verdicts import schedule_label
from tracker.reports import bundle, charts, snapshot
from tracker.views import service, tables


def show_kpis(table: pd.DataFrame) -> None:
    """The total and one card per status the status chart counts (the same categories, the same order)."""
    counts = service.kpi_counts(table)
    cards = st.columns(len(counts))
    for card, (code, count) in zip(cards, counts.items(), strict=True):
        card.metric(ui.t("kpi_total") if code == "total" else schedule_label(code, ui.lang()), count)


def show_table(table: pd.DataFrame, as_of: int | None) -> None:
    st.subheader(ui.t("verdict_table_title"))
    st.caption(ui.t("open_indicator_hint"))
    event = st.dataframe(
        tables.overview_table(table, ui.lang()), hide_index=True, width="stretch", height=460, key="overview_table",
        on_select="rerun", selection_mode="single-row",
        column_config={
            ui.t("col_indicator"): st.column_config.TextColumn(width="medium"),
            ui.t("col_year"): st.column_config.NumberColumn(format="%d", width="small"),
            ui.t("col_year_actual"): st.column_config.NumberColumn(format="%d", width="small"),
            ui.t("col_latest"): st.column_config.NumberColumn(format="localized"),
            ui.t("col_target_completion"): st.column_config.NumberColumn(
                format="%.1f%%", help=ui.t("help_target_completion")),
            ui.t("col_increment_completion"): st.column_config.NumberColumn(
                format="%.1f%%", help=ui.t("help_increment_completion")),
            ui.t("col_schedule_ratio"): st.column_config.NumberColumn(format="%.1f%%", help=ui.t("help_schedule_ratio")),
        },
    )
    if event.selection.rows:
        target_id = table.iloc[event.selection.rows[0]]["target_id"]
        params = {"target": target_id, **({"as_of": str(as_of)} if as_of else {})}
        st.switch_page("pages/indicator.py", query_params=params)


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
    has_progress = service.with_progress(table).any()
    if not has_progress:
        st.info(ui.t("no_actuals_yet"))
    by_year = ui.load_verdicts_by_year(version, plan.name, lang)
    with_data = service.heatmap_rows(by_year, table, as_of)
    status_fig = charts.get_status_chart(table, lang, ui.t("status_chart_title"))
    heatmap_fig = charts.get_heatmap(with_data, lang, ui.t("heatmap_title")) \
        if has_progress and not with_data.empty else None
    caption = bundle.plan_caption(plan, table, as_of, lang)
    left, right = st.columns([2, 3])
    left.plotly_chart(status_fig, key="overview_status")
    ui.png_download(lambda: snapshot.figure_png(status_fig, caption=caption), key="overview_status_png",
                    file_name=f"{plan.name}-status.png", container=left)
    if heatmap_fig is not None:
        right.plotly_chart(heatmap_fig, key="overview_heatmap")
        ui.png_download(lambda: snapshot.figure_png(heatmap_fig, caption=caption), key="overview_heatmap_png",
                        file_name=f"{plan.name}-heatmap.png", container=right)
    slide, pack = st.columns(2)
    ui.png_download(lambda: bundle.overview_png(plan["title"], service.kpi_counts(table), status_fig, heatmap_fig,
                                                  caption, lang=lang),
                    key="overview_png", file_name=f"{plan.name}-overview.png", label_key="download_overview_png",
                    container=slide)
    ui.plan_zip_export(plan, as_of, container=pack)
    show_table(table, as_of)


main()
