"""Every block reachable from every StreamField serialises for the exporter.

Samples are generated from the block definitions themselves: every text
field gets a unique marker, and the Markdown must contain every marker.  A
new block or field that the exporter drops makes this fail without anyone
having to remember to add a sample.
"""

from __future__ import annotations

import html

import pytest
from django.core.exceptions import ValidationError

from cms.core.blocks import DocumentBodyBlock, MarkdownBlockMixin, UnitRefBlock, richtext_to_markdown
from cms.core.blocks.units import RegistryChooserBlock
from cms.core.markdown import MarkdownContext, md_text
from tests.cms.core.block_samples import Sampler, reachable, stream_fields
from tests.factories import UnitFactory


def test_stream_fields__exist_on_every_document_page():
    names = {name for name, _ in stream_fields()}
    assert {"NoticePage.body", "AttachmentPage.body", "ResponsibilityLetterPage.body"} <= names


@pytest.mark.parametrize(
    ("field_name", "block_name"),
    [(f, b) for f, field in stream_fields() for b, _ in reachable(field.stream_block)],
)
def test_block_to_markdown__every_field_reaches_the_output(field_name, block_name):
    field = dict(stream_fields())[field_name]
    block = field.stream_block.child_blocks[block_name]
    assert isinstance(block, MarkdownBlockMixin), f"{block_name} cannot serialise itself"
    assert block.meta.icon and block.meta.icon != "placeholder", f"{block_name} has no icon"
    assert block.label and not block.label.isascii(), f"{block_name} has no Chinese label"
    sampler = Sampler()
    raw = sampler.sample(block)
    ctx = MarkdownContext(unit_link=lambda unit_id, name: f'<a href="/units/{unit_id}/">{name}</a>')
    output = block.to_markdown(raw, ctx)
    missing = [m for m in sampler.markers if m not in output and md_text(m) not in output]
    assert not missing, f"{block_name} drops {missing} in:\n{output}"


def test_heading__numbering_is_derived_from_structure():
    body = DocumentBodyBlock()
    raw = [
        {"type": "heading", "value": {"level": 1, "text": "工作目标"}},
        {"type": "heading", "value": {"level": 2, "text": "总体目标"}},
        {"type": "paragraph", "value": {"level": 3, "text": "<p>第一项</p>"}},
        {"type": "paragraph", "value": {"level": 3, "text": "<p>第二项</p>"}},
        {"type": "paragraph", "value": {"level": 4, "text": "<p>细项</p>"}},
        {"type": "heading", "value": {"level": 2, "text": "年度目标"}},
        {"type": "paragraph", "value": {"level": 3, "text": "<p>又一项</p>"}},
        {"type": "heading", "value": {"level": 1, "text": "主要任务"}},
        {"type": "heading", "value": {"level": 0, "text": "消防工作方面"}},
        {"type": "heading", "value": {"level": 1, "text": "火灾防控"}},
    ]
    from cms.core.blocks import body_to_markdown

    md = body_to_markdown(body, raw, MarkdownContext())
    for expected in [
        "## 一、工作目标",
        "### （一）总体目标",
        "1\\.第一项",
        "2\\.第二项",
        "（1）细项",
        "### （二）年度目标",
        "1\\.又一项",
        "## 二、主要任务",
        "## 一、火灾防控",
    ]:
        assert expected in md, (expected, md)


def test_paragraph__editor_text_is_literal():
    payload = "<script>alert(1)</script> **粗** | a | {{ x }} {% y %} # h"
    from cms.core.blocks import plain_to_richtext

    (rendered,) = richtext_to_markdown(plain_to_richtext(payload))
    assert "<script>" not in rendered
    assert "&lt;script&gt;" in rendered
    assert "\\*\\*粗\\*\\*" in rendered
    assert "\\|" in rendered


def test_paragraph__bold_and_italic_survive():
    (rendered,) = richtext_to_markdown("<p>一般<b>加粗</b>和<i>斜体</i></p>")
    assert rendered == "一般**加粗**和*斜体*"


def test_task_list__merged_topic_and_task_cells_get_rowspan():
    block = DocumentBodyBlock().child_blocks["task_list"]
    rows = [
        {"topic": "专题甲", "task": "任务一", "detail": "内容1", "deadline": "", "units": [], "units_text": "乡安办"},
        {"topic": "专题甲", "task": "任务一", "detail": "内容2", "deadline": "", "units": [], "units_text": "乡安办"},
        {"topic": "专题甲", "task": "任务二", "detail": "内容3", "deadline": "", "units": [], "units_text": "乡安办"},
        {"topic": "专题乙", "task": "任务二", "detail": "内容4", "deadline": "", "units": [], "units_text": "乡安办"},
    ]
    md = block.to_markdown({"title": "", "rows": rows}, MarkdownContext())
    assert '<td rowspan="3" data-label="专题/项目">专题甲</td>' in md
    assert '<td rowspan="2" data-label="工作任务">任务一</td>' in md
    # 任务二 under two different topics must not merge across them.
    assert md.count('<td data-label="工作任务">任务二</td>') == 2


