"""Posting the edit form back untouched is not an edit.

Wagtail decides whether a StreamField changed by comparing
``get_prep_value(stored)`` with ``get_prep_value(value_from_form(posted))``,
where the browser posts every field as a string.  If a stored int or float
came back as a string, approving from the edit view (which posts the form)
would count as an edit and, with WAGTAIL_WORKFLOW_REQUIRE_REAPPROVAL_ON_EDIT,
restart the approval step for ever.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from wagtail import blocks

from cms.core.blocks import DocumentBodyBlock


def field_blocks(block: blocks.Block, path: str = "") -> Iterator[tuple[str, blocks.FieldBlock]]:
    if isinstance(block, blocks.FieldBlock):
        yield path, block
    elif isinstance(block, blocks.StructBlock | blocks.StreamBlock):
        for name, child in block.child_blocks.items():
            yield from field_blocks(child, f"{path}.{name}")
    elif isinstance(block, blocks.ListBlock):
        yield from field_blocks(block.child_block, f"{path}[]")


def stored_sample(block: blocks.FieldBlock):
    if isinstance(block, blocks.ChoiceBlock):
        return block.field.choices[-1][0]
    if isinstance(block, blocks.FloatBlock):
        return 5.0
    if isinstance(block, blocks.IntegerBlock):
        return 2
    if isinstance(block, blocks.CharBlock | blocks.TextBlock):
        return "文字"
    return None  # choosers, rich text, tables: not plain posted strings


CASES = [(path, block) for path, block in field_blocks(DocumentBodyBlock()) if stored_sample(block) is not None]


@pytest.mark.parametrize(("path", "block"), CASES, ids=[path for path, _ in CASES])
def test_field_block__posted_string_equals_the_stored_value(path, block):
    stored = stored_sample(block)
    posted = str(stored if not isinstance(stored, float) else int(stored))
    assert block.get_prep_value(block.value_from_form(posted)) == block.get_prep_value(stored), path


def test_int_choice_block__clean_returns_the_stored_int():
    level = DocumentBodyBlock().child_blocks["heading"].child_blocks["level"]
    assert level.clean("2") == 2
