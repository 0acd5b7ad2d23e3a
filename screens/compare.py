"""地区对比: one canonical indicator across regions and plans — targets, actuals, completion, ranking."""

import pandas as pd
import streamlit as st

import ui
from tracker.formatting import MISSING
from tracker.reports import charts, snapshot
from tracker.views import service, tables


def pick_indicator(indicators: pd.DataFrame) -> pd.Series:
    ids = indicators["indicator_id"].tolist()
    wanted = ui.selected("indicator", "rd_intensity")
    names = dict(zip(indicators["indicator_id"], indicators["indicator"], strict=True))
    chosen = st.selectbox(ui.t("compare_indicator"), ids, index=ids.index(wanted) if wanted in ids else 0,
                          format_func=names.get, key="compare_indicator")
    ui.remember("indicator", chosen)
    return indicators.set_index("indicator_id").loc[chosen]


def main() -> None:
    st.title(ui.t("nav_compare"))
    version = ui.version()
    indicators = ui.load_comparable_indicators(version)
    if indicators.empty:
        st.info(ui.t("empty_db"))
        return
    left, right = st.columns([3, 1])
    with left:
        indicator = pick_indicator(indicators)
    as_of = ui.as_of_picker(ui.load_all_years(version), key="compare_as_of", container=right)
    ui.values_note()
    lang = ui.lang()
    series, ranking = ui.load_comparison(version, indicator.name, as_of, lang)
    drawn, partial = service.chart_series(series, ranking)
    fig = charts.get_comparison_chart(drawn, lang, ui.t("compare_chart_title", indicator=indicator["indicator"]),
                                      unit=indicator["unit"])
    st.plotly_chart(fig, config=ui.CHART_CONFIG, key="compare_chart")
    if partial:
        st.caption(ui.t("compare_chart_partial", shown=service.COMPARISON_SERIES_LIMIT // 2,
                        total=f"{series['series'].nunique():,}"))
    caption = snapshot.Caption(plan=ui.t("compare_caption_plan"), indicator=indicator["indicator"],
                               unit=indicator["unit"], source=ui.t("compare_caption_source"), as_of=as_of, lang=lang,
                               pending=ui.include_pending())
    ui.png_download(lambda: snapshot.figure_png(fig, caption=caption), key="compare_png",
                    file_name=f"comparison-{indicator.name}.png")
    st.subheader(ui.t("ranking_title"))
    st.dataframe(tables.ranking_table(ranking, lang), hide_index=True, placeholder=MISSING, width="stretch", column_config={
        ui.t("col_target_completion"): st.column_config.Column(help=ui.t("help_target_completion")),
    })


main()