def test_task_list__covered_rows_repeat_merged_cells_for_the_phone_card_only():
    block = DocumentBodyBlock().child_blocks["task_list"]
    rows = [
        {"topic": "专题甲", "task": "任务一", "detail": "内容1", "deadline": "年底", "units": [], "units_text": "乡"},
        {"topic": "专题甲", "task": "任务一", "detail": "内容2", "deadline": "年底", "units": [], "units_text": "乡"},
    ]
    md = block.to_markdown({"title": "消防车通道清单", "rows": rows}, MarkdownContext())
    second = md.split("<tr", 3)[3]
    assert second.startswith(' id="task-1">')
    assert '<td class="card-only" data-label="专题/项目">专题甲</td>' in second
    assert '<td class="card-only" data-label="工作任务">任务一</td>' in second
    assert "<caption>消防车通道清单</caption>" in md
    head = md.split("<thead>", 1)[1].split("</thead>", 1)[0]
    assert head.count('<th scope="col">') == 5


def test_indicator_table__cell_count_must_match_columns():
    block = DocumentBodyBlock().child_blocks["indicator_table"]
    value = block.to_python(
        {
            "title": "",
            "row_header": "单位",
            "columns": [
                {"group": "市政消火栓建设任务", "name": "新建数"},
                {"group": "市政消火栓建设任务", "name": "补建数"},
            ],
            "rows": [{"unit": None, "unit_name": "青阳街道", "values": [5]}],
        }
    )
    with pytest.raises(ValidationError) as error:
        block.clean(value)
    assert "有1个数值，但表头有2列" in str(error.value.as_json_data())


def test_indicator_table__grouped_header_spans_its_columns():
    block = DocumentBodyBlock().child_blocks["indicator_table"]
    raw = {
        "title": "",
        "row_header": "单位",
        "columns": [
            {"group": "市政消火栓建设任务", "name": "新建数"},
            {"group": "市政消火栓建设任务", "name": "补建数"},
            {"group": "", "name": "专职防火队人员额定人数"},
        ],
        "rows": [{"unit": None, "unit_name": "青阳街道", "values": [5, 0, 10]}],
    }
    md = block.to_markdown(raw, MarkdownContext())
    assert '<th scope="colgroup" colspan="2">市政消火栓建设任务</th>' in md
    assert '<th scope="col" rowspan="2">专职防火队人员额定人数</th>' in md
    assert "<td>5</td><td>0</td><td>10</td>" in md


def test_md_text__apostrophe_is_shown_as_typed():
    """md_text used to write ' as &\\#x27;, so the site showed "&#x27;" instead of the apostrophe."""
    import markdown

    rendered = markdown.markdown(md_text("它's '引号' \"双引号\""))
    assert "&amp;" not in rendered and "#x27" not in rendered
    assert html.unescape(rendered) == "<p>它's '引号' \"双引号\"</p>"


def test_target__indicator_markdown_link_is_text_not_a_link():
    """The indicator sits in inline HTML inside a paragraph, where Markdown still makes links."""
    import markdown

    block = DocumentBodyBlock().child_blocks["target"]
    md = block.to_markdown({"text": "目标", "indicator": "[点我](javascript:alert(1))"}, MarkdownContext())
    rendered = markdown.markdown(md)
    assert "<a " not in rendered and "[点我](javascript:alert(1))" in html.unescape(rendered)


@pytest.mark.django_db
def test_unit_ref__clean_keeps_the_unit_to_python_loaded_without_a_second_query(django_assert_num_queries):
    unit = UnitFactory(name="岩前镇人民政府")
    block = UnitRefBlock()
    value = block.to_python({"unit": unit.pk, "group": None, "name": "", "role": "lead", "division": ""})
    with django_assert_num_queries(0):
        cleaned = block.clean(value)
    assert cleaned["unit"] == unit


@pytest.mark.django_db
def test_unit_ref__a_unit_no_longer_in_the_registry_is_still_refused():
    block = UnitRefBlock()
    value = block.to_python({"unit": 999_999, "group": None, "name": "", "role": "lead", "division": ""})
    with pytest.raises(ValidationError):
        block.clean(value)


def test_registry_chooser_block__required_is_kept_and_migrations_name_wagtails_class():
    block = RegistryChooserBlock("units.Unit")
    with pytest.raises(ValidationError):
        block.clean(None)
    assert block.deconstruct()[0] == "wagtail.snippets.blocks.SnippetChooserBlock"
