""".docx details (issue 12 part 8): tab-laid-out tables, 文号/签发人 in the page header, footnotes, images."""

from __future__ import annotations

import io

from docx import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

from cms.importer.parsing import parse_bytes
from cms.importer.parsing.docx_reader import read_docx
from cms.importer.parsing.text_reader import read_text
from cms.importer.parsing.tree import IMAGE_NOTE, SourceTable

TITLE = "测试县人民政府关于下达2024年度安全生产目标责任的通知"
ROWS = ["单位\t新建数\t补建数", "甲镇\t5\t2", "乙镇\t3\t1"]


def save(document) -> bytes:
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_read_docx__tab_laid_out_paragraphs_read_like_the_text_reader() -> None:
    document = Document()
    document.add_paragraph("指标表")
    for row in ROWS:
        document.add_paragraph(row)
    document.add_paragraph("正文继续。")
    items = read_docx(save(document), "表.docx")
    tables = [item for item in items if isinstance(item, SourceTable)]
    expected = [item for item in read_text("\n".join(ROWS).encode(), "表.txt") if isinstance(item, SourceTable)]
    assert [[c.text for c in row] for row in tables[0].rows] == [[c.text for c in row] for row in expected[0].rows]
    assert [[c.text for c in row] for row in tables[0].rows][1] == ["甲镇", "5", "2"]


def test_read_docx__one_tabbed_line_stays_a_paragraph() -> None:
    document = Document()
    document.add_paragraph("组长：\t张三")
    (item,) = read_docx(save(document), "一行.docx")
    assert not isinstance(item, SourceTable)


def test_parse_docx__doc_number_and_signer_in_a_header_table_are_recognised() -> None:
    document = Document()
    header = document.sections[0].header
    header.is_linked_to_previous = False
    table = header.add_table(rows=1, cols=2, width=document.sections[0].page_width)
    table.cell(0, 0).text = "测政〔2024〕7号"
    table.cell(0, 1).text = "签发人：李四"
    header.add_paragraph("第 1 页")  # a running header line that is not part of the document
    document.add_paragraph(TITLE)
    document.add_paragraph("各乡镇人民政府：")
    document.add_paragraph("现将目标责任下达给你们，请认真落实。")
    doc = parse_bytes(save(document), "版头.docx")
    assert (doc.doc_number, doc.signer, doc.title) == ("测政〔2024〕7号", "李四", TITLE)
    assert doc.recipients == "各乡镇人民政府"


def test_parse_docx__footnotes_kept_as_注_and_images_reported() -> None:
    document = Document()
    document.add_paragraph(TITLE)
    paragraph = document.add_paragraph("现将目标责任下达给你们，请认真落实。")
    part = document.part
    footnotes_xml = (
        f"<w:footnotes {nsdecls('w')}>"
        '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
        '<w:footnote w:id="1"><w:p><w:r><w:t>此处“目标责任”含消防工作。</w:t></w:r></w:p></w:footnote>'
        "</w:footnotes>"
    )
    footnotes = Part(
        PackURI("/word/footnotes.xml"),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml",
        footnotes_xml.encode(),
        part.package,
    )
    part.relate_to(footnotes, RT.FOOTNOTES)
    paragraph._p.append(parse_xml(f'<w:r {nsdecls("w")}><w:footnoteReference w:id="1"/></w:r>'))
    picture = document.add_paragraph()
    picture._p.append(parse_xml(f"<w:r {nsdecls('w')}><w:drawing/></w:r>"))
    doc = parse_bytes(save(document), "脚注.docx")
    texts = [block.value.get("text", "") for block in doc.body]
    assert "注：此处“目标责任”含消防工作。" in texts
    assert IMAGE_NOTE in texts
    assert any("图片" in warning.message for warning in doc.warnings)  # listed in the report
