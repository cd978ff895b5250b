"""Tests of the document importer's parser (no Django needed).

Seed facts are read from the documents themselves (counts of numbered items,
unit titles, table rows), not copied from the parser's output.
"""

from __future__ import annotations

import re
import sys
import types
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cms.importer.parsing import coverage, parse_bytes, parse_file, split_units
from cms.importer.parsing.recognise import recognise
from cms.importer.parsing.text_reader import read_text, split_items
from cms.importer.parsing.tree import (
    Block,
    DocumentImportError,
    ParsedAttachment,
    ParsedDocument,
    SourceCell,
    SourceParagraph,
    SourceTable,
)

SEEDS = Path(__file__).resolve().parents[2] / "content" / "seeds"
SEED_FILES = sorted(SEEDS.glob("00*.txt"))


def seed_path(prefix: str) -> Path:
    return next(p for p in SEED_FILES if p.name.startswith(prefix))


def seed_text(prefix: str) -> str:
    return seed_path(prefix).read_text("utf-8")


_CACHE: dict[str, ParsedDocument] = {}


def seed(prefix: str) -> ParsedDocument:
    if prefix not in _CACHE:
        _CACHE[prefix] = parse_file(seed_path(prefix))
    return _CACHE[prefix]


def blocks_of(blocks: list[Block], kind: str) -> list[Block]:
    return [b for b in blocks if b.type == kind]


def all_blocks(doc: ParsedDocument) -> list[Block]:
    found = list(doc.body)

    def walk(attachments: list[ParsedAttachment]) -> None:
        for attachment in attachments:
            found.extend(attachment.body)
            for letter in attachment.letters:
                found.extend(letter.body)
            walk(attachment.attachments)

    walk(doc.attachments)
    return found


def parse_text(text: str, source: str = "测试.txt") -> ParsedDocument:
    return parse_bytes(text.encode("utf-8"), source)


# --- seeds: whole-document facts ---------------------------------------------------------


@pytest.mark.parametrize("path", SEED_FILES, ids=lambda p: p.name[:3])
def test_coverage__every_seed_keeps_every_character(path: Path) -> None:
    doc = parse_file(path)
    ratio, missing = coverage(path.read_text("utf-8"), doc)
    assert missing == []
    assert ratio == 1.0


def test_coverage__reports_dropped_text() -> None:
    doc = parse_file(seed_path("004"))
    doc.body = doc.body[:-1]  # lose the last numbered item
    ratio, missing = coverage(seed_text("004"), doc)
    assert ratio < 1.0
    assert missing


def test_seed_003__23_tasks_and_every_row_has_units() -> None:
    source = seed_text("003")
    numbers = [int(n) for n in re.findall(r"^\t([0-9]+)\.", source, re.M)]
    assert numbers == list(range(1, 24))  # the document numbers its 工作任务 1..23
    doc = seed("003")
    (task_list,) = blocks_of(doc.body, "task_list")
    rows = task_list.value["rows"]
    assert len({row["task"] for row in rows}) == 23
    assert all(row["units_text"] and row["units"] for row in rows)
    assert rows[0]["topic"] == "健全消防安全责任体系"
    assert rows[0]["task"] == "落实政府领导责任"  # the number is stripped
    # a merged 工作任务 cell is filled down: three contents under task 1
    assert [row["task"] for row in rows[:3]] == ["落实政府领导责任"] * 3
    assert doc.title == "百崎回族乡消防安全治本攻坚三年行动重点项目清单"
    assert doc.topic == "fire"


def test_seed_000__header_fields() -> None:
    doc = seed("000")
    assert doc.doc_number == "晋政文〔2022〕201号"
    assert doc.title == "晋江市人民政府关于下达2022年度安全生产和消防工作目标责任的通知"
    assert doc.issuer == "晋江市人民政府"
    assert doc.signature == "晋江市人民政府"
    assert doc.recipients.startswith("各镇人民政府、街道办事处，经济开发区管委会，市有关单位")
    assert doc.written_date == date(2022, 11, 23)
    assert doc.disclosure == "public"
    assert doc.disclosure_wording == "（此件主动公开）"
    assert doc.attachment_note == "2022年度安全生产和消防工作目标责任"
    assert doc.copied_to.startswith("泉州市政府办")
    assert doc.printed_by == "晋江市人民政府办公室"
    assert doc.printed_date == date(2022, 11, 23)
    assert doc.year == 2022
    assert doc.topic == "both"
    assert [b.value["level"] for b in doc.body if b.type == "paragraph"] == [0, 1, 1, 1]


