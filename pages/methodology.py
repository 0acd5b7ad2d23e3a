"""方法说明: the formulas and the thresholds in force, from the same source the engine uses."""

import pandas as pd
import streamlit as st

import ui
from tracker.config import PROJECT_ROOT


def main() -> None:
    st.title(ui.t("nav_methodology"))
    st.subheader(ui.t("thresholds_title"))
    lang = ui.lang()
    rows = ui.get_store().thresholds().describe()       # the ones in force, as the engine uses them
    st.dataframe(pd.DataFrame({
        "参数 / setting": [name for name, *_ in rows],
        "数值 / value": [f"{value:g}" for _, value, *_ in rows],
        "含义 / meaning": [zh if lang == "zh" else en for _, _, zh, en in rows],
    }), hide_index=True, width="stretch", key="methodology_thresholds")
    doc = PROJECT_ROOT / "docs" / "methodology.md"
    if doc.is_file():
        st.markdown(doc.read_text(encoding="utf-8"))


main()
