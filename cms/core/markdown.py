"""Markdown output helpers shared by every block and by the exporter.

Everything an editor typed is data, never markup: :func:`md_text` makes any
string literal in Markdown *and* in the HTML Markdown passes through, so
``<script>``, ``**``, ``|`` and ``{{ }}`` all appear as typed.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

_CN_DIGITS = "零一二三四五六七八九"
# ASCII punctuation Python-Markdown (with the extensions in mkdocs.yml) treats
# as syntax somewhere.  Only the characters in its ESCAPED_CHARS (plus ``|``
# from the tables extension) take a backslash escape; any other backslash is
# printed as typed (``\:`` shows a backslash), so the rest become numeric
# character references, which Markdown passes through and HTML shows literally.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|])")
_MD_ENTITY = re.compile(r"[~:^=$]")


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 14 → 十四, 23 → 二十三, 105 → 一百零五."""
    if n <= 0:
        return str(n)
    if n < 10:
        return _CN_DIGITS[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        head = "" if tens == 1 else _CN_DIGITS[tens]
        return f"{head}十{_CN_DIGITS[ones] if ones else ''}"
    hundreds, rest = divmod(n, 100)
    if rest == 0:
        return f"{_CN_DIGITS[hundreds]}百"
    middle = "零" if rest < 10 else ""
    tail = chinese_number(rest) if rest >= 20 or rest < 10 else f"一{chinese_number(rest)}"
    return f"{_CN_DIGITS[hundreds]}百{middle}{tail}"


def ordinal(level: int, n: int) -> str:
    """The 层次序数 of GB/T 9704-2012: 一、 （一） 1. （1）."""
    if level == 1:
        return f"{chinese_number(n)}、"
    if level == 2:
        return f"（{chinese_number(n)}）"
    if level == 3:
        return f"{n}."
    if level == 4:
        return f"（{n}）"
    return ""


def escape_html(text: str) -> str:
    return html.escape(text, quote=True)


def md_text(text: str) -> str:
    """Literal text inside a Markdown paragraph, heading or list item."""
    # html.escape writes ' as &#x27;, whose # the Markdown escaping below would
    # break into a visible "&#x27;"; &apos; has no Markdown special character.
    text = escape_html(" ".join(str(text).split("\n")).strip()).replace("&#x27;", "&apos;")
    text = _MD_SPECIAL.sub(r"\\\1", text)
    return _MD_ENTITY.sub(lambda m: f"&#{ord(m.group())};", text)


def md_multiline(text: str) -> str:
    """Literal text whose line breaks are kept (``<br>`` between lines)."""
    return "<br>\n".join(md_text(line) for line in str(text).splitlines() if line.strip())


def html_multiline(text: str) -> str:
    """Literal text for a raw HTML block (table cells): no Markdown runs there."""
    return "<br>".join(escape_html(line.strip()) for line in str(text).splitlines() if line.strip())


@dataclass
class Numbering:
    """Counters for 层次序数, reset the way GB/T 9704 nests them."""

    counters: list[int] = field(default_factory=lambda: [0, 0, 0, 0, 0])

    def next(self, level: int) -> str:
        if level <= 0:
            self.reset()
            return ""
        self.counters[level] += 1
        for deeper in range(level + 1, len(self.counters)):
            self.counters[deeper] = 0
        return ordinal(level, self.counters[level])

    def reset(self) -> None:
        self.counters = [0] * len(self.counters)


def _no_link(unit_id: int | None, name: str) -> str:
    return escape_html(name)


@dataclass
class MarkdownContext:
    """What a block needs from the page it is rendered in.

    ``unit_link`` returns HTML for a unit reference: the exporter links to the
    unit's public page, the preview and tests may leave it as text.
    """

    unit_link: Callable[[int | None, str], str] = _no_link
    heading_base: int = 2  # the page title is h1; level 0/1 headings are h2
    numbering: Numbering = field(default_factory=Numbering)
    unit_names: dict[int, str] = field(default_factory=dict)

    def unit_name(self, unit_id: int | None, written: str) -> str:
        if unit_id is not None and unit_id in self.unit_names:
            return self.unit_names[unit_id]
        return written


def list_items(raw: Any) -> list[Any]:
    """Values of a ListBlock in either storage format (with or without ids)."""
    if not raw:
        return []
    items = []
    for item in raw:
        if isinstance(item, dict) and item.get("type") == "item" and "value" in item:
            items.append(item["value"])
        else:
            items.append(item)
    return items


def list_items_with_ids(raw: Any) -> list[tuple[str, Any]]:
    """(id, value) pairs of a ListBlock; ids are the stable row ids."""
    pairs = []
    for index, item in enumerate(raw or []):
        if isinstance(item, dict) and item.get("type") == "item" and "value" in item:
            pairs.append((str(item.get("id") or index), item["value"]))
        else:
            pairs.append((str(index), item))
    return pairs


def html_table(
    header_rows: Iterable[Iterable[str]],
    body_rows: Iterable[Iterable[str] | tuple[str, Iterable[str]]],
    css: str,
    caption: str = "",
) -> str:
    """A raw HTML table from already-escaped cell HTML (``<td ...>`` included).

    A body row may be ``(attributes, cells)`` to give the ``<tr>`` an id.
    Every header cell gets its ``scope`` (WCAG 1.3.1: a screen reader names
    the column or row of each value): ``col``/``colgroup`` in the head,
    ``row`` in the body; ``caption`` (escaped HTML) names the table.
    """
    head = "".join(f"<tr>{''.join(_scoped(cell, head=True) for cell in cells)}</tr>" for cells in header_rows)
    rows = [row if isinstance(row, tuple) else ("", row) for row in body_rows]
    body = "\n".join(f"<tr{attrs}>{''.join(_scoped(cell, head=False) for cell in cells)}</tr>" for attrs, cells in rows)
    thead = f"<thead>{head}</thead>" if head else ""
    top = f"<caption>{caption}</caption>\n" if caption else ""
    return f'<table class="{css}">\n{top}{thead}\n<tbody>\n{body}\n</tbody>\n</table>'


def _scoped(cell: str, *, head: bool) -> str:
    """``<th>`` with its scope (unless it has one)."""
    if not cell.startswith("<th") or " scope=" in cell.split(">", 1)[0]:
        return cell
    scope = ("colgroup" if " colspan=" in cell.split(">", 1)[0] else "col") if head else "row"
    return f'<th scope="{scope}"' + cell[3:]
