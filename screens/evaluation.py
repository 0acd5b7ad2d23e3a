"""评估表 (中期/终期): the table officials paste into reports, with Excel, CSV, picture and PDF downloads."""

import dataclasses

import streamlit as st

import ui
from tracker.reports import bundle, cells, snapshot, table_picture, workbook
from tracker.reports import evaluation as report

# Printing: only the title and the whole table (the data grid draws just the rows in view, so a plain HTML copy
# of the table is printed instead), landscape, the header repeated on every page; no sidebar, toolbar or buttons.
# On screen the data grid's own CSV download is hidden: it cannot neutralise formulas; the buttons below do.
PAGE_STYLE = """<style>
.st-key-evaluation_print { display: none; }
.st-key-evaluation_grid [data-testid="stElementToolbar"] button[aria-label="Download as CSV"] { display: none; }
@media print {
  @page { size: A4 landscape; margin: 10mm; }
  [data-testid="stSidebar"], [data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stDecoration"],
  [data-testid="stSidebarCollapsedControl"], [data-testid="stStatusWidget"], [data-testid="stElementToolbar"],
  .stMainBlockContainer > .stVerticalBlock > :not(:has(.st-key-evaluation_print)) { display: none !important; }
  .st-key-evaluation_print { display: block !important; }
  html, body, .stApp, [data-testid="stAppViewContainer"], [data-testid="stMain"], .stMainBlockContainer {
    height: auto !important; overflow: visible !important; position: static !important;
    max-width: none !important; padding: 0 !important; margin: 0 !important; }
  table.evaluation-print { border-collapse: collapse; width: 100%; font-size: 8pt; line-height: 1.3; }
  table.evaluation-print th, table.evaluation-print td { border: 1px solid #999; padding: 2px 4px;
    vertical-align: top; }
  table.evaluation-print th { background: #dde5f0; }
  table.evaluation-print thead { display: table-header-group; }
  table.evaluation-print tr { break-inside: avoid; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  .evaluation-print-title { font-size: 14pt; margin: 0 0 4px 0; }
  .evaluation-print-note { font-size: 7pt; color: #555; }
}
</style>"""


def downloads(rep: report.Report, caption: snapshot.Caption, stem: str) -> None:
    """Excel and CSV (numbers as numbers, formulas neutralised), the pictures and the PDF (made on click)."""
    excel, csv, pictures, pdf = st.columns(4)
    # Made when clicked, not on every rerun of the page (openpyxl takes a while).
    values = ui.t("values_with_pending" if caption.pending else "values_approved")
    excel.download_button(ui.t("download_xlsx"), lambda: workbook.evaluation_xlsx(rep, source=caption.source,
                                                                                values=values),
                          key="evaluation_download", file_name=f"{stem}.xlsx", on_click="ignore",
                          mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    csv.download_button(ui.t("download_eval_csv"), lambda: report.evaluation_csv(rep), key="evaluation_csv",
                        file_name=f"{stem}.csv", mime="text/csv", on_click="ignore")
    ready = snapshot.export_readiness()
    if not ready.ok:
        pictures.caption(ready.message(ui.lang()))
        return
    png = table_picture.pictures_download(rep.display, rep.title, caption, stem, ui.lang())
    label = ui.t("download_table_png") if png.pages == 1 else ui.t("download_eval_pages", n=png.pages)
    pictures.download_button(label, data=png.make, file_name=png.file_name, mime=png.mime, key="evaluation_png",
                             on_click="ignore", icon=":material/image:")
    paged = table_picture.pdf_download(rep.display, rep.title, caption, stem, ui.lang())
    pdf.download_button(ui.t("download_eval_pdf", n=paged.pages), data=paged.make, file_name=paged.file_name,
                        mime=paged.mime, key="evaluation_pdf", on_click="ignore", icon=":material/picture_as_pdf:")


def main() -> None:
    st.markdown(PAGE_STYLE, unsafe_allow_html=True)
    st.title(ui.t("nav_evaluation"))
    st.caption(ui.t("evaluation_intro"))
    header = ui.plan_and_year("evaluation")
    if header is None:
        return
    version, plan, as_of = header
    lang = ui.lang()
    verdicts = ui.unit_filter(ui.load_verdicts(version, plan.name, as_of, lang), "evaluation_units")
    rep = report.build_report(verdicts, plan["title"], as_of, lang, ui.load_targets(version, plan.name))
    if units := st.session_state.get("evaluation_units"):   # the table of some units says whose it is
        rep = dataclasses.replace(rep, title=f"{rep.title} · {'、'.join(units)}")
    st.subheader(cells.markdown_literal(rep.title))
    with st.container(key="evaluation_grid"):
        st.dataframe(rep.display, hide_index=True, width="stretch", height=560, key="evaluation_table")
    st.caption(ui.t("eval_definitions"))
    downloads(rep, bundle.plan_caption(plan, verdicts, as_of, lang, pending=ui.include_pending()),
              f"{plan.name}-evaluation-{rep.year or 'latest'}")
    st.caption(ui.t("eval_print_hint"))
    with st.container(key="evaluation_print"):
        st.markdown(report.print_html(rep), unsafe_allow_html=True)   # every cell escaped by print_html


main()
