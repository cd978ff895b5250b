"""StreamField blocks that carry the structure of 目标责任 documents.

Every block renders itself for the exporter with ``to_markdown(raw, ctx)``.
It takes the *stored* JSON value (what the snapshot holds), not the Python
value, because the exporter must read nothing but the snapshot: no database
query may happen while rendering.

The blocks live in one module per family (``base``, ``text``, ``units``,
``tasks``, ``tables``, ``stream``); this package re-exports them so imports
and migrations keep naming ``cms.core.blocks.X``.
"""

from __future__ import annotations

from .base import IntBlock, IntChoiceBlock, MarkdownBlockMixin, NumberBlock, format_number
from .stream import DocumentBodyBlock, body_to_markdown, body_to_text
from .tables import (
    MEMBER_ROLE_CHOICES,
    GenericTableBlock,
    IndicatorColumnBlock,
    IndicatorRowBlock,
    IndicatorTableBlock,
    LeadingGroupBlock,
    MemberBlock,
)
from .tasks import TaskListBlock, TaskRowBlock
from .text import (
    LEVEL_CHOICES,
    PARAGRAPH_LEVEL_CHOICES,
    HeadingBlock,
    NoteBlock,
    ParagraphBlock,
    PhaseBlock,
    TargetBlock,
    plain_to_richtext,
    richtext_to_markdown,
    richtext_to_plain,
)
from .units import ROLE_CHOICES, TargetGroupBlock, UnitRefBlock, unit_ref_html

__all__ = [
    "LEVEL_CHOICES",
    "MEMBER_ROLE_CHOICES",
    "PARAGRAPH_LEVEL_CHOICES",
    "ROLE_CHOICES",
    "DocumentBodyBlock",
    "GenericTableBlock",
    "HeadingBlock",
    "IndicatorColumnBlock",
    "IndicatorRowBlock",
    "IndicatorTableBlock",
    "IntBlock",
    "IntChoiceBlock",
    "LeadingGroupBlock",
    "MarkdownBlockMixin",
    "MemberBlock",
    "NoteBlock",
    "NumberBlock",
    "ParagraphBlock",
    "PhaseBlock",
    "TargetBlock",
    "TargetGroupBlock",
    "TaskListBlock",
    "TaskRowBlock",
    "UnitRefBlock",
    "body_to_markdown",
    "body_to_text",
    "format_number",
    "plain_to_richtext",
    "richtext_to_markdown",
    "richtext_to_plain",
    "unit_ref_html",
]
