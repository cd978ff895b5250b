"""Samples for every block reachable from every StreamField, generated from the block definitions.

Every text field gets a unique text, so a test can look for each one in
what the block produced: the Markdown (tests/cms/core/test_blocks.py), or
the exported site and the admin with hostile text in every field
(tests/browser/test_xss.py).  A new block or field is sampled without
anyone having to remember to add it.
"""

from __future__ import annotations

import html
import itertools
import uuid
from collections.abc import Callable
from typing import Any

from django.apps import apps
from wagtail import blocks
from wagtail.contrib.table_block.blocks import TableBlock
from wagtail.fields import StreamField
from wagtail.snippets.blocks import SnippetChooserBlock

__all__ = ["UNIT_ID", "Sampler", "reachable", "stream_fields"]

UNIT_ID = 424242


class Sampler:
    """Sample values for blocks; ``text(n, limit)`` makes the n-th text (by default 标记n号).

    ``limit`` is the field's max_length (None when unlimited): samples must
    pass the block's validation, or the admin refuses to preview them.

    ``markers`` lists every text handed out (and the unit link and float
    values), in order; rich text gets the text as an editor would type it,
    i.e. HTML-escaped inside a paragraph.
    """

    def __init__(self, text: Callable[[int, int | None], str] = lambda n, _: f"标记{n}号", unit_id: int = 0) -> None:
        self.counter = itertools.count(1)
        self.markers: list[str] = []
        self.text = text
        self.unit_id = unit_id or UNIT_ID
        self.unit_link = f"/units/{self.unit_id}/"

    def marker(self, limit: int | None = None) -> str:
        text = self.text(next(self.counter), limit)
        assert limit is None or len(text) <= limit, f"sample {text!r} is longer than {limit}"
        self.markers.append(text)
        return text

    def sample(self, block: blocks.Block) -> Any:
        if isinstance(block, SnippetChooserBlock):
            if self.unit_link not in self.markers:
                self.markers.append(self.unit_link)
            return self.unit_id
        if isinstance(block, TableBlock):
            cells = [[self.marker(), self.marker()], [self.marker(), ""]]
            return {"data": cells, "mergeCells": [{"row": 1, "col": 0, "rowspan": 1, "colspan": 2}]}
        if isinstance(block, blocks.StructBlock):
            return {name: self.sample(child) for name, child in block.child_blocks.items()}
        if isinstance(block, blocks.ListBlock):
            return [{"type": "item", "id": str(uuid.uuid4()), "value": self.sample(block.child_block)}]
        if isinstance(block, blocks.ChoiceBlock):
            return block.field.choices[-1][0]
        if isinstance(block, blocks.RichTextBlock):
            return f"<p>{html.escape(self.marker(), quote=False)}</p>"
        if isinstance(block, blocks.FloatBlock):
            value = 1000 + next(self.counter) + 0.5
            self.markers.append(f"{value:g}")
            return value
        if isinstance(block, blocks.IntegerBlock):
            return 1
        if isinstance(block, blocks.CharBlock | blocks.TextBlock):
            return self.marker(block.field.max_length)
        raise AssertionError(f"no sample for {type(block).__name__}: teach the sampler and the exporter")


def stream_fields() -> list[tuple[str, StreamField]]:
    return [
        (f"{model.__name__}.{field.name}", field)
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if isinstance(field, StreamField)
    ]


def reachable(stream_block: blocks.StreamBlock) -> list[tuple[str, blocks.Block]]:
    return list(stream_block.child_blocks.items())
