"""Reading plan documents into text: each reader on a file built here, and the refusals with their messages."""

from __future__ import annotations

import io
import zipfile
from io import BytesIO

import pytest

from tracker.i18n.messages import PROBLEM_MESSAGES
from tracker.intake import UnreadableDocument, propose_targets, read_document, read_pasted
from tracker.intake.errors import CODES
from tracker.intake.pdf_text import normalise_pages

SENTENCE = "到2020年,全市高新技术企业达到3000家以上,研发经费投入强度达到2.5%。"


# -- building files -------------------------------------------------------------------------------------------
def _pdf(pages: list[list[str]], *, image: bool = False) -> bytes:
    """A minimal valid PDF: each page's lines in a Type0 font whose codes are the characters' UTF-16 (Identity-H with
    an identity ToUnicode map), so the text layer holds exactly these characters; or, with image, one image per page
    and no text (a scan)."""
    objects: list[bytes] = []

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    cmap = (b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /U def "
            b"1 begincodespacerange <0000> <FFFF> endcodespacerange "
            b"1 beginbfrange <0000> <FFFF> <0000> endbfrange endcmap CMapName currentdict /CMap defineresource pop "
            b"end end")
    to_unicode = add(b"<< /Length %d >>\nstream\n" % len(cmap) + cmap + b"\nendstream")
    descendant = add(b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /Song /CIDSystemInfo << /Registry (Adobe) "
                     b"/Ordering (Identity) /Supplement 0 >> /DW 1000 /CIDToGIDMap /Identity >>")
    font = add(b"<< /Type /Font /Subtype /Type0 /BaseFont /Song /Encoding /Identity-H /DescendantFonts [%d 0 R] "
               b"/ToUnicode %d 0 R >>" % (descendant, to_unicode))
    pixel = add(b"<< /Type /XObject /Subtype /Image /Width 1 /Height 1 /ColorSpace /DeviceGray "
                b"/BitsPerComponent 8 /Length 1 >>\nstream\n\x80\nendstream")
    page_ids = []
    pages_id_placeholder = len(objects) + 1 + 2 * len(pages)
    for lines in pages:
        if image:
            content = b"q 100 0 0 100 50 50 cm /Im1 Do Q"
        else:
            parts = [b"BT /F1 12 Tf 14 TL 40 800 Td"]
            for line in lines:
                parts.append(b"<" + line.encode("utf-16-be").hex().encode() + b"> Tj T*")
            parts.append(b"ET")
            content = b"\n".join(parts)
        stream = add(b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream")
        page_ids.append(add(b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] /Contents %d 0 R "
                            b"/Resources << /Font << /F1 %d 0 R >> /XObject << /Im1 %d 0 R >> >> >>"
                            % (pages_id_placeholder, stream, font, pixel)))
    pages_id = add(b"<< /Type /Pages /Kids [%s] /Count %d >>"
                   % (b" ".join(b"%d 0 R" % i for i in page_ids), len(page_ids)))
    assert pages_id == pages_id_placeholder
    catalog = add(b"<< /Type /Catalog /Pages %d 0 R >>" % pages_id)
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % n + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for off in offsets:
        out.write(b"%010d 00000 n \n" % off)
    out.write(b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, catalog, xref))
    return out.getvalue()


def _docx() -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph("一、主要目标")
    document.add_paragraph("到2020年,全市科技型企业达到20000家。")
    table = document.add_table(rows=3, cols=5)
    for row, cells in zip(table.rows, [["序号", "指标", "属性", "2015年", "2020年"],
                                       ["1", "研究与试验发展经费投入强度(%)", "预期性", "1.57", "2.5"],
                                       ["2", "高新技术企业(家)", "预期性", "1035", "3000"]], strict=True):
        for cell, text in zip(row.cells, cells, strict=True):
            cell.text = text
    document.add_paragraph("二、主要任务")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# -- text files -----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("encoding, expected", [("utf-8", "utf-8"), ("utf-8-sig", "utf-8 (BOM)"),
                                                ("gb18030", "gb18030"), ("utf-16", "utf-16 (BOM)")])
def test_text_files_in_any_common_chinese_encoding_read_the_same(encoding, expected):
    doc = read_document("规划.txt", SENTENCE.encode(encoding))
    assert doc.text == SENTENCE and doc.encoding == expected and doc.kind == "txt"


