"""Task lists (重点项目清单 / 任务清单): rows, merged cells and the table cell helpers.

The cell helpers sit with the task list, the most involved table; the other
tables borrow them from here.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError

from cms.units.choices import ROLE_LABELS, Role

from ..markdown import MarkdownContext, escape_html, html_multiline, html_table, list_items, list_items_with_ids
from ..task_grid.form import TaskGridFormMixin
from .base import MarkdownBlockMixin
from .units import UnitRefBlock, unit_ref_html


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


# Migrations name blocks by the path they had before the split (Block.canonical_module_path).
DECONSTRUCT_ALIASES = {
    TaskRowBlock: "cms.core.blocks.TaskRowBlock",
    TaskListBlock: "cms.core.blocks.TaskListBlock",
}
