"""Fuzzing the text importer: bad bytes in, a parsed document or a clear error out.

DESIGN.md: "Editors never ... see a traceback: bad input gets a clear message
naming the file and line".  These properties feed the parser what editors
really upload (any encoding, Word text with tables, full-width numbering,
stray control characters, truncated or garbled bytes) and what they never
should (binary noise), and accept only two outcomes: a ``ParsedDocument``
whose values are well-formed, or ``DocumentImportError`` naming the file
(and a line inside it).

Random text is mostly rejected early ("no title"), so a second family of
strategies writes near-valid documents (版头, title, 主送, numbered sections
with 责任单位/完成时限 lines, task and indicator tables, leading groups,
附件 with letters, 版记) and then damages them, which drives the recogniser
through its deep paths.  ``FUZZ_EXAMPLES`` raises the example count (see
tests/fuzzing.py).
"""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import event, given, target
from hypothesis import strategies as st
from opencc import OpenCC

from cms.importer.parsing import coverage, parse_bytes
from cms.importer.parsing.tree import (
    Block,
    DocumentImportError,
    ParsedAttachment,
    ParsedDocument,
)
from tests.fuzzing import fuzz_settings
from tests.importer.strategies import CHROME_LINES, ENCODINGS, damaged, encoded, near_valid_document, portal_copy

BLOCK_TYPES = {
    "heading",
    "paragraph",
    "target",
    "target_group",
    "note",
    "task_list",
    "indicator_table",
    "leading_group",
    "phase",
    "table",
}
TASK_ROW_KEYS = {"topic", "task", "detail", "deadline", "units_text", "units"}

# --- the contract ---------------------------------------------------------------------


def walk_blocks(doc: ParsedDocument) -> list[Block]:
    found = list(doc.body)
    stack: list[ParsedAttachment] = list(doc.attachments)
    while stack:
        attachment = stack.pop()
        found += attachment.body
        for letter in attachment.letters:
            found += letter.body
        stack += attachment.attachments
    return found


def check_outcome(data: bytes, source: str) -> ParsedDocument | None:
    """Parse ``data``; allow only a well-formed document or the importer's own error."""
    # Lines as a text editor counts them (CRLF, LF or a lone CR); for UTF-16 an over-count.
    lines = data.count(b"\n") + data.count(b"\r") - data.count(b"\r\n") + 1
    try:
        doc = parse_bytes(data, source)
    except DocumentImportError as error:
        assert error.source == source
        assert error.message and not error.message.isascii(), "the editor must get a Chinese message"
        assert error.line is None or 1 <= error.line <= lines, (error.line, lines)
        assert str(error).startswith(source)
        event(f"rejected: {error.message[:12]}")
        return None
    assert isinstance(doc, ParsedDocument)
    assert doc.source == source
    assert doc.title and doc.title == doc.title.strip()
    assert doc.written_date is None or isinstance(doc.written_date, date)
    assert doc.printed_date is None or isinstance(doc.printed_date, date)
    assert doc.disclosure in (None, "public", "on_request", "not_public")
    assert doc.topic in ("safety", "fire", "both")
    assert doc.year is None or 1000 <= doc.year <= 9999
    for warning in doc.warnings:
        assert warning.message and warning.line >= 0
    blocks = walk_blocks(doc)
    for block in blocks:
        assert block.type in BLOCK_TYPES, block.type
        assert 1 <= block.line <= lines
        if block.type in ("heading", "paragraph"):
            assert 0 <= block.value["level"] <= 4
            assert isinstance(block.value["text"], str)
        if block.type == "task_list":
            for row in block.value["rows"]:
                assert set(row) == TASK_ROW_KEYS
                # "" = unstated: several units, none marked (split_units never guesses)
                assert all(u["role"] in ("lead", "support", "") and u["name"] for u in row["units"])
        assert "_prose" not in block.value
    for kind in sorted({b.type for b in blocks}):
        event(f"block: {kind}")
    target(float(len(blocks)), label="blocks")
    return doc


# --- properties ------------------------------------------------------------------------


@fuzz_settings(300)
@given(st.binary(max_size=2000))
def test_parse_bytes__random_bytes_give_document_or_import_error(data: bytes) -> None:
    check_outcome(data, "随机字节.txt")


@fuzz_settings(200)
@given(st.lists(st.text(alphabet=st.characters(codec="utf-8"), max_size=60), max_size=40), ENCODINGS, st.data())
def test_parse_bytes__garbled_lines_in_any_encoding(lines: list[str], encoding: str, data: st.DataObject) -> None:
    text = data.draw(damaged(lines))
    try:
        raw = "\n".join(text).encode(encoding)
    except UnicodeEncodeError:
        return
    check_outcome(raw, "乱码.txt")


@fuzz_settings(300)
@given(st.data())
def test_parse_bytes__near_valid_documents_reach_the_recogniser(data: st.DataObject) -> None:
    lines = data.draw(damaged(data.draw(near_valid_document())))
    raw = data.draw(encoded("\n".join(lines)))
    check_outcome(raw, "近似公文.txt")