def test_seed_000__one_unnumbered_attachment_with_29_target_groups() -> None:
    source = seed_text("000")
    specific = source[source.index("（一）市有关部门个性目标") : source.index("各镇（街道）、经济开发区个性目标")]
    unit_numbers = [int(n) for n in re.findall(r"^([0-9]+)\. ", specific, re.M)]
    assert unit_numbers == list(range(1, 30))
    doc = seed("000")
    (attachment,) = doc.attachments
    assert attachment.number is None
    assert attachment.kind == "targets"
    groups = blocks_of(attachment.body, "target_group")
    assert len(groups) == 29
    assert groups[0].value["unit_name"] == "市委宣传部（新闻出版广电局）"
    assert groups[3].value["unit_name"] == "市教育局"
    assert len(groups[3].value["targets"]) == 6  # (1)..(6)
    assert groups[3].value["targets"][2]["indicator"] == "85%以上"
    assert groups[-1].value["unit_name"].startswith("泉州晋江机场公司")
    # 共性目标 stay numbered paragraphs: 14 safety items and 8 fire items
    assert [b.value["level"] for b in attachment.body if b.type == "paragraph"].count(3) == 22


def test_seed_000__indicator_table_20_towns_new_hydrants_sum_140() -> None:
    source = seed_text("000")
    town_rows = [line.split("\t") for line in source.splitlines() if re.match(r"^[^\t]+\t[0-9]+\t", line)]
    expected = sum(int(row[1]) for row in town_rows)
    assert expected == 140
    (table,) = blocks_of(seed("000").attachments[0].body, "indicator_table")
    value = table.value
    assert value["row_header"] == "单位"
    assert value["groups"][0] == {"name": "市政消火栓建设任务", "columns": ["新建数", "补建数"]}
    assert value["groups"][1]["columns"] == ["专职防火队人员额定人数"]
    assert len(value["rows"]) == len(town_rows) == 20
    assert sum(row["values"][0] for row in value["rows"]) == expected
    assert value["rows"][0] == {"unit_name": "青阳街道", "values": [5.0, 0.0, 10.0]}
    (note,) = blocks_of(seed("000").attachments[0].body, "note")
    assert note.value["text"].startswith("额定人数根据")


def test_seed_001__leading_group_of_42() -> None:
    (group,) = blocks_of(seed("001").body, "leading_group")
    roles = [m["role"] for m in group.value["members"]]
    assert (roles.count("组长"), roles.count("副组长"), roles.count("成员")) == (1, 16, 25)
    assert group.value["members"][0] == {"role": "组长", "name": "郭阳灿", "position": "乡党委书记"}
    # the source writes "黄  芃"
    huang = {"role": "副组长", "name": "黄芃", "position": "乡党委委员、挂职综治〈计生〉副书记"}
    assert huang in group.value["members"]
    assert group.value["title"] == "全乡安全生产专项整治三年行动领导组"


def test_seed_001__attachments_2_to_15_with_two_nested_under_6() -> None:
    doc = seed("001")
    assert [a.number for a in doc.attachments] == list(range(2, 16))
    by_number = {a.number: a for a in doc.attachments}
    assert [a.number for a in by_number[6].attachments] == [1, 2]
    assert by_number[6].attachments[0].title == "消防安全专项整治三年行动重点项目清单"
    assert by_number[6].attachments[0].kind == "tasks"
    assert by_number[6].attachments[1].title == "打通消防生命通道工作统计表"
    assert blocks_of(by_number[6].attachments[1].body, "table")
    assert by_number[2].title == "学习宣传贯彻习近平总书记关于安全生产重要论述专题专项实施方案"
    assert by_number[2].kind == "plan"
    assert any("附件编号" in w.message for w in doc.warnings)  # numbering starts at 2


