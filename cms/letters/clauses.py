"""A letter's body as a list of clauses: the unit both generation and comparison work on.

A clause is one top-level body block with its derived number (（一）, 1. …)
as the editor sees it, and its plain text (``to_text`` of the block), so
nothing here depends on how a block renders to HTML.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from cms.core.blocks import DocumentBodyBlock
from cms.core.markdown import Numbering

BODY_BLOCK = DocumentBodyBlock()


@dataclass(frozen=True)
class Clause:
    label: str  # "（三）" or "第3段（段落）" when the block has no number
    text: str
    block_type: str


def _first_words(text: str, size: int = 16) -> str:
    text = re.sub(r"\s+", "", text)
    return text[:size] + ("…" if len(text) > size else "")


def body_clauses(raw_stream: Any) -> list[Clause]:
    """One clause per stored top-level block, numbered the way the exporter numbers them."""
    numbering = Numbering()
    clauses = []
    for position, item in enumerate(list(raw_stream or []), start=1):
        block_type = item.get("type", "")
        block = BODY_BLOCK.child_blocks.get(block_type)
        if block is None:
            continue
        value = item.get("value") or {}
        text = block.to_text(value)
        number = ""
        if block_type in {"heading", "paragraph"}:
            level = int(value.get("level") or 0)
            if block_type == "heading" or level:
                number = numbering.next(level)
        elif block_type == "target_group":
            number = numbering.next(3)
        words = _first_words(text)
        label = f"{number}{words}" if number else f"第{position}块（{block.meta.label}）：{words}"
        clauses.append(Clause(label=label, text=text, block_type=block_type))
    return clauses