def test_traditional_characters_are_kept_and_shown_simplified():
    text = "力爭到2017年,全市科技型企業超過5000家。"
    doc = read_document("方案.txt", text.encode("utf-8"))
    assert doc.text == text and doc.script == "traditional"
    assert doc.display_text == "力争到2017年,全市科技型企业超过5000家。"
    assert read_pasted(SENTENCE).script == "simplified"


def test_pasted_text_keeps_its_characters_and_uniform_line_ends():
    doc = read_pasted("第一行\r\n" + SENTENCE)
    assert doc.text == "第一行\n" + SENTENCE and doc.kind == "pasted"


# -- docx -----------------------------------------------------------------------------------------------------
def test_docx_paragraphs_and_table_rows_in_document_order():
    doc = read_document("规划.docx", _docx())
    lines = doc.text.splitlines()
    assert lines[0] == "一、主要目标" and lines[-1] == "二、主要任务"
    assert "1\t研究与试验发展经费投入强度(%)\t预期性\t1.57\t2.5" in lines
    assert lines.index("到2020年,全市科技型企业达到20000家。") < lines.index("1\t研究与试验发展经费投入强度(%)\t预期性\t1.57\t2.5")


def test_a_docx_table_row_becomes_a_quotable_target_with_its_baseline_and_binding():
    doc = read_document("规划.docx", _docx())
    proposals = propose_targets(doc.text, plan_start=2016, plan_end=2020)
    row = next(p for p in proposals if p.subject == "研究与试验发展经费投入强度")
    assert (row.value, row.unit, row.target_year, row.baseline_year, row.baseline_value, row.binding) == (
        2.5, "%", 2020, 2015, 1.57, "预期性")
    assert row.quote in doc.text and doc.text[row.offset:row.offset + len(row.quote)] == row.quote
    assert any(p.value == 20000 and p.kind == "level" for p in proposals)


def test_long_docx_table_rows_stay_rows_and_a_unit_column_gives_the_unit():
    """A 十四五 table as offices write it: 指标 | 单位 | 2020年 | 2025年 | 属性, rows longer than a line of running text."""
    import docx

    document = docx.Document()
    document.add_paragraph("一、发展目标")
    table = document.add_table(rows=3, cols=5)
    rows = [("指标", "单位", "2020年", "2025年", "属性"), ("全社会研究与试验发展经费支出", "亿元", "526.8", "900", "预期性"),
            ("每万人口高价值发明专利拥有量", "件", "10.2", "16", "预期性")]
    for row, cells in zip(table.rows, rows, strict=True):
        for cell, text in zip(row.cells, cells, strict=True):
            cell.text = text
    buffer = BytesIO()
    document.save(buffer)
    doc = read_document("规划.docx", buffer.getvalue())
    found = {p.subject: p for p in propose_targets(doc.text, plan_start=2021, plan_end=2025)}
    assert set(found) == {"全社会研究与试验发展经费支出", "每万人口高价值发明专利拥有量"}
    spend = found["全社会研究与试验发展经费支出"]
    assert (spend.value, spend.unit, spend.target_year, spend.baseline_value, spend.binding) == (
        900, "亿元", 2025, 526.8, "预期性")
    assert found["每万人口高价值发明专利拥有量"].unit == "件"


# -- pdf ------------------------------------------------------------------------------------------------------
def test_pdf_text_layer_read_with_page_numbers_dropped_and_broken_lines_joined():
    data = _pdf([["一、主要目标", "到2020年,全市高新技术企业达到3000家以", "上,研发经费投入强度达到2.5%。", "- 1 -"],
                 ["二、主要任务", "实施重大科技专项20项。", "- 2 -"]])
    doc = read_document("规划.pdf", data)
    assert doc.kind == "pdf" and doc.pages == 2
    assert "到2020年,全市高新技术企业达到3000家以上,研发经费投入强度达到2.5%。" in doc.text
    assert "- 1 -" not in doc.text and "一、主要目标\n" in doc.text
    assert set(doc.notes) == {"pdf_furniture_removed", "pdf_lines_joined"}
    proposals = propose_targets(doc.text, plan_start=2016, plan_end=2020)
    assert {(p.value, p.comparator) for p in proposals} >= {(3000, ">="), (2.5, ">=")}
    assert all(p.quote in doc.text for p in proposals)