def test_seed_001__phases_and_prose_tasks() -> None:
    attachment = seed("001").attachments[0]  # 附件2
    phases = blocks_of(attachment.body, "phase")
    assert [p.value["name"] for p in phases] == ["动员部署", "组织实施", "重点推动", "完善提升"]
    assert phases[0].value["period"] == "2020年6月前"
    assert phases[0].value["text"].startswith("各村、各有关部门制定细化")
    prose, table = blocks_of(attachment.body, "task_list")
    assert [r["task"] for r in prose.value["rows"]][:2] == ["组织集中观看学习", "集中开展学习教育"]
    assert prose.value["rows"][0]["units_text"].startswith("乡宣传办")
    assert table.value["title"] == "学习宣传贯彻习近平总书记关于安全生产重要论述专题重点项目清单"
    assert table.value["rows"][0]["topic"] == "学习宣贯专题"
    assert table.value["rows"][0]["deadline"] == "2020年"


def test_seed_001__wrapped_cells_and_glued_heading() -> None:
    doc = seed("001")
    attachment5 = next(a for a in doc.attachments if a.number == 5)
    table = blocks_of(attachment5.body, "task_list")[-1]
    assert table.value["rows"][0]["deadline"] == "长期坚持"  # "长期" + wrapped "坚持"
    attachment3 = next(a for a in doc.attachments if a.number == 3)
    headings = [b.value["text"] for b in blocks_of(attachment3.body, "heading")]
    assert "时间安排" in headings  # "…按职责分工负责三、时间安排" is split
    assert doc.copied_to == "泉州台商投资区安全生产委员会办公室，各村。"


def test_seed_002__letters_per_town_and_per_department() -> None:
    source = seed_text("002")
    part1, part2 = source.split("附件2")
    towns = re.findall(r"^\s*2023年(\S+?)消防工作目标责任$", part1, re.M)
    assert len(towns) == 12
    department_titles = re.findall(r"消防工作目标责任$", part2, re.M)
    doc = seed("002")
    attachment1, attachment2 = doc.attachments
    assert attachment1.kind == attachment2.kind == "letters"
    assert [letter.unit_name for letter in attachment1.letters] == towns
    assert len(attachment2.letters) == len(department_titles) == 25
    assert attachment2.letters[0].unit_name == "三明市三元区教育局"
    assert attachment2.letters[-1].unit_name == "三明市三元开发区建设发展集团有限公司"
    # the shared 安全生产方面 part stays in the attachment body
    assert attachment1.body[0].value["text"] == "安全生产方面"
    assert len(blocks_of(attachment1.body, "paragraph")) == 8
    assert len(attachment1.letters[0].body) == 9  # （一）..（九）
    assert doc.title == attachment1.title
    assert doc.year == 2023


def test_seed_004__notice_without_attachment() -> None:
    doc = seed("004")
    assert doc.doc_number == "集街办〔2024〕46号"
    assert doc.title == "厦门市集美区人民政府集美街道办事处关于下达2024年度安全生产和消防工作目标责任的通知"
    assert doc.recipients == "各社区居委会"
    assert doc.attachments == []
    assert doc.written_date == date(2024, 10, 28)
    assert doc.disclosure is None  # the notice prints no 公开属性 line
    assert any("公开属性" in w.message for w in doc.warnings)
    assert doc.copied_to == "区安办"
    assert (doc.printed_by, doc.printed_date) == ("集美街道党建办公室", date(2024, 10, 28))
    headings = [(b.value["level"], b.value["text"]) for b in blocks_of(doc.body, "heading")]
    assert headings == [(0, "安全生产方面"), (0, "消防工作方面")]
    assert [b.value["level"] for b in blocks_of(doc.body, "paragraph")].count(1) == 16


def test_seed_004__page_break_split_is_joined() -> None:
    texts = [b.value["text"] for b in blocks_of(seed("004").body, "paragraph")]
    joined = next(t for t in texts if t.startswith("提升安全保障水平"))
    assert "落实中共中央办公厅、国务院办公厅《关于推进城市安全发展的意见》" in joined
    assert not any(t.startswith("办公厅《关于推进") for t in texts)


# --- text reader -----------------------------------------------------------------------------


def test_read_text__utf8_bom_gives_same_items() -> None:
    data = seed_path("004").read_bytes()
    assert read_text(b"\xef\xbb\xbf" + data, "a.txt") == read_text(data, "a.txt")


def test_read_text__gb18030_seed_parses_the_same() -> None:
    text = seed_text("000")
    from_utf8 = parse_bytes(text.encode("utf-8"), "000.txt")
    from_gb = parse_bytes(text.encode("gb18030"), "000.txt")
    assert from_gb == from_utf8


