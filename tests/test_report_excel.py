"""The evaluation table as a planning office uses it: an Excel file and a CSV with numbers as numbers, the as-of
year in the title, printable on one page width; rows that say which region and part they are; nothing a
spreadsheet could run as a formula. Every check opens the exported file."""

import csv
import io
import re

import openpyxl
import pandas as pd
import pytest

from tests.test_final_evaluation import ended_db  # noqa: F401  (the fixture: Chongqing's published figures)
from tracker.db.store import Store
from tracker.methodology.verdicts import SCHEDULE_ORDER
from tracker.reports import bundle, cells, charts
from tracker.reports import evaluation as report
from tracker.reports.layout import text_px, wrap_text
from tracker.reports.naming import target_parts, target_title
from tracker.reports.workbook import evaluation_xlsx
from tracker.views import service
from tracker.views.read_model import Snapshot

PLAN = "cq_sti_13fyp"
TITLE = "重庆市科技创新“十三五”规划"


@pytest.fixture(scope="module")
def snap(ended_db):  # noqa: F811
    store = Store.open(ended_db, read_only=True)
    try:
        return Snapshot.read(store)
    finally:
        store.close()


def build(snap, plan_id=PLAN, as_of=None, lang="zh", mutate=None):
    verdicts = service.verdicts(snap, plan_id=plan_id, as_of=as_of, lang=lang)
    if mutate is not None:
        verdicts = mutate(verdicts.copy())
    return report.build_report(verdicts, TITLE, as_of, lang, snap.plan_targets(plan_id))


def open_xlsx(rep) -> openpyxl.worksheet.worksheet.Worksheet:
    return openpyxl.load_workbook(io.BytesIO(evaluation_xlsx(rep, source="《规划》及录入的实际值"))).active


def header(ws) -> dict[str, int]:
    return {ws.cell(3, j).value: j for j in range(1, ws.max_column + 1)}


def row_of(ws, indicator: str) -> int:
    column = header(ws)["指标"] if "指标" in header(ws) else header(ws)["Indicator"]
    return next(i for i in range(4, ws.max_row + 1) if ws.cell(i, column).value == indicator)


def test_the_excel_stores_numbers_as_numbers_with_formats_and_the_year_in_the_title(snap):
    ws = open_xlsx(build(snap))
    assert ws.cell(1, 1).value == f"{TITLE} 终期评估表(2023年)"          # the latest data year, not "最新"
    assert "评估年份:2023年(最新数据)" in ws.cell(2, 1).value
    cols = header(ws)
    assert {"地区", "单位", "基期值", "基期年份", "目标值", "目标年份", "当前值", "当前值年份", "说明"} <= set(cols)
    i = row_of(ws, "研究与试验发展经费投入强度")
    cell = lambda name: ws.cell(i, cols[name])  # noqa: E731
    assert cell("地区").value == "重庆市" and cell("单位").value == "%"
    assert (cell("基期值").value, cell("基期值").number_format) == (1.57, "#,##0.0#")
    assert (cell("基期年份").value, cell("基期年份").number_format) == (2015, "0")
    assert (cell("当前值").value, cell("当前值年份").value) == (2.11, 2020)
    assert cell("目标值").value == 2.5 and cell("目标年份").value == 2020
    assert cell("目标完成度").value == pytest.approx(2.11 / 2.5) and cell("目标完成度").number_format == "0.0%"
    assert cell("增量完成度").data_type == "n"
    assert (cell("规划期后").value, cell("规划期后年份").value) == (2.48, 2023)
    tech = row_of(ws, "科技型企业")
    assert (ws.cell(tech, cols["当前值"]).value, ws.cell(tech, cols["当前值"]).number_format) == (36900, "#,##0")
    # No figure is left as text: "80.3%", "52.9%(2015)" or "36,900家" would not sum.
    figure = re.compile(r"^[\d,.]+(%|[^\d\s]{0,2})?(\(\d{4}\))?$")
    texts = [c.value for row in ws.iter_rows(min_row=4, max_row=ws.max_row - 1) for c in row
             if isinstance(c.value, str)]
    assert not [x for x in texts if figure.match(x)]


def test_the_excel_prints_landscape_one_page_wide_with_the_header_on_every_page(snap):
    ws = open_xlsx(build(snap))
    assert ws.page_setup.orientation == "landscape"
    assert ws.sheet_properties.pageSetUpPr.fitToPage is True          # without it fitToWidth is ignored
    assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0)
    assert ws.print_title_rows == "$3:$3"
    assert ws.freeze_panes == "D4"


def test_english_excel_and_a_chosen_year(snap):
    ws = open_xlsx(build(snap, as_of=2018, lang="en"))
    assert ws.title == "Evaluation"
    assert ws.cell(1, 1).value == f"{TITLE} · mid-term evaluation (as of 2018)"
    assert "As of: 2018" in ws.cell(2, 1).value
    cols = header(ws)
    assert ws.cell(row_of(ws, "研究与试验发展经费投入强度"), cols["Binding"]).value == "expected"


def test_the_csv_holds_the_same_numbers(snap):
    data = report.evaluation_csv(build(snap))
    assert data.startswith(b"\xef\xbb\xbf")                          # Excel on a Chinese Windows reads UTF-8
    frame = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig")
    rd = frame[frame["指标"] == "研究与试验发展经费投入强度"].iloc[0]
    assert (rd["基期值"], rd["基期年份"], rd["当前值"], rd["当前值年份"]) == (1.57, 2015, 2.11, 2020)
    assert rd["目标完成度"] == pytest.approx(0.844)
    assert pd.api.types.is_numeric_dtype(frame["当前值"])


