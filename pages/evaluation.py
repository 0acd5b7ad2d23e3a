"""中期评估表: the table officials paste into reports, with a formatted Excel download."""

import streamlit as st

import ui
from tracker import report


def main() -> None:
    st.title(ui.t("nav_evaluation"))
    st.caption(ui.t("evaluation_intro"))
    version = ui.version()
    plans = ui.load_plans(version)
    if plans.empty:
        st.info(ui.t("empty_db"))
        return
    left, right = st.columns([3, 1])
    plan = ui.plan_picker(plans, key="evaluation_plan", container=left)
    as_of = ui.as_of_picker(ui.load_plan_years(version, plan.name), key="evaluation_as_of", container=right)
    lang = ui.lang()
    table = report.evaluation_table(ui.load_verdicts(version, plan.name, as_of, lang), lang)
    st.subheader(f"{plan['title']} · {ui.t('nav_evaluation')}")
    st.dataframe(table, hide_index=True, width="stretch", height=560, key="evaluation_table")
    workbook = report.evaluation_xlsx(
        table, title=f"{plan['title']} 中期评估表", as_of=as_of,
        source=f"{plan['short_name']}(seeds/{plan['seed_file']})及录入的实际值",
    )
    st.download_button(ui.t("download_xlsx"), workbook, key="evaluation_download",
                       file_name=f"{plan.name}-evaluation-{as_of or 'latest'}.xlsx",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


main()