def test_read_text__utf16_with_bom() -> None:
    text = seed_text("004")
    assert parse_bytes(text.encode("utf-16"), "004.txt") == parse_bytes(text.encode("utf-8"), "004.txt")


def test_read_text__cell_lines_become_a_table() -> None:
    items = read_text(seed_path("003").read_bytes(), "003.txt")
    paragraph, table = items
    assert isinstance(paragraph, SourceParagraph) and paragraph.line == 1
    assert isinstance(table, SourceTable) and table.line == 3
    assert [c.text for c in table.rows[0]] == ["项目", "工作任务", "工作内容", "责任单位"]
    assert all(len(row) == 4 for row in table.rows)
    second = table.rows[2]  # empty 项目 / 工作任务 / 责任单位 cells: same as above
    assert second[0].merged_from == (1, 0) and second[1].merged_from == (1, 1) and second[3].merged_from == (1, 3)


def test_read_text__blank_line_inside_a_row() -> None:
    text = "标题\n\n\t项目\n\t任务\n\t内容\n\t单位\n\n\t甲\n\n\t1.乙\n\t丙\n\t丁\n"
    (_, table) = split_items(text)
    assert [[c.text for c in row] for row in table.rows] == [
        ["项目", "任务", "内容", "单位"],
        ["甲", "1.乙", "丙", "丁"],
    ]


def test_read_text__wrapped_cell_text_joins_its_cell() -> None:
    text = "\t专题\n\n项目\n\t任务\n\t完成\n\n年限\n\t单位\n\n\t甲\n\t乙\n\t长期\n\n坚持\n\t丁\n\n附件2\n"
    table, label = split_items(text)
    assert [c.text for c in table.rows[0]] == ["专题项目", "任务", "完成年限", "单位"]
    assert [c.text for c in table.rows[1]] == ["甲", "乙", "长期坚持", "丁"]
    assert isinstance(label, SourceParagraph) and label.text == "附件2"


def test_read_text__title_between_two_tables_starts_a_new_table() -> None:
    text = "\t甲\n\t乙\n\n某某统计表\n\t丙\n\t丁\n"
    first, title, second = split_items(text)
    assert isinstance(first, SourceTable) and isinstance(second, SourceTable)
    assert isinstance(title, SourceParagraph) and title.text == "某某统计表" and title.line == 4


def test_read_text__tab_separated_rows_with_grouped_header() -> None:
    text = "单位\t建设任务\t\t人数\n\t新建数\t补建数\t\n甲镇\t5\t0\t10\n乙镇\t5\t10\t20\n"
    (table,) = split_items(text)
    top, sub = table.rows[0], table.rows[1]
    assert top[1].colspan == 2 and top[2].merged_from == (0, 1)
    assert top[0].rowspan == 2 and sub[0].merged_from == (0, 0)
    assert top[3].rowspan == 2 and sub[3].merged_from == (0, 3)


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (b"", "为空"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, ".doc"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "图片"),
        (b"\xff\xd8\xff\xe0" + b"\x00" * 100, "图片"),
        ("标题\n正文".encode() + b"\x00\x01\x02", "二进制"),
        (b"%PDF-1.7\n", "PDF"),
        (bytes(range(128, 256)) * 4, "编码"),
    ],
    ids=["empty", "old-doc", "png", "jpeg", "nul", "pdf", "undecodable"],
)
def test_read_text__bad_input_raises_with_file_name(data: bytes, fragment: str) -> None:
    with pytest.raises(DocumentImportError) as info:
        parse_bytes(data, "坏文件.txt")
    assert info.value.source == "坏文件.txt"
    assert "坏文件.txt" in str(info.value)
    assert fragment in info.value.message


def test_read_text__truncated_utf8_names_the_line() -> None:
    data = seed_path("004").read_bytes().rstrip()[:-1]  # cut inside the last character
    with pytest.raises(DocumentImportError) as info:
        parse_bytes(data, "004.txt")
    assert "不完整" in info.value.message
    assert info.value.line == seed_text("004").rstrip().count("\n") + 1


def test_read_text__over_50_mb_is_refused() -> None:
    with pytest.raises(DocumentImportError) as info:
        parse_bytes(b"a" * (50 * 1024 * 1024 + 1), "大文件.txt")
    assert "50 MB" in info.value.message


def test_parse_file__over_50_mb_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "大文件.txt"
    with path.open("wb") as handle:
        handle.truncate(50 * 1024 * 1024 + 1)
    with pytest.raises(DocumentImportError) as info:
        parse_file(path)
    assert info.value.source == "大文件.txt"


