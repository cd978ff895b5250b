"""StreamField blocks that carry the structure of 目标责任 documents.

Every block renders itself for the exporter with ``to_markdown(raw, ctx)``.
It takes the *stored* JSON value (what the snapshot holds), not the Python
value, because the exporter must read nothing but the snapshot: no database
query may happen while rendering.
"""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

from django.core.exceptions import ValidationError
from django.forms.utils import ErrorList
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.contrib.table_block.blocks import TableBlock
from wagtail.snippets.blocks import SnippetChooserBlock

from cms.units.choices import ROLE_LABELS, Role

from .markdown import (
    MarkdownContext,
    escape_html,
    html_multiline,
    html_table,
    list_items,
    list_items_with_ids,
    md_multiline,
    md_text,
)
from .task_grid.form import TaskGridFormMixin

LEVEL_CHOICES = [
    (0, "不编号（小标题）"),
    (1, "一级 一、"),
    (2, "二级 （一）"),
    (3, "三级 1."),
    (4, "四级 （1）"),
]
PARAGRAPH_LEVEL_CHOICES = [(0, "不编号"), *LEVEL_CHOICES[1:]]
ROLE_CHOICES = Role.choices
MEMBER_ROLE_CHOICES = [
    ("组长", "组长"),
    ("副组长", "副组长"),
    ("成员", "成员"),
    ("办公室主任", "办公室主任"),
    ("办公室副主任", "办公室副主任"),
]


def _coerce(value: Any, kind: type) -> Any:
    if value in (None, ""):
        return value
    try:
        return kind(value)
    except (TypeError, ValueError):
        return value  # left for clean() to reject with a field error


class IntChoiceBlock(blocks.ChoiceBlock):
    """A choice stored as an int.

    The form posts strings; without coercion an untouched form compares
    unequal to the stored ints, and under WAGTAIL_WORKFLOW_REQUIRE_REAPPROVAL_ON_EDIT
    merely approving from the edit view would restart the approval step.
    """

    def value_from_form(self, value: Any) -> Any:
        return _coerce(value, int)

    def to_python(self, value: Any) -> Any:
        return _coerce(value, int)

    def get_prep_value(self, value: Any) -> Any:
        return _coerce(value, int)


class IntBlock(blocks.IntegerBlock):
    def value_from_form(self, value: Any) -> Any:
        return _coerce(value, int)


class NumberBlock(blocks.FloatBlock):
    def value_from_form(self, value: Any) -> Any:
        return _coerce(value, float)


class MarkdownBlockMixin:
    """The exporter contract: one Markdown fragment per stored value."""

    def to_markdown(self, raw: Any, ctx: MarkdownContext) -> str:  # pragma: no cover
        raise NotImplementedError(f"{type(self).__name__} must implement to_markdown")

    def to_text(self, raw: Any) -> str:
        """Plain text of the value: used for search, coverage and comparison."""
        return " ".join(_strings(raw))


def _strings(raw: Any) -> list[str]:
    if isinstance(raw, str):
        return [raw]
    if isinstance(raw, dict):
        return [s for key, v in raw.items() if key not in {"id", "type", "unit", "role"} for s in _strings(v)]
    if isinstance(raw, list):
        return [s for v in raw for s in _strings(v)]
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        return [format_number(raw)]
    return []