def test_running_headers_on_every_page_are_page_furniture():
    bodies = ["实施重大科技专项20项", "建设众创空间100个", "培育科技型企业5000家", "引进研发机构30个"]
    pages = [["重庆市人民政府公报", f"第{i}段正文:{body}。", f"第 {i} 页"] for i, body in enumerate(bodies, start=1)]
    text, notes = normalise_pages(["\n".join(p) for p in pages])
    assert "公报" not in text and "页" not in text and text.count("正文") == 4 and notes == ("pdf_furniture_removed",)


def test_a_scanned_pdf_is_refused_with_its_own_message():
    with pytest.raises(UnreadableDocument) as caught:
        read_document("扫描件.pdf", _pdf([[]], image=True))
    assert caught.value.code == "document_scanned_pdf"
    assert "扫描件" in caught.value.message("zh") and "text layer" in caught.value.message("en")


def test_an_encrypted_pdf_is_refused():
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(100, 100)
    writer.encrypt("secret", algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    with pytest.raises(UnreadableDocument) as caught:
        read_document("加密.pdf", buffer.getvalue())
    assert caught.value.code == "document_encrypted"


@pytest.mark.parametrize("name, data, code", [
    ("损坏.pdf", b"%PDF-1.4\nthis is not a pdf at all", "document_damaged"),
    ("空.txt", b"", "document_empty"),
    ("空白.txt", b"  \n\n ", "document_empty"),
    ("图片.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "document_unsupported_type"),
    ("旧版.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "document_legacy_word"),
    ("文件.txt", "高新技术企业".encode()[:-1] + b"\xff\xfe\xfd\x00", "document_unsupported_type"),
])
def test_unreadable_files_raise_a_stable_code(name, data, code):
    with pytest.raises(UnreadableDocument) as caught:
        read_document(name, data)
    assert caught.value.code == code
    assert caught.value.message("zh") != code and caught.value.message("en") != code


def test_a_zip_that_is_not_a_word_file_is_unsupported():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("xl/workbook.xml", "<workbook/>")
    with pytest.raises(UnreadableDocument) as caught:
        read_document("表.xlsx", buffer.getvalue())
    assert caught.value.code == "document_unsupported_type" and ".xlsx" in caught.value.message("en")


def test_every_reader_code_has_both_languages_with_the_same_parameters():
    import re

    for code in CODES:
        zh, en = PROBLEM_MESSAGES[code]
        assert sorted(re.findall(r"\{(\w+)\}", zh)) == sorted(re.findall(r"\{(\w+)\}", en)), code


# -- html -----------------------------------------------------------------------------------------------------
HTML = """<!DOCTYPE html><html><head><meta charset="gb2312"><title>门户</title><style>p{color:red}</style></head>
<body><nav><a href="/">首页</a> | <a href="/x">地方政策</a></nav>
<script>var target = "达到9999家";</script>
<h1>关于加快创新型城市建设的意见</h1>
<p>到2017年,市级以上企业研发中心达到600家;<br>在孵企业数量突破1000家。</p>
<table><tr><th>指标</th><th>2014年</th><th>2017年</th></tr>
<tr><td>科技进步贡献率(%)</td><td>55</td><td>60</td></tr></table>
<div>版权所有 &copy; 威海市</div></body></html>"""


def test_html_drops_scripts_styles_and_navigation_and_keeps_blocks_as_lines():
    doc = read_document("意见.html", HTML.encode("gb18030"))
    assert doc.kind == "html" and doc.encoding == "gb18030"
    assert "9999" not in doc.text and "首页" not in doc.text and "color" not in doc.text and "门户" not in doc.text
    lines = doc.text.splitlines()
    assert lines[0] == "关于加快创新型城市建设的意见"
    assert "到2017年,市级以上企业研发中心达到600家;" in lines and "在孵企业数量突破1000家。" in lines
    assert "科技进步贡献率(%)\t55\t60" in lines and "版权所有 © 威海市" in lines
    proposals = propose_targets(doc.text, plan_start=2015, plan_end=2017)
    assert {p.value for p in proposals if p.role == "target"} >= {600, 1000, 60}
    assert all(p.quote in doc.text for p in proposals)