def test_parse_file__docx_goes_to_the_docx_reader(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []

    def fake_read_docx(data: bytes, source: str) -> list:
        calls.append(source)
        return [
            SourceParagraph("某某关于下达2024年度安全生产工作目标责任的通知", 1),
            SourceParagraph("一、总体要求。正文。", 2),
        ]

    fake = types.ModuleType("cms.importer.parsing.docx_reader")
    fake.read_docx = fake_read_docx  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "cms.importer.parsing.docx_reader", fake)
    path = tmp_path / "通知.docx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    doc = parse_file(path)
    assert calls == ["通知.docx"]
    assert doc.topic == "safety" and doc.year == 2024


# --- recogniser on small inputs ---------------------------------------------------------------


def test_recognise__no_title_imports_with_a_placeholder_and_a_warning() -> None:
    # Issue 12 part 5 replaced the rule "no title → refused": a body is never refused.
    text = "为深入推进安全生产工作，现将有关事项通知如下。\n\n一、加强领导。各单位要高度重视。\n"
    doc = parse_text(text, "无标题.txt")
    assert doc.title == "（未识别标题）"
    assert any("标题" in w.message and w.line == 1 for w in doc.warnings)
    assert doc.body  # the text is kept


def test_recognise__no_title_takes_the_title_the_text_states() -> None:
    doc = parse_text(
        "根据《关于做好春季安全生产工作的通知》，现将有关事项通知如下。\n\n"
        "关于开展消防安全大排查大整治的通知各村、各有关部门：\n\n一、加强领导。各单位要高度重视。\n"
    )
    assert doc.title == "关于开展消防安全大排查大整治的通知"  # not the one cited in 《》


def test_recognise__doc_number_without_title_imports_with_a_placeholder() -> None:
    # formerly refused ("发文字号之后没有找到文件标题"); see issue 12 part 5
    doc = parse_text("晋政文〔2022〕201号\n\n一、精心组织实施。各级各部门要深入贯彻。\n")
    assert doc.doc_number == "晋政文〔2022〕201号"
    assert doc.title == "（未识别标题）" and doc.year == 2022
    assert any("标题" in w.message for w in doc.warnings)


def test_recognise__whitespace_only_raises() -> None:
    with pytest.raises(DocumentImportError):
        parse_text(" \n\t\n　\n")


def test_recognise__header_only_parses_with_warnings() -> None:
    doc = parse_text(
        "晋政文〔2022〕201号\n\n晋江市人民政府关于下达2022年度安全生产和消防工作目标责任的通知\n\n各镇人民政府：\n"
    )
    assert doc.doc_number == "晋政文〔2022〕201号"
    assert doc.recipients == "各镇人民政府"
    assert doc.body == [] and doc.attachments == []
    messages = " ".join(w.message for w in doc.warnings)
    assert "公开属性" in messages and "成文日期" in messages and "正文" in messages
    assert doc.year == 2022 and doc.issuer == "晋江市人民政府"


@pytest.mark.parametrize(
    "written", ["晋政文[2022]201号", "晋政文［2022］201号", "晋政文〔2022〕201号", "晋政文 〔2022〕 201 号"]
)
def test_recognise__doc_number_brackets_normalised(written: str) -> None:
    text = f"{written}\n\n晋江市人民政府关于某事的通知\n\n正文第一段，内容如下。\n"
    doc = parse_text(text)
    assert doc.doc_number == "晋政文〔2022〕201号"
    assert coverage(text, doc)[0] == 1.0


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("（此件主动公开）", "public"),
        ("此件公开发布", "public"),
        ("（此件依申请公开）", "on_request"),
        ("此件不予公开", "not_public"),
        ("（公开方式：主动公开）", "public"),
    ],
)
def test_recognise__disclosure_wording_kept(line: str, expected: str) -> None:
    text = f"某某镇关于某事的通知\n\n各村：\n\n正文，内容如下。\n\n某某镇人民政府\n\n2024年1月5日\n\n{line}\n"
    doc = parse_text(text)
    assert doc.disclosure == expected
    assert doc.disclosure_wording == line
    assert doc.signature == "某某镇人民政府"
    assert doc.written_date == date(2024, 1, 5)


