"""Field coercion, number formatting and the Markdown contract every block follows.

Kept apart so the text, unit, task and table blocks share one definition of
how a stored value becomes text, without importing each other.
"""

from __future__ import annotations

from typing import Any

from wagtail import blocks

from ..indicators import format_number
from ..markdown import MarkdownContext


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


# Migrations name blocks by the path they had before the split (Block.canonical_module_path).
DECONSTRUCT_ALIASES = {
    IntChoiceBlock: "cms.core.blocks.IntChoiceBlock",
    IntBlock: "cms.core.blocks.IntBlock",
    NumberBlock: "cms.core.blocks.NumberBlock",
}
