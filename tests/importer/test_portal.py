"""Portal copies (issue 12 parts 2–6): every header field of realistic web copies, as .txt and .docx.

The fixtures under ``portal/`` are written in the genre: breadcrumbs, font
switches, share widgets and navigation lists around the text, the 信息公开
block in four layouts, the 文号 under the title, a cover letter followed by
its plan, a 繁体 copy, one without a title and one with a damaged date.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from cms.importer.parsing import coverage, parse_bytes
from cms.importer.parsing.tree import ParsedDocument
from tests.docx_writer import text_to_docx

FIXTURES = Path(__file__).parent / "portal"

# None: the field is not in the text (or not readable), so nothing may be filled in.
EXPECTED: dict[str, dict[str, Any]] = {
    "one_pair_per_line.txt": {
        "title": "南安市应急管理局关于下达2024年度安全生产工作目标责任的通知",
        "issuer": "南安市应急管理局",
        "doc_number": "南应急〔2024〕12号",
        "recipients": "各乡镇人民政府、街道办事处，市直有关单位",
        "written_date": date(2024, 3, 5),
        "disclosure": "public",
        "external_index": "11350521MB0K7355X6/2024-00012",
        "validity": "valid",
    },
    "two_pairs_per_line.txt": {
        "title": "石狮市人民政府办公室关于做好2023年夏季消防安全工作的通知",
        "issuer": "石狮市人民政府办公室",
        "doc_number": "狮政办〔2023〕37号",
        "recipients": "各镇人民政府、街道办事处，市直各单位",
        "written_date": date(2023, 6, 18),
        "disclosure": "public",
        "external_index": "000014349/2023-04417",
        "validity": "valid",
    },
    "bullets_cover_letter.txt": {
        "title": "晋江市安全生产委员会办公室关于印发《2022年度安全生产专项整治实施方案》的通知",
        "issuer": "晋江市安全生产委员会办公室",
        "doc_number": "晋安委办〔2022〕25号",
        "recipients": "各镇人民政府、街道办事处，市安委会各成员单位",
        "written_date": date(2022, 8, 12),
        "disclosure": "public",
        "external_index": "11350583MB1934021F/2022-00105",
        "validity": "valid",
    },
    "flattened_traditional.txt": {
        "title": "莆田市安全生產委員會關於下達2023年度安全生產目標責任的通知",
        "issuer": "莆田市安全生產委員會",
        "doc_number": "莆安委〔2023〕3号",
        "recipients": "各縣（區）人民政府、管委會，市安委會各成員單位",
        "written_date": date(2023, 2, 27),
        "disclosure": "public",
        "external_index": "11350300MB0Z30041A/2023-00031",
        "validity": "valid",
    },
    "no_title.txt": {
        "title": None,
        "issuer": "百崎回族乡人民政府",
        "doc_number": None,
        "recipients": "各村（居）委会、乡直各单位",
        "written_date": date(2024, 4, 8),
        "disclosure": None,
        "external_index": None,
        "validity": None,
    },
    "damaged_date.txt": {
        "title": "永春县安全生产委员会办公室关于开展春季安全生产大检查的通知",
        "issuer": "永春县安全生产委员会办公室",
        "doc_number": "永安委办〔2024〕9号",
        "recipients": "各乡镇人民政府，县安委会各成员单位",
        "written_date": None,  # "2024227": reported, not guessed
        "disclosure": "public",
        "external_index": "11350582003649113X/2024-00007",
        "validity": None,
    },
    "table_cells.txt": {
        "title": "永安市安全生产委员会关于下达2023年度安全生产工作目标责任的通知",
        "issuer": "永安市安全生产委员会",
        "doc_number": "永安委〔2023〕3号",
        "recipients": "各乡镇人民政府、街道办事处，市安委会各成员单位，各有关企业",
        "written_date": date(2023, 3, 6),
        "disclosure": "public",
        "external_index": "000014349/2023-00417",
        "validity": "valid",
    },
    "traditional_fire_cover_letter.txt": {
        "title": "某某縣消防安全委員會辦公室關於印發《2024年度消防工作目標責任考核辦法》的通知",
        "issuer": "某某縣消防安全委員會辦公室",
        "doc_number": "某消安委辦〔2024〕2号",
        "recipients": "各鄉鎮人民政府，縣消安委各成員單位",
        "written_date": date(2024, 2, 20),
        "disclosure": "public",
        "external_index": "FJ-2024-0088",
        "validity": "valid",
    },
}
EMPTY = {"title": "（未识别标题）", "disclosure": None, "written_date": None}
FORMATS = ["txt", "docx"]


def parse(name: str, fmt: str) -> tuple[ParsedDocument, str]:
    text = (FIXTURES / name).read_text(encoding="utf-8")
    if fmt == "docx":
        return parse_bytes(text_to_docx(text), name.replace(".txt", ".docx")), text
    return parse_bytes(text.encode("utf-8"), name), text


def field_results(doc: ParsedDocument, expected: dict[str, Any]) -> list[tuple[str, bool]]:
    """(field, extracted exactly) for the fields the text states."""
    return [(key, getattr(doc, key) == value) for key, value in expected.items() if value is not None]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_portal_copy__every_header_field(name: str, fmt: str) -> None:
    doc, text = parse(name, fmt)
    for key, value in EXPECTED[name].items():
        want = value if value is not None else EMPTY.get(key, "")
        assert getattr(doc, key) == want, (key, getattr(doc, key))
    if fmt == "txt":
        assert coverage(text, doc)[0] == 1.0


@pytest.mark.parametrize("fmt", FORMATS)
def test_portal_copy__share_of_header_fields_extracted_exactly_is_at_least_90_percent(fmt: str) -> None:
    results = [ok for name in EXPECTED for _, ok in field_results(parse(name, fmt)[0], EXPECTED[name])]
    share = sum(results) / len(results)
    print(f"\n{fmt}: {sum(results)}/{len(results)} header fields extracted exactly = {share:.1%}")
    assert share >= 0.9


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_portal_copy__chrome_is_dropped_listed_and_never_in_title_or_recipients(name: str, fmt: str) -> None:
    doc, _ = parse(name, fmt)
    assert doc.chrome, "the report lists the dropped chrome"
    for _, chrome in doc.chrome:
        assert chrome not in doc.title and chrome not in doc.recipients
        for block in doc.body:
            assert chrome not in str(block.value)
    for word in ("首页", "字体", "打印", "索引号", "發布機構", "发布机构", "阅读"):
        assert word not in doc.title and word not in doc.recipients


def test_portal_copy__two_pairs_per_line_drops_nav_search_and_table_residue() -> None:
    doc, _ = parse("two_pairs_per_line.txt", "txt")
    dropped = [text for _, text in doc.chrome]
    for line in ["Document", "• 首页", "• 互动交流", "请输入关键字", "搜索", "| | |", "【打印】【关闭】"]:
        assert line in dropped
    assert any(text.startswith("发布时间") for text in dropped)
    assert doc.metadata["主题分类"] == "消防"


@pytest.mark.parametrize("fmt", FORMATS)
def test_cover_letter__the_plan_becomes_the_attachment(fmt: str) -> None:
    doc, _ = parse("bullets_cover_letter.txt", fmt)
    assert doc.signature == "晋江市安全生产委员会办公室"
    (plan,) = doc.attachments
    assert plan.title == "2022年度安全生产专项整治实施方案" and plan.kind == "plan"
    assert [b.value["text"] for b in plan.body if b.type == "heading"][:2] == ["工作目标", "主要任务"]
    texts = [str(b.value) for b in doc.body]
    assert not any("实施方案" in t and "为深入推进" in t for t in texts)  # nothing of the plan in the letter
    assert len(doc.body) == 1


def test_traditional__text_stored_as_written() -> None:
    doc, _ = parse("flattened_traditional.txt", "txt")
    assert doc.body[0].value["text"].startswith("為認真貫徹落實安全生產責任制")
    assert doc.disclosure_wording == "（此件公開發布）"
    assert doc.year == 2023 and doc.topic == "safety"


def test_missing_title__placeholder_with_a_warning_and_the_body_kept() -> None:
    doc, _ = parse("no_title.txt", "txt")
    assert doc.title == "（未识别标题）"
    assert any("（未识别标题）" in w.message for w in doc.warnings)
    assert "整治范围" in [b.value.get("text") for b in doc.body]


def test_damaged_date__reported_not_guessed() -> None:
    doc, _ = parse("damaged_date.txt", "txt")
    messages = [w.message for w in doc.warnings]
    assert sum("“2024227”" in m for m in messages) == 2  # the 信息公开 block and the closing date
    assert doc.written_date is None and doc.year == 2024
    assert doc.signature == "永春县安全生产委员会办公室"


def test_header__title_over_two_lines_repeated_under_a_page_title_with_文号_below() -> None:
    text = (
        "测试市应急管理局关于做好汛期安全生产工作的通知\n"
        "测试市应急管理局关于做好汛期\n"
        "安全生产工作的通知\n"
        "测应急〔2024〕8号\n"
        "各县（区）应急管理局：\n"
        "现将有关事项通知如下。\n"
    )
    doc = parse_bytes(text.encode(), "标题.txt")
    assert doc.title == "测试市应急管理局关于做好汛期安全生产工作的通知"
    assert doc.doc_number == "测应急〔2024〕8号" and doc.recipients == "各县（区）应急管理局"
    assert coverage(text, doc)[0] == 1.0


def test_page_break_joiner__never_glues_a_plan_title_onto_a_paragraph() -> None:
    text = (
        "测试县人民政府关于做好安全生产工作的通知\n"
        "各乡镇人民政府：\n"
        "为进一步做好全县安全生产工作，切实防范化解重大安全风险，根据上级部署要求\n"
        "2024年度安全生产专项整治实施方案\n"
        "一、工作目标\n"
    )
    doc = parse_bytes(text.encode(), "分页.txt")
    texts = [block.value.get("text", "") for block in doc.body]
    assert "2024年度安全生产专项整治实施方案" in texts
    assert not any(t.endswith("根据上级部署要求2024年度安全生产专项整治实施方案") for t in texts)