def test_text_that_would_start_a_formula_is_neutralised_in_excel_and_csv(snap):
    def hostile(verdicts):
        verdicts.loc[0, "indicator"] = '=HYPERLINK("http://evil.example","点击")'
        verdicts.loc[1, "region"] = "+1+cmd|' /C calc'!A0"
        verdicts.loc[2, "region"] = "@SUM(A1:A9)"
        verdicts.loc[3, "increment_completion"] = -0.25       # a negative number stays a number
        return verdicts

    rep = build(snap, mutate=hostile)
    ws = open_xlsx(rep)
    cols = header(ws)
    first = ws.cell(4, cols["指标"])
    assert first.data_type == "s" and first.value == "'" + '=HYPERLINK("http://evil.example","点击")'
    assert ws.cell(5, cols["地区"]).value.startswith("'+") and ws.cell(6, cols["地区"]).value.startswith("'@")
    assert ws.cell(7, cols["增量完成度"]).value == -0.25
    rows = list(csv.reader(io.StringIO(report.evaluation_csv(rep).decode("utf-8-sig"))))
    names = rows[0]
    assert rows[1][names.index("指标")].startswith("'=") and rows[2][names.index("地区")].startswith("'+")
    assert rows[4][names.index("增量完成度")] == "-0.25"
    for row in rows[1:]:
        assert not any(value.startswith(cells.FORMULA_START) for value in row if not _number(value))


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def test_user_text_is_escaped_in_the_printed_table_and_the_page_title():
    frame = pd.DataFrame({"指标": ["<script>alert(1)</script>"], "评价": ["正常"]})
    frame.attrs["status"] = ["on_track"]
    rep = report.Report(title="<b>规划</b>", as_of_label="2020年", year=2020, display=frame, data=frame)
    html = report.print_html(rep)
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<b>规划" not in html
    assert cells.markdown_literal("**粗体** :red[红] <b>") == r"\*\*粗体\*\* \:red\[红\] \<b\>"


def test_rows_say_their_region_and_part(snap):
    table = build(snap, plan_id="xq_collab_2022").display
    # X区's four bases repeat the same indicators: each base is a region of its own (a unit below the district),
    # so region and indicator name each row once, without a 分项 column.
    assert "分项" not in table.columns and not table.duplicated(["地区", "指标"]).any()
    base = table.set_index("序号").loc[8]
    assert (base["指标"], base["地区"]) == ("建成市级产学研用协同创新平台", "X区汽车产业基地")
    cq = build(snap).display.set_index("序号")
    assert (cq.loc[21, "地区"], cq.loc[22, "地区"]) == ("重庆高新区", "两江新区")


def test_picture_titles_name_the_base_and_the_target_year(snap):
    xq = snap.plan_targets("xq_collab_2022")
    parts = target_parts(xq)
    titles = {target_title(r.indicator, r.region, parts[r.target_id], r.target_year) for r in xq.itertuples()}
    assert len(titles) == len(xq)                                      # 22 targets, 22 different titles
    assert "建成市级产学研用协同创新平台(X区医药健康产业基地) · 2022年目标" in titles
    work = snap.plan_targets("cq_work_2016").set_index("target_id")
    milestone = [target_title(work.loc[i, "indicator"], "重庆市", target_parts(work.reset_index()).get(i, ""),
                              work.loc[i, "target_year"], "en") for i in ("cqw-rd-centres-2016", "cqw-rd-centres-2017")]
    assert milestone[0] != milestone[1] and milestone[0].endswith("target for 2016")


@pytest.mark.parametrize("cards", [6, 7])
def test_kpi_labels_fit_their_cards_in_either_language(cards):
    codes = ["total", *SCHEDULE_ORDER][:cards]
    card_px = (1560 - 0.012 * 1560 * (cards - 1)) / cards
    size, lines = bundle.kpi_label_size(codes, card_px)
    for lang in ("zh", "en"):
        for label in bundle._labels(codes, lang):
            wrapped = wrap_text(label, size, card_px - 40) if lines > 1 else [label]
            assert len(wrapped) <= lines and all(text_px(x, size) <= card_px - 40 for x in wrapped), label


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_overview_labels_do_not_run_into_each_other(snap, lang):
    verdicts = service.verdicts(snap, plan_id=PLAN, as_of=2018, lang=lang)
    by_year, _ = service.heatmap(snap, plan_id=PLAN, table=verdicts, as_of=2018)
    status = charts.get_status_chart(verdicts, lang, "s")
    heatmap = charts.get_heatmap(by_year, lang, "h")
    fig = bundle.overview_figure(TITLE, service.kpi_counts(verdicts), status, heatmap, lang)
    plot_px = 1560
    x, x2 = fig.layout.xaxis, fig.layout.xaxis2
    widest_status = max(text_px(str(y), bundle.STATUS_TICK_PX) for y in status.data[0].y)
    assert x.domain[0] * plot_px >= widest_status                      # "Awaiting assessment" is not cut off
    widest_row = max(text_px(label, fig.layout.yaxis2.tickfont.size) for label in fig.layout.yaxis2.ticktext)
    assert x2.domain[0] * plot_px - widest_row >= x.domain[1] * plot_px  # no indicator name over a bar's number
    bar = next(tr for tr in fig.data if tr.type == "heatmap").colorbar
    widest_bar = max(text_px(label, bundle.COLORBAR_TICK_PX) for label in bar.ticktext)
    assert bar.x * plot_px + bar.thickness + widest_bar <= plot_px + 20  # the colour bar's labels stay inside