def test_recognise__chinese_numeral_date() -> None:
    doc = parse_text("某某镇关于某事的通知\n\n正文，内容如下。\n\n某某镇人民政府\n\n二〇二二年十一月二十三日\n")
    assert doc.written_date == date(2022, 11, 23)


@pytest.mark.parametrize(
    ("line", "level"),
    [
        ("一、加强领导。各单位要高度重视安全工作。", 1),
        ("（一）加强领导。各单位要高度重视安全工作。", 2),
        ("(一)加强领导。各单位要高度重视安全工作。", 2),
        ("1.加强领导。各单位要高度重视安全工作。", 3),
        ("1．加强领导。各单位要高度重视安全工作。", 3),
        ("1、加强领导。各单位要高度重视安全工作。", 3),
        ("（1）加强领导。各单位要高度重视安全工作。", 4),
        ("(1) 加强领导。各单位要高度重视安全工作。", 4),
    ],
)
def test_recognise__numbering_variants_give_levels(line: str, level: int) -> None:
    doc = parse_text(f"某某关于某事的通知\n\n{line}\n")
    (block,) = doc.body
    assert (block.type, block.value["level"]) == ("paragraph", level)
    assert block.value["text"] == "加强领导。各单位要高度重视安全工作。"
    assert doc.stripped_tokens[-1] == re.match(r"^\S+?(?=加)", line.replace(" ", "")).group(0)


def test_recognise__short_numbered_line_is_heading() -> None:
    doc = parse_text("某某关于某事的通知\n\n二、主要任务\n\n（一）组织学习\n\n1.集中学习。各单位组织集中学习。\n")
    assert [(b.type, b.value["level"], b.value["text"]) for b in doc.body] == [
        ("heading", 1, "主要任务"),
        ("heading", 2, "组织学习"),
        ("paragraph", 3, "集中学习。各单位组织集中学习。"),
    ]


def test_recognise__prose_tasks_with_units_and_deadline() -> None:
    text = (
        "某某方案\n\n二、主要任务\n\n（一）组织学习。各村要组织集中学习。\n\n责任单位：乡宣传办（牵头），乡安办\n\n"
        "（二）开展检查。每季度开展一次检查。\n\n完成时限：2021年底前\n\n责任单位：乡安办、区环境与国土资源局（海洋）\n"
    )
    doc = parse_text(text)
    (task_list,) = blocks_of(doc.body, "task_list")
    first, second = task_list.value["rows"]
    assert (first["topic"], first["task"], first["detail"]) == ("主要任务", "组织学习", "各村要组织集中学习。")
    assert [(u["name"], u["role"]) for u in first["units"]] == [("乡宣传办", "lead"), ("乡安办", "support")]
    assert second["deadline"] == "2021年底前"
    # two units, neither marked: the role is unstated, not guessed from the order
    assert second["units"][1] == {"name": "区环境与国土资源局", "role": "", "division": "海洋"}
    assert coverage(text, doc)[0] == 1.0


def test_recognise__ragged_table_padded_with_warning() -> None:
    table = SourceTable(
        rows=[[SourceCell("甲"), SourceCell("乙"), SourceCell("丙")], [SourceCell("一"), SourceCell("二")]], line=3
    )
    doc = recognise([SourceParagraph("某某统计表", 1), table], "表.txt")
    (block,) = doc.body
    assert block.type == "table"
    assert any(w.line == 3 and "补齐" in w.message for w in doc.warnings)


def test_recognise__nested_attachment_list() -> None:
    text = (
        "某某通知\n\n正文，内容如下。\n\n附件1\n\n甲方案\n\n一、目标。内容。\n\n附件：1. 甲清单\n\n2. 乙表\n\n"
        "附件1\n\n甲清单\n\n内容，如下。\n\n附件2\n\n乙统计表\n\n内容，如下。\n\n附件2\n\n丙方案\n\n内容，如下。\n"
    )
    doc = parse_text(text)
    assert [a.number for a in doc.attachments] == [1, 2]
    assert [a.title for a in doc.attachments[0].attachments] == ["甲清单", "乙统计表"]


def test_recognise__letters_start_at_unit_titles() -> None:
    text = (
        "附件1\n\n2023年各乡镇消防工作目标责任书\n\n一、共同要求，如下。\n\n"
        "2023年甲镇人民政府消防工作目标责任\n\n（一）火灾防控目标。不发生较大火灾。\n\n"
        "2023年乙局\n\n消防工作目标责任\n\n（一）落实责任。内容。\n"
    )
    doc = parse_text(text)
    (attachment,) = doc.attachments
    assert [letter.unit_name for letter in attachment.letters] == ["甲镇人民政府", "乙局"]
    assert attachment.kind == "letters"
    assert coverage(text, doc)[0] == 1.0


