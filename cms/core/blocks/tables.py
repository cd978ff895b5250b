"""Indicator tables, the leading group and the generic table.

Each renders its stored JSON to one HTML table (or list) for the exporter.
"""

from __future__ import annotations

from typing import Any

from django.forms.utils import ErrorList
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.contrib.table_block.blocks import TableBlock

from ..indicators import format_number, indicator_columns, indicator_rows
from ..markdown import MarkdownContext, escape_html, html_multiline, html_table, list_items, md_text
from .base import IntBlock, MarkdownBlockMixin, NumberBlock
from .tasks import _td
from .units import RegistryChooserBlock, unit_ref_html


class IndicatorColumnBlock(blocks.StructBlock):
    group = blocks.CharBlock(label="分组表头", required=False, max_length=60, help_text="如 市政消火栓建设任务")
    name = blocks.CharBlock(label="列名", max_length=60, help_text="如 新建数")

    class Meta:
        icon = "order"
        label = "指标列"


class IndicatorRowBlock(blocks.StructBlock):
    unit = RegistryChooserBlock("units.Unit", required=False, label="单位")
    unit_name = blocks.CharBlock(label="单位名称（原文）", max_length=120)
    values = blocks.ListBlock(NumberBlock(required=False, label="数值"), label="各列数值")

    class Meta:
        icon = "form"
        label = "单位行"


class IndicatorTableBlock(MarkdownBlockMixin, blocks.StructBlock):
    """Per-unit quantitative targets with grouped two-level headers."""

    title = blocks.CharBlock(label="表格标题", required=False, max_length=200)
    row_header = blocks.CharBlock(label="首列表头", default="单位", max_length=30)
    columns = blocks.ListBlock(IndicatorColumnBlock(), label="指标列", min_num=1)
    rows = blocks.ListBlock(IndicatorRowBlock(), label="单位行", min_num=1)

    class Meta:
        icon = "table"
        label = "指标表"

    def clean(self, value: Any) -> Any:
        value = super().clean(value)
        width = len(value["columns"])
        errors = [
            f"第{n}行（{row['unit_name']}）有{len(row['values'])}个数值，但表头有{width}列。"
            for n, row in enumerate(value["rows"], start=1)
            if len(row["values"]) != width
        ]
        if errors:
            raise StructBlockValidationError(non_block_errors=ErrorList(errors))
        return value

    def to_markdown(self, raw: dict, ctx: MarkdownContext) -> str:
        columns = indicator_columns(raw)
        grouped = any(c.group for c in columns)
        top = [_td(escape_html(raw.get("row_header") or "单位"), rowspan=2 if grouped else 1, tag="th")]
        second = []
        i = 0
        while i < len(columns):
            group = columns[i].group
            j = i
            while j + 1 < len(columns) and group and columns[j + 1].group == group:
                j += 1
            if group:
                top.append(_td(escape_html(group), colspan=j - i + 1, tag="th"))
                second += [_td(escape_html(c.name), tag="th") for c in columns[i : j + 1]]
            else:
                top.append(_td(escape_html(columns[i].name), rowspan=2 if grouped else 1, tag="th"))
            i = j + 1
        head = [top, second] if grouped else [top]
        body = []
        for row in indicator_rows(raw):
            unit = unit_ref_html({"unit": row.unit, "name": row.unit_name}, ctx)
            values = [_td(format_number(v)) for v in row.values]
            body.append([_td(unit, tag="th"), *values])
        return html_table(head, body, "indicator-table", caption=escape_html(raw.get("title") or ""))


MEMBER_ROLE_CHOICES = [
    ("组长", "组长"),
    ("副组长", "副组长"),
    ("成员", "成员"),
    ("办公室主任", "办公室主任"),
    ("办公室副主任", "办公室副主任"),
]


class MemberBlock(blocks.StructBlock):
    role = blocks.ChoiceBlock(choices=MEMBER_ROLE_CHOICES, default="成员", label="职务")
    name = blocks.CharBlock(label="姓名", max_length=30)
    position = blocks.CharBlock(label="单位及职务", required=False, max_length=200)

    class Meta:
        icon = "user"
        label = "成员"


class LeadingGroupBlock(MarkdownBlockMixin, blocks.StructBlock):
    title = blocks.CharBlock(label="领导小组名称", required=False, max_length=200)
    members = blocks.ListBlock(MemberBlock(), label="成员", min_num=1)

    class Meta:
        icon = "group"
        label = "领导小组"

    def to_markdown(self, raw: dict, ctx: MarkdownContext) -> str:
        lines = [f"**{md_text(raw['title'])}**", ""] if raw.get("title") else []
        for member in list_items(raw.get("members")):
            position = f"　{md_text(member['position'])}" if member.get("position") else ""
            lines.append(f"- {md_text(member.get('role', ''))}：{md_text(member.get('name', ''))}{position}")
        return "\n".join(lines)


class GenericTableBlock(MarkdownBlockMixin, blocks.StructBlock):
    """Forms that fit no other block; merged cells and nested headers allowed."""

    title = blocks.CharBlock(label="表格标题", required=False, max_length=200)
    header_rows = IntBlock(label="表头行数", default=1, min_value=0, max_value=6)
    table = TableBlock(
        label="表格",
        table_options={
            "mergeCells": True,
            "contextMenu": [
                "row_above",
                "row_below",
                "---------",
                "col_left",
                "col_right",
                "---------",
                "remove_row",
                "remove_col",
                "---------",
                "mergeCells",
                "undo",
                "redo",
            ],
        },
    )

    class Meta:
        icon = "table"
        label = "通用表格"

    def to_markdown(self, raw: dict, ctx: MarkdownContext) -> str:
        table = raw.get("table") or {}
        data = table.get("data") or []
        spans = {(m["row"], m["col"]): (m["rowspan"], m["colspan"]) for m in table.get("mergeCells") or []}
        covered = {
            (r, c)
            for (row, col), (rs, cs) in spans.items()
            for r in range(row, row + rs)
            for c in range(col, col + cs)
            if (r, c) != (row, col)
        }
        header_rows = int(raw.get("header_rows") or 0)
        rendered = []
        for r, cells in enumerate(data):
            tag = "th" if r < header_rows else "td"
            row = []
            for c, text in enumerate(cells):
                if (r, c) in covered:
                    continue
                rs, cs = spans.get((r, c), (1, 1))
                row.append(_td(html_multiline(text or ""), rs, cs, tag))
            rendered.append(row)
        caption = escape_html(raw.get("title") or "")
        return html_table(rendered[:header_rows], rendered[header_rows:], "generic-table", caption=caption)

    def to_text(self, raw: dict) -> str:
        data = (raw.get("table") or {}).get("data") or []
        return " ".join(str(cell) for row in data for cell in row if cell)


# Migrations name blocks by the path they had before the split (Block.canonical_module_path).
DECONSTRUCT_ALIASES = {
    IndicatorColumnBlock: "cms.core.blocks.IndicatorColumnBlock",
    IndicatorRowBlock: "cms.core.blocks.IndicatorRowBlock",
    IndicatorTableBlock: "cms.core.blocks.IndicatorTableBlock",
    MemberBlock: "cms.core.blocks.MemberBlock",
    LeadingGroupBlock: "cms.core.blocks.LeadingGroupBlock",
    GenericTableBlock: "cms.core.blocks.GenericTableBlock",
}
