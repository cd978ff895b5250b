"""The .docx reader must give the recogniser the same stream as the text reader.

Documents are built with python-docx (real Word structures: ``w:vMerge``,
``w:gridSpan``, ``w:numPr`` against ``numbering.xml``), read back, and compared
with what the text path yields for the equivalent text.
"""

from __future__ import annotations

import io
import random
import zipfile
from pathlib import Path

import docx
import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cms.importer.parsing import docx_reader
from cms.importer.parsing.docx_reader import format_number, read_docx
from cms.importer.parsing.text_reader import read_text, split_items
from cms.importer.parsing.tree import (
    DocumentImportError,
    SourceCell,
    SourceItem,
    SourceParagraph,
    SourceTable,
)
from tests.docx_writer import items_to_docx, text_to_docx

SEED_DIR = Path(__file__).resolve().parents[2] / "content" / "seeds"
SEEDS = sorted(SEED_DIR.glob("00*.txt"))


# --- helpers --------------------------------------------------------------------------


def _save(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _shape(items: list[SourceItem]) -> list[tuple]:
    """What must agree between readers: texts and merges, not line numbers."""
    out: list[tuple] = []
    for item in items:
        if isinstance(item, SourceTable):
            rows = [[(c.text, c.merged_from, c.rowspan, c.colspan) for c in row] for row in item.rows]
            out.append(("table", rows))
        else:
            out.append(("paragraph", item.text))
    return out


def _cells(table: SourceTable) -> list[list[tuple]]:
    return [[(c.text, c.merged_from, c.rowspan, c.colspan) for c in row] for row in table.rows]


def _add_numbering(document, abstract_xml: str, nums: dict[str, str]) -> None:
    """Add one abstract list definition and ``w:num`` instances to numbering.xml."""
    numbering = document.part.numbering_part.element
    abstract = parse_xml(abstract_xml)
    first_num = numbering.find(qn("w:num"))
    if first_num is not None:
        first_num.addprevious(abstract)
    else:
        numbering.append(abstract)
    for num_id, inner in nums.items():
        numbering.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="{num_id}">{inner}</w:num>'))


def _numbered(document, text: str, num_id: str, ilvl: int):
    paragraph = document.add_paragraph(text)
    p_pr = paragraph._p.get_or_add_pPr()
    p_pr.append(parse_xml(f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{ilvl}"/><w:numId w:val="{num_id}"/></w:numPr>'))
    return paragraph


CHINESE_OUTLINE = f"""
<w:abstractNum {nsdecls("w")} w:abstractNumId="90">
  <w:multiLevelType w:val="multilevel"/>
  <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/>
    <w:lvlText w:val="%1、"/></w:lvl>
  <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/>
    <w:lvlText w:val="（%2）"/></w:lvl>
  <w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="decimal"/>
    <w:lvlText w:val="%3."/><w:suff w:val="nothing"/></w:lvl>
  <w:lvl w:ilvl="3"><w:start w:val="1"/><w:numFmt w:val="decimal"/>
    <w:lvlText w:val="（%4）"/></w:lvl>
</w:abstractNum>
"""


# --- paragraphs and body order --------------------------------------------------------


def test_read_docx__paragraphs_and_tables_in_body_order() -> None:
    document = docx.Document()
    document.add_paragraph("晋江市人民政府")
    document.add_paragraph("")  # empty: skipped, but still counts for line
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "单位"
    table.cell(0, 1).text = "任务"
    document.add_paragraph("  此件主动公开  ")

    items = read_docx(_save(document), "notice.docx")

    assert [type(item) for item in items] == [SourceParagraph, SourceTable, SourceParagraph]
    assert items[0] == SourceParagraph("晋江市人民政府", 1)
    assert items[1].line == 3
    assert _cells(items[1]) == [[("单位", None, 1, 1), ("任务", None, 1, 1)]]
    assert items[2] == SourceParagraph("此件主动公开", 4)


def test_read_docx__line_break_in_paragraph_starts_a_new_item() -> None:
    document = docx.Document()
    paragraph = document.add_paragraph("关于下达2022年度安全生产")
    paragraph.add_run().add_break()
    paragraph.add_run("目标责任的通知")

    items = read_docx(_save(document), "title.docx")

    assert [item.text for item in items] == ["关于下达2022年度安全生产", "目标责任的通知"]
    assert {item.line for item in items} == {1}


def test_read_docx__only_visible_text_is_read() -> None:
    document = docx.Document()
    paragraph = document.add_paragraph("可见")
    paragraph._p.append(
        parse_xml(f'<w:del {nsdecls("w")} w:id="1" w:author="a"><w:r><w:delText>已删除</w:delText></w:r></w:del>')
    )
    paragraph._p.append(parse_xml(f'<w:ins {nsdecls("w")} w:id="2" w:author="a"><w:r><w:t>插入</w:t></w:r></w:ins>'))
    paragraph._p.append(parse_xml(f"<w:r {nsdecls('w')}><w:rPr><w:vanish/></w:rPr><w:t>隐藏</w:t></w:r>"))
    paragraph._p.append(
        parse_xml(f'<w:hyperlink {nsdecls("w", "r")} r:id="rId99"><w:r><w:t>链接</w:t></w:r></w:hyperlink>')
    )
    paragraph._p.append(parse_xml(f"<w:r {nsdecls('w')}><w:instrText> PAGE </w:instrText></w:r>"))

    items = read_docx(_save(document), "revisions.docx")

    assert items == [SourceParagraph("可见插入链接", 1)]


def test_read_docx__content_control_paragraphs_are_read_in_place() -> None:
    document = docx.Document()
    document.add_paragraph("前")
    sdt = parse_xml(
        f"<w:sdt {nsdecls('w')}><w:sdtContent><w:p><w:r><w:t>控件内</w:t></w:r></w:p></w:sdtContent></w:sdt>"
    )
    document.element.body.insert(1, sdt)
    document.add_paragraph("后")

    items = read_docx(_save(document), "sdt.docx")

    assert [(item.text, item.line) for item in items] == [("前", 1), ("控件内", 2), ("后", 3)]


# --- tables ---------------------------------------------------------------------------


def test_read_docx__vertical_merge_points_at_origin() -> None:
    document = docx.Document()
    table = document.add_table(rows=3, cols=2)
    table.cell(0, 0).text = "健全消防安全责任体系"
    table.cell(0, 1).text = "落实政府领导责任"
    table.cell(1, 1).text = "落实部门管理责任"
    table.cell(2, 1).text = "落实基层管理责任"
    table.cell(0, 0).merge(table.cell(2, 0))

    (item,) = read_docx(_save(document), "tasks.docx")

    assert _cells(item) == [
        [("健全消防安全责任体系", None, 3, 1), ("落实政府领导责任", None, 1, 1)],
        [("", (0, 0), 1, 1), ("落实部门管理责任", None, 1, 1)],
        [("", (0, 0), 1, 1), ("落实基层管理责任", None, 1, 1)],
    ]


def test_read_docx__horizontal_merge_keeps_grid_width() -> None:
    document = docx.Document()
    table = document.add_table(rows=2, cols=4)
    for c, text in enumerate(["单位", "市政消火栓建设任务", "", "专职防火队人员额定人数"]):
        table.cell(0, c).text = text
    for c, text in enumerate(["", "新建数", "补建数", ""]):
        table.cell(1, c).text = text
    table.cell(0, 1).merge(table.cell(0, 2))
    table.cell(0, 0).merge(table.cell(1, 0))
    table.cell(0, 3).merge(table.cell(1, 3))

    (item,) = read_docx(_save(document), "indicators.docx")

    assert _cells(item) == [
        [
            ("单位", None, 2, 1),
            ("市政消火栓建设任务", None, 1, 2),
            ("", (0, 1), 1, 1),
            ("专职防火队人员额定人数", None, 2, 1),
        ],
        [("", (0, 0), 1, 1), ("新建数", None, 1, 1), ("补建数", None, 1, 1), ("", (0, 3), 1, 1)],
    ]


def test_read_docx__rectangle_merge_covers_every_position() -> None:
    document = docx.Document()
    table = document.add_table(rows=3, cols=3)
    table.cell(0, 0).text = "甲"
    table.cell(2, 2).text = "乙"
    table.cell(0, 0).merge(table.cell(1, 1))

    (item,) = read_docx(_save(document), "block.docx")

    assert _cells(item)[0][0] == ("甲", None, 2, 2)
    assert [c[1] for c in _cells(item)[0][1:2] + _cells(item)[1][0:2]] == [(0, 0)] * 3
    assert _cells(item)[2] == [("", None, 1, 1), ("", None, 1, 1), ("乙", None, 1, 1)]


def test_read_docx__cell_paragraphs_joined_and_empty_ones_skipped() -> None:
    document = docx.Document()
    table = document.add_table(rows=1, cols=2)
    cell = table.cell(0, 0)
    cell.paragraphs[0].text = "完成"
    cell.add_paragraph("")
    cell.add_paragraph("年限")
    table.cell(0, 1).text = "  责任单位  "

    (item,) = read_docx(_save(document), "header.docx")

    assert [c.text for c in item.rows[0]] == ["完成\n年限", "责任单位"]


def test_read_docx__grid_before_is_padded_and_short_rows_stay_short() -> None:
    document = docx.Document()
    table = document.add_table(rows=2, cols=3)
    for c in range(3):
        table.cell(0, c).text = f"h{c}"
    row = table.rows[1]._tr
    row.remove(row.tc_lst[0])
    row.remove(row.tc_lst[-1])
    row.get_or_add_trPr().append(parse_xml(f'<w:gridBefore {nsdecls("w")} w:val="1"/>'))
    row.tc_lst[0].clear_content()
    row.tc_lst[0].append(parse_xml(f"<w:p {nsdecls('w')}><w:r><w:t>x</w:t></w:r></w:p>"))

    (item,) = read_docx(_save(document), "ragged.docx")

    # Text tables can be ragged too; the positions Word skips before a cell are
    # filled so that columns stay aligned.
    assert [[c.text for c in r] for r in item.rows] == [["h0", "h1", "h2"], ["", "x"]]
    assert all(c.merged_from is None for c in item.rows[1])


# --- automatic numbering --------------------------------------------------------------


def test_read_docx__chinese_outline_numbering_is_rendered() -> None:
    document = docx.Document()
    _add_numbering(document, CHINESE_OUTLINE, {"90": '<w:abstractNumId w:val="90"/>'})
    _numbered(document, "精心组织实施", "90", 0)
    _numbered(document, "强化组织领导", "90", 1)
    _numbered(document, "落实政府领导责任", "90", 2)
    _numbered(document, "加强对港区内堆场的安全监管", "90", 3)
    _numbered(document, "落实部门管理责任", "90", 2)
    _numbered(document, "加强监管执法", "90", 1)
    _numbered(document, "重新从1开始", "90", 2)
    _numbered(document, "切实提升效能", "90", 0)
    _numbered(document, "", "90", 1)  # empty: counted, not emitted
    _numbered(document, "第二项", "90", 1)

    texts = [item.text for item in read_docx(_save(document), "outline.docx")]

    assert texts == [
        "一、精心组织实施",
        "（一）强化组织领导",
        "1.落实政府领导责任",
        "（1）加强对港区内堆场的安全监管",
        "2.落实部门管理责任",
        "（二）加强监管执法",
        "1.重新从1开始",
        "二、切实提升效能",
        "（二）第二项",
    ]


def test_read_docx__numbering_counts_past_ten_in_chinese() -> None:
    document = docx.Document()
    _add_numbering(document, CHINESE_OUTLINE, {"90": '<w:abstractNumId w:val="90"/>'})
    for k in range(12):
        _numbered(document, f"第{k + 1}项", "90", 0)

    texts = [item.text for item in read_docx(_save(document), "many.docx")]

    assert texts[9] == "十、第10项"
    assert texts[10] == "十一、第11项"


def test_read_docx__numbering_from_paragraph_style() -> None:
    document = docx.Document()
    for text in ["甲项", "乙项", "丙项"]:
        document.add_paragraph(text, style="List Number")
    document.add_paragraph("列表外", style="List Bullet")

    texts = [item.text for item in read_docx(_save(document), "styled.docx")]

    assert texts == ["1. 甲项", "2. 乙项", "3. 丙项", "列表外"]


def test_read_docx__start_override_restarts_a_list() -> None:
    document = docx.Document()
    _add_numbering(
        document,
        CHINESE_OUTLINE,
        {
            "90": '<w:abstractNumId w:val="90"/>',
            "91": '<w:abstractNumId w:val="90"/><w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride>',
        },
    )
    _numbered(document, "甲", "90", 0)
    _numbered(document, "乙", "90", 0)
    _numbered(document, "丙", "91", 0)
    _numbered(document, "丁", "91", 0)

    texts = [item.text for item in read_docx(_save(document), "restart.docx")]

    assert texts == ["一、甲", "二、乙", "一、丙", "二、丁"]


def test_read_docx__numbered_paragraphs_inside_table_cells() -> None:
    document = docx.Document()
    _add_numbering(document, CHINESE_OUTLINE, {"90": '<w:abstractNumId w:val="90"/>'})
    table = document.add_table(rows=2, cols=1)
    for r, text in enumerate(["落实政府领导责任", "落实部门管理责任"]):
        paragraph = table.cell(r, 0).paragraphs[0]
        paragraph.text = text
        paragraph._p.get_or_add_pPr().append(
            parse_xml(f'<w:numPr {nsdecls("w")}><w:ilvl w:val="2"/><w:numId w:val="90"/></w:numPr>')
        )

    (item,) = read_docx(_save(document), "cells.docx")

    assert [row[0].text for row in item.rows] == ["1.落实政府领导责任", "2.落实部门管理责任"]


@pytest.mark.parametrize(
    ("n", "fmt", "expected"),
    [
        (1, "chineseCounting", "一"),
        (10, "chineseCounting", "十"),
        (11, "chineseCounting", "十一"),
        (20, "chineseCountingThousand", "二十"),
        (21, "chineseCountingThousand", "二十一"),
        (101, "chineseCounting", "一百零一"),
        (110, "chineseCounting", "一百一十"),
        (1001, "chineseCounting", "一千零一"),
        (3, "ideographTraditional", "丙"),
        (11, "ideographTraditional", "11"),
        (2, "chineseLegalSimplified", "贰"),
        (12, "decimal", "12"),
        (3, "decimalEnclosedCircle", "③"),
        (4, "upperRoman", "IV"),
        (28, "lowerLetter", "bb"),
        (5, "bullet", None),
        (7, "somethingNew", "7"),
    ],
)
def test_format_number__word_formats(n: int, fmt: str, expected: str | None) -> None:
    assert format_number(n, fmt) == expected


# --- bad input ------------------------------------------------------------------------


def _valid_docx() -> bytes:
    document = docx.Document()
    document.add_paragraph("正文" * 200)
    return _save(document)


@pytest.mark.parametrize(
    ("name", "data", "fragment"),
    [
        ("old.doc", bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 600, "Word 97-2003"),
        ("random.docx", random.Random(7).randbytes(4096), "不是有效的 Word .docx 文件"),
        ("empty.docx", b"", "空"),
        ("plain.docx", "一、总体要求\n".encode(), "不是有效的 Word .docx 文件"),
    ],
)
def test_read_docx__bad_input_is_named_in_the_error(name: str, data: bytes, fragment: str) -> None:
    with pytest.raises(DocumentImportError) as caught:
        read_docx(data, name)

    assert caught.value.source == name
    assert name in str(caught.value)
    assert fragment in caught.value.message


def test_read_docx__truncated_file_is_reported_as_damaged() -> None:
    data = _valid_docx()

    with pytest.raises(DocumentImportError) as caught:
        read_docx(data[: len(data) // 2], "cut.docx")

    assert caught.value.source == "cut.docx"
    assert "损坏或不完整" in caught.value.message


def test_read_docx__zip_that_is_not_a_word_file() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "不是 Word")

    with pytest.raises(DocumentImportError) as caught:
        read_docx(buffer.getvalue(), "archive.docx")

    assert "不是有效的 Word .docx 文件" in caught.value.message


def test_read_docx__excel_file_is_not_a_word_file() -> None:
    import openpyxl

    buffer = io.BytesIO()
    openpyxl.Workbook().save(buffer)

    with pytest.raises(DocumentImportError) as caught:
        read_docx(buffer.getvalue(), "ledger.xlsx")

    assert "不是有效的 Word .docx 文件" in caught.value.message
    assert caught.value.source == "ledger.xlsx"


def test_read_docx__corrupt_member_is_reported_as_damaged() -> None:
    data = bytearray(_valid_docx())
    # Flip bytes inside the compressed document.xml, leaving the zip directory intact.
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        info = archive.getinfo("word/document.xml")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for k in range(start + 10, start + 40):
        data[k] ^= 0xFF

    with pytest.raises(DocumentImportError) as caught:
        read_docx(bytes(data), "flipped.docx")

    assert "损坏或不完整" in caught.value.message


def test_read_docx__over_50_mb_is_refused() -> None:
    data = b"PK\x03\x04" + b"\0" * docx_reader.MAX_DOCX_BYTES

    with pytest.raises(DocumentImportError) as caught:
        read_docx(data, "huge.docx")

    assert "50 MB" in caught.value.message


# --- writer: real Word structures -----------------------------------------------------

INDICATOR_TEXT = (
    "（二）各镇（街道）、经济开发区个性目标\n\n"
    "单位\t市政消火栓建设任务\t\t专职防火队人员额定人数\n"
    "\t新建数\t补建数\t\n"
    "青阳街道\t5\t0\t10\n"
    "梅岭街道\t5\t0\t10\n\n"
    "备注：额定人数根据各镇街综合确定。\n"
)

TASK_TEXT = (
    "百崎回族乡消防安全治本攻坚三年行动重点项目清单\n\n"
    "\t项目\n\t工作任务\n\t工作内容\n\t责任单位\n\n"
    "\t健全消防安全责任体系\n\t1.落实政府领导责任\n\t严格落实责任清单。\n\t各行政村、消安委\n\n"
    "\t\n\t\n\t组织开展年度考核。\n\t\n\n"
    "\t\n\t2.落实部门管理责任\n\t摸清行业领域底数清单。\n\t乡各有关部门\n\n"
    "\t专题\n\n项目\n\t3.落实基层\n\n管理责任\n\t网格员必查。\n\t派出所\n\n"
    "此件主动公开\n"
)


def test_text_to_docx__indicator_header_is_a_real_horizontal_merge() -> None:
    data = text_to_docx(INDICATOR_TEXT)
    document = docx.Document(io.BytesIO(data))
    tbl = document.tables[0]._tbl
    first_row = tbl.tr_lst[0].tc_lst

    assert [tc.grid_span for tc in first_row] == [1, 2, 1]
    assert [tc.vMerge for tc in first_row] == ["restart", None, "restart"]
    assert [tc.vMerge for tc in tbl.tr_lst[1].tc_lst] == ["continue", None, None, "continue"]

    items = read_docx(data, "indicators.docx")
    table = next(item for item in items if isinstance(item, SourceTable))
    assert _cells(table)[0][1:3] == [("市政消火栓建设任务", None, 1, 2), ("", (0, 1), 1, 1)]
    assert _cells(table)[1][0] == ("", (0, 0), 1, 1)
    assert _cells(table)[1][3] == ("", (0, 3), 1, 1)
    assert _shape(items) == _shape(split_items(INDICATOR_TEXT))


def test_text_to_docx__empty_cells_under_text_are_real_vertical_merges() -> None:
    data = text_to_docx(TASK_TEXT)
    document = docx.Document(io.BytesIO(data))
    tbl = document.tables[0]._tbl

    assert [tr.tc_lst[0].vMerge for tr in tbl.tr_lst[1:4]] == ["restart", "continue", "continue"]
    assert tbl.tr_lst[2].tc_lst[3].vMerge == "continue"

    (title, table, footer) = read_docx(data, "tasks.docx")
    assert title.text == "百崎回族乡消防安全治本攻坚三年行动重点项目清单"
    assert footer.text == "此件主动公开"
    assert _cells(table)[1][0] == ("健全消防安全责任体系", None, 3, 1)
    assert _cells(table)[2][1] == ("", (1, 1), 1, 1)
    assert _cells(table)[3][1] == ("2.落实部门管理责任", None, 1, 1)
    assert _shape([title, table, footer]) == _shape(split_items(TASK_TEXT))


def test_text_to_docx__same_text_gives_same_bytes() -> None:
    assert text_to_docx(TASK_TEXT + INDICATOR_TEXT) == text_to_docx(TASK_TEXT + INDICATOR_TEXT)


def test_items_to_docx__rectangle_merge_matches_python_docx_cell_merge() -> None:
    rows = [
        [SourceCell("甲", rowspan=2, colspan=2), SourceCell("", (0, 0)), SourceCell("乙")],
        [SourceCell("", (0, 0)), SourceCell("", (0, 0)), SourceCell("丙")],
    ]
    ours = docx.Document(io.BytesIO(items_to_docx([SourceTable(rows, 1)]))).tables[0]._tbl

    reference = docx.Document()
    table = reference.add_table(rows=2, cols=3)
    table.cell(0, 0).text, table.cell(0, 2).text, table.cell(1, 2).text = "甲", "乙", "丙"
    table.cell(0, 0).merge(table.cell(1, 1))

    def layout(tbl) -> list[list[tuple]]:
        return [[(tc.grid_span, tc.vMerge, tc.width) for tc in tr.tc_lst] for tr in tbl.tr_lst]

    assert layout(ours) == layout(table._tbl)


def test_items_to_docx__label_row_over_a_merged_column_survives() -> None:
    """text_reader marks a full-width label row whose first column then merges
    downwards (not a rectangle); the Word file must carry exactly that."""
    text = "\t项目\n\t任务\n\n\t（二）集中治理\n\t\n\n\t\n\t16.汇总隐患清单\n"
    items = split_items(text)
    assert items[0].rows[1][0].colspan == 2 and items[0].rows[1][0].rowspan == 2

    assert _shape(read_docx(text_to_docx(text), "label.docx")) == _shape(items)


# --- round trips ---------------------------------------------------------------------

_CELL_TEXT = st.text(alphabet="安全生产消防一二三1234（）、", max_size=6)


@st.composite
def _merged_tables(draw: st.DrawFn) -> list[list[SourceCell]]:
    """Rectangular grids tiled with random non-overlapping merged rectangles."""
    height = draw(st.integers(min_value=1, max_value=5))
    width = draw(st.integers(min_value=1, max_value=5))
    grid: list[list[SourceCell | None]] = [[None] * width for _ in range(height)]
    for r in range(height):
        for c in range(width):
            if grid[r][c] is not None:
                continue
            max_cols = 1
            while c + max_cols < width and grid[r][c + max_cols] is None:
                max_cols += 1
            colspan = draw(st.integers(min_value=1, max_value=max_cols))
            rowspan = draw(st.integers(min_value=1, max_value=height - r))
            origin = SourceCell(draw(_CELL_TEXT), rowspan=rowspan, colspan=colspan)
            for rr in range(r, r + rowspan):
                for cc in range(c, c + colspan):
                    grid[rr][cc] = SourceCell("", merged_from=(r, c))
            grid[r][c] = origin
    return [[cell for cell in row if cell is not None] for row in grid]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_merged_tables(), st.lists(_CELL_TEXT.filter(bool), max_size=3))
def test_items_to_docx__any_rectangle_merges_round_trip(rows: list[list[SourceCell]], paragraphs: list[str]) -> None:
    items: list[SourceItem] = [SourceParagraph(text, 1) for text in paragraphs]
    items.append(SourceTable(rows=rows, line=2))

    assert _shape(read_docx(items_to_docx(items), "generated.docx")) == _shape(items)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.integers(min_value=1, max_value=4).flatmap(
        lambda width: st.lists(st.lists(_CELL_TEXT, min_size=width, max_size=width), min_size=1, max_size=6)
    )
)
def test_text_to_docx__any_seed_style_table_round_trips(grid: list[list[str]]) -> None:
    text = "标题\n\n" + "\n\n".join("\n".join(f"\t{cell}" for cell in row) for row in grid)

    assert _shape(read_docx(text_to_docx(text), "grid.docx")) == _shape(split_items(text))


@pytest.mark.parametrize("seed", SEEDS, ids=[path.name[:3] for path in SEEDS])
def test_read_docx__seed_round_trip_matches_read_text(seed: Path) -> None:
    data = seed.read_bytes()

    items = read_docx(text_to_docx(data.decode("utf-8")), seed.name.replace(".txt", ".docx"))

    assert _shape(items) == _shape(read_text(data, seed.name))


def test_read_docx__items_are_plain_dataclasses() -> None:
    """The recogniser compares items by value; the reader must not leak python-docx objects."""
    items = read_docx(text_to_docx(TASK_TEXT), "tasks.docx")
    table = items[1]

    assert isinstance(table, SourceTable)
    assert all(isinstance(cell, SourceCell) and isinstance(cell.text, str) for row in table.rows for cell in row)