# --- units ----------------------------------------------------------------------------------------


def test_split_units__no_role_guessed_from_order_without_markers() -> None:
    # Formerly the first unit was made lead.  Documents list units by rank or
    # habit as often as by responsibility, so without a marker the role is
    # unstated ("") and the editor decides.
    units = split_units("乡宣传办，乡党政办、乡安办；各村党（总）支部，各村委会")
    assert [u["name"] for u in units] == ["乡宣传办", "乡党政办", "乡安办", "各村党（总）支部", "各村委会"]
    assert [u["role"] for u in units] == ["", "", "", "", ""]


def test_split_units__explicit_markers_and_divisions() -> None:
    units = split_units("区科技经济发展局（安监）牵头，区各相关行业主管部门按职责分工分别负责；张坂镇政府（配合）")
    assert units == [
        {"name": "区科技经济发展局", "role": "lead", "division": "安监"},
        {"name": "区各相关行业主管部门", "role": "support", "division": ""},
        {"name": "张坂镇政府", "role": "support", "division": ""},
    ]


def test_split_units__brackets_inside_names_are_kept() -> None:
    units = split_units("市委宣传部（新闻出版广电局）、各镇（街道）、区规划建设与交通运输局（住建、交通）")
    assert [(u["name"], u["division"]) for u in units] == [
        ("市委宣传部（新闻出版广电局）", ""),
        ("各镇（街道）", ""),
        ("区规划建设与交通运输局", "住建、交通"),
    ]


def test_split_units__duty_phrases_dropped() -> None:
    assert [u["name"] for u in split_units("乡安委会有关成员单位按职责分工负责")] == ["乡安委会有关成员单位"]
    assert [u["name"] for u in split_units("各行政村、派出所等单位部门")] == ["各行政村", "派出所"]
    assert split_units("") == []


# --- properties -----------------------------------------------------------------------------------

_FRAGMENTS = [
    "晋政文〔2022〕201号",
    "某某关于某事的通知",
    "各社区居委会：",
    "一、",
    "（一）",
    "(二)",
    "1.",
    "2、",
    "（1）",
    "加强领导",
    "。",
    "，",
    "责任单位：",
    "乡安办、区局（海洋）",
    "完成时限：",
    "2021年底前",
    "备注：",
    "附件",
    "附件1",
    "附件：1. 甲清单",
    "2023年甲镇消防工作目标责任",
    "组  长：张三  乡长",
    "李四  副乡长",
    "二、个性工作目标",
    "时间安排",
    "（一）动员部署（2020年6月前）",
    "2022年11月23日",
    "（此件主动公开）",
    "抄送：区安办",
    "某办公室 2022年11月23日印发",
    "\t",
    "\t项目",
    "\t工作任务",
    "\t责任单位",
    "\t5",
    "单位\t新建数",
    "甲镇\t5\t0",
    "——",
    "安全生产方面：",
    "清单",
    "统计表",
    "〔",
    "100%",
    "不少于10起",
]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=400))
def test_parse_bytes__arbitrary_text_parses_or_raises_import_error(text: str) -> None:
    try:
        doc = parse_bytes(text.encode("utf-8"), "随机.txt")
    except DocumentImportError as error:
        assert error.source == "随机.txt"
        return
    assert isinstance(doc, ParsedDocument)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(st.sampled_from(_FRAGMENTS), min_size=1, max_size=4).map("".join), max_size=30), st.booleans())
def test_parse_bytes__structured_lines_never_lose_text(lines: list[str], blank_lines: bool) -> None:
    text = ("\n\n" if blank_lines else "\n").join(lines)
    try:
        doc = parse_bytes(text.encode("utf-8"), "结构.txt")
    except DocumentImportError:
        return
    ratio, missing = coverage(text, doc)
    assert ratio == 1.0, missing


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_parse_bytes__arbitrary_bytes_parse_or_raise_import_error(data: bytes) -> None:
    try:
        doc = parse_bytes(data, "随机.bin")
    except DocumentImportError:
        return
    assert isinstance(doc, ParsedDocument)
