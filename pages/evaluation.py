"""评估表 (中期/终期): the table officials paste into reports, with a formatted Excel download."""

import streamlit as st

import ui
from tracker.reports import bundle
from tracker.reports import evaluation as report


def main() -> None:
    st.title(ui.t("nav_evaluation"))
    st.caption(ui.t("evaluation_intro"))
    header = ui.plan_and_year("evaluation")
    if header is None:
        return
    version, plan, as_of = header
    lang = ui.lang()
    verdicts = ui.load_verdicts(version, plan.name, as_of, lang)
    table = report.evaluation_table(verdicts, lang)
    title = f"{plan['title']} {report.evaluation_title(verdicts, lang)}"
    st.subheader(title)
    st.dataframe(table, hide_index=True, width="stretch", height=560, key="evaluation_table")
    st.caption(ui.t("eval_definitions"))
    workbook = report.evaluation_xlsx(
        table, title=title, as_of=report.as_of_year(verdicts), lang=lang,
        source=f"{plan['short_name']}(seeds/{plan['seed_file']})及录入的实际值",
    )
    st.download_button(ui.t("download_xlsx"), workbook, key="evaluation_download",
                       file_name=f"{plan.name}-evaluation-{as_of or 'latest'}.xlsx",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    ui.png_download(lambda: bundle.table_png(table, title,
                                               bundle.plan_caption(plan, verdicts, as_of, lang)),
                    key="evaluation_png", file_name=f"{plan.name}-evaluation-{as_of or 'latest'}.png",
                    label_key="download_table_png")


main()