def format_number(value: float | int | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


# --- inline rich text -------------------------------------------------------


class _RichTextToMarkdown(HTMLParser):
    """Only bold and italic exist (the editor offers nothing else)."""

    marks = {"b": "**", "strong": "**", "i": "*", "em": "*"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.paragraphs: list[list[str]] = [[]]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.marks:
            self.paragraphs[-1].append(self.marks[tag])
        elif tag == "br":
            self.paragraphs[-1].append("<br>\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.marks:
            self.paragraphs[-1].append(self.marks[tag])
        elif tag in {"p", "h2", "h3", "h4", "li"}:
            self.paragraphs.append([])

    def handle_data(self, data: str) -> None:
        self.paragraphs[-1].append(md_text(data) if data.strip() else data.strip())


def richtext_to_markdown(html: str) -> list[str]:
    parser = _RichTextToMarkdown()
    parser.feed(html or "")
    parser.close()
    return [text for p in parser.paragraphs if (text := "".join(p).strip())]


class _RichTextToPlain(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def richtext_to_plain(html: str) -> str:
    parser = _RichTextToPlain()
    parser.feed(html or "")
    parser.close()
    return "".join(parser.parts)


def plain_to_richtext(text: str) -> str:
    """Importer helper: plain text becomes one escaped rich-text paragraph."""
    return "".join(f"<p>{escape_html(line)}</p>" for line in str(text).splitlines() if line.strip())


# --- text blocks --------------------------------------------------------------


class HeadingBlock(MarkdownBlockMixin, blocks.StructBlock):
    level = IntChoiceBlock(choices=LEVEL_CHOICES, default=1, label="层次")
    text = blocks.CharBlock(label="标题文字", max_length=200, help_text="不要输入序号，序号按层次自动生成。")

    class Meta:
        icon = "title"
        label = "章节标题"

    def to_markdown(self, raw: dict, ctx: MarkdownContext) -> str:
        level = int(raw.get("level") or 0)
        number = ctx.numbering.next(level)
        hashes = "#" * min(6, ctx.heading_base + max(0, level - 1))
        return f"{hashes} {md_text(number + raw.get('text', ''))}"


class ParagraphBlock(MarkdownBlockMixin, blocks.StructBlock):
    level = IntChoiceBlock(choices=PARAGRAPH_LEVEL_CHOICES, default=0, label="编号层次")
    text = blocks.RichTextBlock(features=["bold", "italic"], label="正文")

    class Meta:
        icon = "pilcrow"
        label = "段落"

    def to_markdown(self, raw: dict, ctx: MarkdownContext) -> str:
        level = int(raw.get("level") or 0)
        number = md_text(ctx.numbering.next(level)) if level else ""
        paragraphs = richtext_to_markdown(raw.get("text", ""))
        if not paragraphs:
            return number
        paragraphs[0] = number + paragraphs[0]
        return "\n\n".join(paragraphs)

    def to_text(self, raw: dict) -> str:
        return richtext_to_plain(raw.get("text", ""))


class TargetBlock(MarkdownBlockMixin, blocks.StructBlock):
    text = blocks.TextBlock(label="目标内容")
    indicator = blocks.CharBlock(
        label="量化指标",
        required=False,
        max_length=60,
        help_text="如 ≥85%、不少于10起；留空表示没有量化指标。",
    )

    class Meta:
        icon = "success"
        label = "目标"

    def to_markdown(self, raw: dict, ctx: MarkdownContext, number: str = "") -> str:
        text = md_multiline(raw.get("text", ""))
        indicator = raw.get("indicator") or ""
        # Inline HTML inside a Markdown paragraph: Markdown still runs there, so
        # the indicator needs Markdown escaping too ("[x](javascript:…)" was a link).
        tag = f' <span class="indicator">指标：{md_text(indicator)}</span>' if indicator else ""
        return f"{md_text(number)}{text}{tag}"


class UnitRefBlock(blocks.StructBlock):
    """A responsible unit: chosen from the registry, or typed and resolved."""

    unit = SnippetChooserBlock("units.Unit", required=False, label="单位库中的单位")
    group = SnippetChooserBlock(
        "units.UnitGroup", required=False, label="单位组", help_text="原文写的是一类单位（如 各乡镇（街道））时选择。"
    )
    name = blocks.CharBlock(label="单位名称（原文）", required=False, max_length=120)
    role = blocks.ChoiceBlock(choices=ROLE_CHOICES, default="lead", label="角色")
    division = blocks.CharBlock(label="内设机构/分工", required=False, max_length=60)

    class Meta:
        icon = "group"
        label = "责任单位"

    def clean(self, value: Any) -> Any:
        value = super().clean(value)
        if value.get("unit") is None and value.get("group") is None:
            written = (value.get("name") or "").strip()
            if not written:
                raise StructBlockValidationError(
                    block_errors={"unit": ValidationError("请从单位库选择单位，或填写单位名称。")}
                )
            from cms.units.lookup import find_group, resolve_unit

            group = find_group(written)
            if group is not None:
                # A collective reference (各乡镇（街道）…) is a group, not a unit: its members carry the row.
                value["group"] = group
                return value
            match = resolve_unit(written)
            if not match.found:
                raise StructBlockValidationError(
                    block_errors={
                        "name": ValidationError(
                            f"单位库中没有“{written}”。请从单位库选择，或先在“责任单位”中添加该单位（或别名）；"
                            "无法对应到单位的说明文字请填写在“责任单位（原文）”中。"
                        )
                    }
                )
            value["unit"] = match.unit
            if match.division and not value.get("division"):
                value["division"] = match.division
        return value


def unit_ref_html(ref: dict, ctx: MarkdownContext) -> str:
    """The unit as the document writes it, linked to its registry entry."""
    name = ref.get("name") or ctx.unit_name(ref.get("unit"), "")
    label = ctx.unit_link(ref.get("unit"), name)
    if ref.get("division"):
        label += f"（{escape_html(ref['division'])}）"
    return label


class TargetGroupBlock(MarkdownBlockMixin, blocks.StructBlock):
    """个性目标: the targets assigned to one unit."""

    unit = SnippetChooserBlock("units.Unit", required=False, label="责任单位")
    unit_name = blocks.CharBlock(label="单位名称（原文）", max_length=120)
    targets = blocks.ListBlock(TargetBlock(), label="目标", min_num=1)

    class Meta:
        icon = "list-ul"
        label = "单位个性目标"

    def to_markdown(self, raw: dict, ctx: MarkdownContext) -> str:
        number = ctx.numbering.next(3)
        heading = "#" * min(6, ctx.heading_base + 2)
        unit = unit_ref_html({"unit": raw.get("unit"), "name": raw.get("unit_name", "")}, ctx)
        lines = [f"{heading} {md_text(number)}{unit}"]
        targets = list_items(raw.get("targets"))
        for index, target in enumerate(targets, start=1):
            prefix = f"（{index}）" if len(targets) > 1 else ""
            lines.append(self.child_blocks["targets"].child_block.to_markdown(target, ctx, prefix))
        return "\n\n".join(lines)


class NoteBlock(MarkdownBlockMixin, blocks.StructBlock):
    text = blocks.TextBlock(label="备注内容")

    class Meta:
        icon = "info-circle"
        label = "备注"

    def to_markdown(self, raw: dict, ctx: MarkdownContext) -> str:
        return f'<p class="note"><strong>备注：</strong>{html_multiline(raw.get("text", ""))}</p>'


class PhaseBlock(MarkdownBlockMixin, blocks.StructBlock):
    name = blocks.CharBlock(label="阶段名称", max_length=60)
    period = blocks.CharBlock(label="时间", required=False, max_length=60, help_text="如 2020年6月前")
    text = blocks.TextBlock(label="工作内容", required=False)

    class Meta:
        icon = "time"
        label = "工作阶段"

    def to_markdown(self, raw: dict, ctx: MarkdownContext) -> str:
        number = ctx.numbering.next(2)
        period = f"（{raw['period']}）" if raw.get("period") else ""
        head = f"**{md_text(number + raw.get('name', '') + period)}**"
        text = md_multiline(raw.get("text", ""))
        return f"{head}{text}" if text else head


# --- structured tables ---------------------------------------------------------


class TaskRowBlock(blocks.StructBlock):
    topic = blocks.CharBlock(label="专题/项目", required=False, max_length=200)
    task = blocks.TextBlock(label="工作任务", required=False)
    detail = blocks.TextBlock(label="工作内容", required=False)
    deadline = blocks.CharBlock(
        label="完成时限", required=False, max_length=200, help_text="按原文填写，如 2021年底前、每年、持续推进。"
    )
    units = blocks.ListBlock(UnitRefBlock(), label="责任单位", default=[])
    units_text = blocks.TextBlock(
        label="责任单位（原文）",
        required=False,
        help_text="文件中的原文；单位库无法对应的说明（如“按职责分工负责”）保留在这里。",
    )

    class Meta:
        icon = "form"
        label = "任务"

    def clean(self, value: Any) -> Any:
        value = super().clean(value)
        if not (value.get("task") or value.get("detail")):
            raise StructBlockValidationError(block_errors={"task": ValidationError("请填写工作任务或工作内容。")})
        return value


def _rowspans(values: list[str]) -> list[int]:
    """Rowspan per row for a column where equal neighbours merge (0 = covered)."""
    spans = [1] * len(values)
    start = 0
    for i in range(1, len(values) + 1):
        if i == len(values) or values[i] != values[start] or not values[start]:
            spans[start] = i - start
            for covered in range(start + 1, i):
                spans[covered] = 0
            start = i
    return spans


class TaskListBlock(TaskGridFormMixin, MarkdownBlockMixin, blocks.StructBlock):
    """重点项目清单 / 任务清单: each row is one task with a stable id (edited in the grid, cms/core/task_grid)."""

    title = blocks.CharBlock(label="清单标题", required=False, max_length=200)
    rows = blocks.ListBlock(TaskRowBlock(), label="任务", min_num=1)

    class Meta:
        icon = "table"
        label = "任务清单"

    def to_markdown(self, raw: dict, ctx: MarkdownContext) -> str:
        rows = list_items_with_ids(raw.get("rows"))
        values = [v for _, v in rows]
        has_topic = any(v.get("topic") for v in values)
        has_detail = any(v.get("detail") for v in values)
        has_deadline = any(v.get("deadline") for v in values)
        topics = _rowspans([v.get("topic", "") for v in values]) if has_topic else []
        # 工作任务 merges only inside its 专题, never across two topics.
        tasks = _rowspans([f"{v.get('topic', '')}\x00{v.get('task', '')}" for v in values])
        header = [
            ("专题/项目", has_topic),
            ("工作任务", True),
            ("工作内容", has_detail),
            ("完成时限", has_deadline),
            ("责任单位", True),
        ]
        head = [[f"<th>{label}</th>" for label, shown in header if shown]]
        body = []
        for i, (row_id, row) in enumerate(rows):
            cells = []
            # A merged cell covers the rows below it; on a phone each row is a
            # card of its own, so covered rows repeat it in a cell shown only there.
            if has_topic:
                topic = html_multiline(row.get("topic", ""))
                cells.append(_td(topic, topics[i], label="专题/项目") if topics[i] else _card_only(topic, "专题/项目"))
            task = html_multiline(row.get("task", ""))
            cells.append(_td(task, tasks[i], label="工作任务") if tasks[i] else _card_only(task, "工作任务"))
            if has_detail:
                cells.append(_td(html_multiline(row.get("detail", "")), label="工作内容"))
            if has_deadline:
                cells.append(_td(html_multiline(row.get("deadline", "")), label="完成时限"))
            cells.append(_td(_units_cell(row, ctx), label="责任单位"))
            body.append((f' id="task-{escape_html(row_id)}"', cells))
        return html_table(head, body, "task-list", caption=escape_html(raw.get("title") or ""))


def _td(content: str, rowspan: int = 1, colspan: int = 1, tag: str = "td", label: str = "") -> str:
    """A cell; ``label`` names its column where a phone shows the row as a card (site_src/assets/extra.css)."""
    attrs = (f' rowspan="{rowspan}"' if rowspan > 1 else "") + (f' colspan="{colspan}"' if colspan > 1 else "")
    attrs += f' data-label="{label}"' if label else ""
    return f"<{tag}{attrs}>{content}</{tag}>"


def _card_only(content: str, label: str) -> str:
    """A merged cell repeated in a covered row: hidden in the table, shown in the phone's card."""
    return f'<td class="card-only" data-label="{label}">{content}</td>'


def _units_cell(row: dict, ctx: MarkdownContext) -> str:
    """牵头 / 配合 as labelled; units listed without roles (Role.UNSTATED) as written, unlabelled when alone."""
    refs = list_items(row.get("units"))
    by_role: dict[str, list[str]] = {str(role): [] for role in Role}
    for ref in refs:
        by_role.get(ref.get("role") or Role.LEAD, by_role[Role.LEAD]).append(unit_ref_html(ref, ctx))
    labelled = by_role[Role.LEAD] or by_role[Role.SUPPORT]
    parts = [
        f'<span class="role-{role}">{ROLE_LABELS[role]}：</span>{"、".join(names)}' if labelled else "、".join(names)
        for role, names in by_role.items()
        if names
    ]
    linked = "<br>".join(parts)
    written = html_multiline(row.get("units_text", ""))
    if written and linked:
        return f'{linked}<br><span class="units-text">原文：{written}</span>'
    return linked or written


class IndicatorColumnBlock(blocks.StructBlock):
    group = blocks.CharBlock(label="分组表头", required=False, max_length=60, help_text="如 市政消火栓建设任务")
    name = blocks.CharBlock(label="列名", max_length=60, help_text="如 新建数")

    class Meta:
        icon = "order"
        label = "指标列"


class IndicatorRowBlock(blocks.StructBlock):
    unit = SnippetChooserBlock("units.Unit", required=False, label="单位")
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
        columns = list_items(raw.get("columns"))
        grouped = any(c.get("group") for c in columns)
        top = [_td(escape_html(raw.get("row_header") or "单位"), rowspan=2 if grouped else 1, tag="th")]
        second = []
        i = 0
        while i < len(columns):
            group = columns[i].get("group") or ""
            j = i
            while j + 1 < len(columns) and group and (columns[j + 1].get("group") or "") == group:
                j += 1
            if group:
                top.append(_td(escape_html(group), colspan=j - i + 1, tag="th"))
                second += [_td(escape_html(c.get("name", "")), tag="th") for c in columns[i : j + 1]]
            else:
                top.append(_td(escape_html(columns[i].get("name", "")), rowspan=2 if grouped else 1, tag="th"))
            i = j + 1
        head = [top, second] if grouped else [top]
        body = []
        for row in list_items(raw.get("rows")):
            unit = unit_ref_html({"unit": row.get("unit"), "name": row.get("unit_name", "")}, ctx)
            values = [_td(format_number(v)) for v in list_items(row.get("values"))]
            body.append([_td(unit, tag="th"), *values])
        return html_table(head, body, "indicator-table", caption=escape_html(raw.get("title") or ""))


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


class DocumentBodyBlock(blocks.StreamBlock):
    heading = HeadingBlock()
    paragraph = ParagraphBlock()
    target = TargetBlock()
    target_group = TargetGroupBlock()
    note = NoteBlock()
    task_list = TaskListBlock()
    indicator_table = IndicatorTableBlock()
    leading_group = LeadingGroupBlock()
    phase = PhaseBlock()
    table = GenericTableBlock()

    class Meta:
        block_counts: dict[str, dict[str, int]] = {}


def body_to_markdown(stream_block: blocks.StreamBlock, raw_stream: list[dict], ctx: MarkdownContext) -> str:
    """Render a stored stream; numbering runs across the blocks of one page."""
    parts = []
    for item in raw_stream or []:
        block = stream_block.child_blocks.get(item.get("type"))
        if block is None:
            continue
        parts.append(block.to_markdown(item.get("value"), ctx))
    return "\n\n".join(p for p in parts if p) + "\n"


def body_to_text(stream_block: blocks.StreamBlock, raw_stream: list[dict]) -> str:
    return "\n".join(
        stream_block.child_blocks[item["type"]].to_text(item.get("value"))
        for item in raw_stream or []
        if item.get("type") in stream_block.child_blocks
    )
