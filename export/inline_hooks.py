"""MkDocs hooks: text that no inline pattern can match skips Python-Markdown's inline patterns.

Why: after the block parser, Python-Markdown's inline processor tries each
of its inline patterns (code, escapes, links, images, autolinks, line
breaks, raw HTML, entities, emphasis) on every piece of text, one regular
expression after another, each a Python call.  The site's pages are
Chinese prose and task tables, whose cells almost never contain Markdown
syntax; profiled over the 9,168 pages of 1,000 notices, trying the patterns
was about a sixth of ``mkdocs build``, the export's critical path (issue 17).

Every one of the patterns Python-Markdown registers for the site's
extensions (:data:`PATTERNS`) needs one of the characters `` ` \\ [ < & * _ ``
or a line break made of two spaces and a newline to match (an image's
``![`` has the ``[``).  So a text without any of them comes out of the
inline step exactly as it went in, and :func:`_handle_inline` returns it
at once; any other text takes Python-Markdown's own path.

Only when the converter MkDocs will use has exactly these patterns, in
this order, and no other inline step (smarty has its own), under the
Python-Markdown release they were read from (:data:`MARKDOWN_VERSION`, the
lock's): another release or an extension that adds or replaces a pattern
leaves the build as it was.  The original method is put back when the
build ends.  ``tests/export/test_speed_hooks.py`` builds whole sites with
and without the hook and compares every byte.

Loaded by MkDocs in the ``mkdocs build`` subprocess (``hooks:`` added by
export/build.py): imports nothing from Django or the project.
"""

from __future__ import annotations

import re
from typing import Any

import markdown
from markdown.treeprocessors import InlineProcessor

# The release whose inline patterns were read for _TRIGGER (requirements/lock.txt).
MARKDOWN_VERSION = "3.11.3"
# The inline patterns of a converter with the site's extensions (tables, attr_list, md_in_html, toc), in order.
PATTERNS = (
    "backtick",
    "escape",
    "reference",
    "link",
    "image_link",
    "image_reference",
    "short_reference",
    "short_image_ref",
    "autolink",
    "automail",
    "linebreak",
    "html",
    "entity",
    "em_strong",
)
# What each of PATTERNS needs to match: a text with none of it is left as it is.
_TRIGGER = re.compile(r"[`\\\[<&*_]|  \n")

_original = InlineProcessor._InlineProcessor__handleInline


def _handle_inline(self: InlineProcessor, data: str, patternIndex: int = 0) -> str:
    if _TRIGGER.search(data) is None:
        return data
    result: str = _original(self, data, patternIndex)
    return result


def applies(config: Any) -> bool:
    """Whether the converter MkDocs makes from ``config`` has exactly :data:`PATTERNS` (and the release)."""
    if markdown.__version__ != MARKDOWN_VERSION:
        return False
    converter = markdown.Markdown(
        extensions=config["markdown_extensions"], extension_configs=config["mdx_configs"] or {}
    )
    patterns = converter.inlinePatterns
    if len(patterns) != len(PATTERNS) or not all(
        name in patterns and patterns.get_index_for_name(name) == index for index, name in enumerate(PATTERNS)
    ):
        return False
    # An extension with an inline step of its own (smarty) runs another InlineProcessor on other patterns.
    return all(
        processor.inlinePatterns is patterns
        for processor in converter.treeprocessors
        if isinstance(processor, InlineProcessor)
    )


def on_config(config: Any) -> None:
    if applies(config):
        InlineProcessor._InlineProcessor__handleInline = _handle_inline


def _restore() -> None:
    InlineProcessor._InlineProcessor__handleInline = _original


def on_post_build(*, config: Any) -> None:
    _restore()


def on_build_error(*, error: Exception) -> None:
    _restore()
