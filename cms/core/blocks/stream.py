"""The document body: which blocks a page may hold, and rendering a stored stream.

The one place that lists every block family, so adding a block is one line.
"""

from __future__ import annotations

from wagtail import blocks

from ..markdown import MarkdownContext
from .tables import GenericTableBlock, IndicatorTableBlock, LeadingGroupBlock
from .tasks import TaskListBlock
from .text import HeadingBlock, NoteBlock, ParagraphBlock, PhaseBlock, TargetBlock
from .units import TargetGroupBlock


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


# Migrations name blocks by the path they had before the split (Block.canonical_module_path).
DECONSTRUCT_ALIASES = {
    DocumentBodyBlock: "cms.core.blocks.DocumentBodyBlock",
}