@fuzz_settings(200)
@given(near_valid_document(), st.sampled_from(["\n", "\r\n", "\n\n"]))
def test_parse_bytes__clean_near_valid_documents_parse_with_every_character(lines: list[str], newline: str) -> None:
    """Undamaged documents must parse, keep their title, and lose no character (coverage 100 %)."""
    text = newline.join(lines)
    doc = check_outcome(text.encode("utf-8"), "公文.txt")
    assert doc is not None, text
    title = next(line for line in lines if "关于下达" in line)
    assert doc.title == title
    ratio, missing = coverage(text, doc)
    assert ratio == 1.0, (missing, text)
    # A blank line between every cell line is no longer a table Word writes.
    if newline != "\n\n" and any(line in ("\t责任单位", "\t牵头单位") for line in lines):
        assert any(b.type == "task_list" for b in walk_blocks(doc)), text


@fuzz_settings(200)
@given(st.data())
def test_parse_bytes__damaged_portal_copies_give_document_or_import_error(data: st.DataObject) -> None:
    lines = data.draw(damaged(data.draw(portal_copy())))
    check_outcome(data.draw(encoded("\n".join(lines))), "网页复制.txt")


@fuzz_settings(150)
@given(portal_copy(), st.booleans())
def test_parse_bytes__clean_portal_copies_are_never_refused_and_keep_chrome_out(lines: list[str], trad: bool) -> None:
    """A portal copy with a body always imports, loses no character, and chrome never becomes 标题 or 主送."""
    text = "\n".join(lines)
    if trad:
        text = OpenCC("s2t").convert(text)
    doc = parse_bytes(text.encode("utf-8"), "网页复制.txt")
    assert coverage(text, doc)[0] == 1.0
    for chrome in CHROME_LINES:
        assert chrome not in doc.title and chrome not in doc.recipients
    assert not any(word in doc.title + doc.recipients for word in ("您的位置", "字体", "打印本页", "索引号", "索引號"))


@pytest.mark.parametrize(
    ("data", "line"),
    [
        (b"\xe5\x85\xb3\xe4\xba\x8e\xe9\x80\x9a\xe7\x9f\xa5\n\n\xe4\xb8\x80\xe3\x80\x81\xff\xfe\x00", None),
        ("标题\n正文\n".encode() + b"\xe4\xb8", 3),
        (b"\xef\xbb\xbf" + "标题\n第二行".encode() + b"\xff\n", 2),
    ],
)
def test_parse_bytes__undecodable_bytes_name_file_and_line(data: bytes, line: int | None) -> None:
    with pytest.raises(DocumentImportError) as error:
        parse_bytes(data, "坏字节.txt")
    assert error.value.source == "坏字节.txt"
    if line is not None:
        assert error.value.line == line


# --- what the fuzzers found ---------------------------------------------------------------


def test_read_text__line_numbers_count_lines_as_an_editor_does() -> None:
    """Word's line break (VT) and page break (FF) used to count as lines, so messages pointed too far down."""
    doc = parse_bytes("关于安全生产的通知\x0b副标题\x0c\r一、加强领导\r\n\x0b二、落实责任".encode(), "行号.txt")
    lines = {block.value["text"]: block.line for block in doc.body}
    assert (lines["加强领导"], lines["落实责任"]) == (2, 3)
    with pytest.raises(DocumentImportError) as error:
        parse_bytes("标题\x0b\x0b\x0b\r正文\r".encode() + b"\xe4\xb8", "截断.txt")
    assert error.value.line == 3


def test_recognise__organ_mark_is_the_issuer_even_with_another_signature() -> None:
    """The 发文机关标志 was overwritten by the signature and its text lost (coverage below 100 %)."""
    lines = ["集美区安委会办公室文件", "测安〔2022〕1号", "关于加强消防工作的通知", "一、加强领导"]
    text = "\n".join([*lines, "百崎回族乡人民政府", "2022年11月23日"])
    doc = parse_bytes(text.encode(), "版头.txt")
    assert (doc.issuer, doc.signature) == ("集美区安委会办公室", "百崎回族乡人民政府")
    assert coverage(text, doc)[0] == 1.0


# The tab-laid-out 任务清单 whose only row is blank (the clean-document fuzz test, seed-dependent).
BLANK_ROW_TASK_TABLE = [
    "百崎回族乡人民政府关于下达2000年度安全生产和消防工作目标责任的通知",
    "一、加强安全生产工作",
    "加强安全生产工作。加强安全生产工作，加强安全生产工作。",
    "\t项目",
    "\t工作措施",
    "\t责任单位",
    "",
    "\t",
]


def test_recognise__task_table_with_only_a_blank_row_stays_a_plain_table() -> None:
    """No task is written and a 任务清单 needs a row (TaskListBlock min_num=1): it stays a table, losing nothing."""
    text = "\n".join(BLANK_ROW_TASK_TABLE)
    doc = parse_bytes(text.encode(), "公文.txt")
    assert doc.title == BLANK_ROW_TASK_TABLE[0]
    assert coverage(text, doc)[0] == 1.0
    [table] = [block for block in doc.body if block.type in ("table", "task_list")]
    assert table.type == "table"
    assert [cell["text"] for cell in table.value["rows"][0]] == ["项目", "工作措施", "责任单位"]
    # One task written in the row makes it a task list.
    filled = "\n".join([*BLANK_ROW_TASK_TABLE[:-1], "\t", "\t打通消防车通道"])
    [tasks] = [block for block in parse_bytes(filled.encode(), "公文.txt").body if block.type == "task_list"]
    assert [row["task"] for row in tasks.value["rows"]] == ["打通消防车通道"]
