"""方法说明: how to read the verdicts (for officials), the thresholds in force, then the full method and formulas."""

import pandas as pd
import streamlit as st

import ui
from tracker import i18n
from tracker.config import PROJECT_ROOT
from tracker.formatting import MISSING, exact
from tracker.i18n.labels import THRESHOLD_DESCRIPTIONS


def main() -> None:
    st.title(ui.t("nav_methodology"))
    lang = ui.lang()
    guide = PROJECT_ROOT / "docs" / "reading-the-verdicts.md"
    if guide.is_file():
        chinese, _, english = guide.read_text(encoding="utf-8").partition(GUIDE_ENGLISH)
        st.markdown(english if lang == "en" and english else chinese)
    st.subheader(ui.t("thresholds_title"))
    rows = ui.get_store().thresholds().describe()       # the ones in force, as the engine uses them
    st.dataframe(pd.DataFrame({
        ui.t("col_setting"): [name for name, *_ in rows],
        ui.t("col_setting_value"): [exact(value) for _, value, *_ in rows],
        ui.t("col_setting_meaning"): [i18n.label(THRESHOLD_DESCRIPTIONS, name, lang) for name, *_ in rows],
    }), hide_index=True, placeholder=MISSING, width="stretch", key="methodology_thresholds")
    doc = PROJECT_ROOT / "docs" / "methodology.md"
    if doc.is_file():
        with st.expander(ui.t("method_details"), icon=":material/functions:"):
            st.markdown(methodology_text(doc.read_text(encoding="utf-8"), lang))


def methodology_text(doc: str, lang: str) -> str:
    """The Chinese method in full, or its English summary (the document's last section)."""
    chinese, _, english = doc.partition(ENGLISH_HEADING)
    return f"{ENGLISH_HEADING}{english}" if lang == "en" and english else chinese


ENGLISH_HEADING = "## English summary"
GUIDE_ENGLISH = "<!-- english -->"


main()
