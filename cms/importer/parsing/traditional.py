"""繁体 documents: recognise on a simplified copy, store the text as written.

Portal mirrors serve documents in 繁体 (``此件公開發布``, ``關於``,
``年度安全生產目標責任``); every pattern of the recogniser is written in
简体. Rather than doubling the patterns, the item stream is converted with
OpenCC, recognised, and every string of the result is mapped back to the
characters the source used. The map is learnt from the document itself
(position by position where a conversion kept the length), so a 后/後 or
面/麵 choice follows what the author wrote.
"""

from __future__ import annotations

import dataclasses
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from typing import Any

from opencc import OpenCC

from .tree import ParsedDocument, SourceCell, SourceParagraph, SourceTable

__all__ = ["simplified_copy"]

Item = SourceParagraph | SourceTable

_SAMPLE_CHARS = 6000
# A few converted characters can be chance (a name); a 繁体 text converts dozens.
_MIN_CHANGED = 4
_T2S = OpenCC("t2s")


def _texts(items: Sequence[Item]) -> list[str]:
    out: list[str] = []
    for item in items:
        if isinstance(item, SourceTable):
            out += [cell.text for row in item.rows for cell in row]
        else:
            out.append(item.text)
    return out


def is_traditional(items: Sequence[Item]) -> bool:
    sample = "".join(_texts(items))[:_SAMPLE_CHARS]
    converted = _T2S.convert(sample)
    return sum(1 for a, b in zip(sample, converted, strict=False) if a != b) >= _MIN_CHANGED


def simplified_copy(items: Sequence[Item]) -> tuple[list[Item], Callable[[ParsedDocument], None] | None]:
    """(items to recognise, a function restoring the written characters), or (items, None) for 简体."""
    if not is_traditional(items):
        return list(items), None
    seen: dict[str, Counter[str]] = defaultdict(Counter)
    simple_parts: list[str] = []
    written_parts: list[str] = []

    def convert(text: str) -> str:
        simple = _T2S.convert(text)
        if len(simple) == len(text):
            simple_parts.append(simple)
            written_parts.append(text)
            for written, plain in zip(text, simple, strict=True):
                if written != plain:
                    seen[plain][written] += 1
        return simple

    out: list[Item] = []
    for item in items:
        if isinstance(item, SourceTable):
            rows = [
                [SourceCell(convert(c.text), c.merged_from, c.rowspan, c.colspan) for c in row] for row in item.rows
            ]
            out.append(SourceTable(rows=rows, line=item.line))
        else:
            out.append(SourceParagraph(text=convert(item.text), line=item.line))
    table = {ord(plain): counts.most_common(1)[0][0] for plain, counts in seen.items()}
    simple_text, written_text = "\n".join(simple_parts), "\n".join(written_parts)

    cache: dict[str, str] = {}

    def back(text: str) -> str:
        """The written form: the source slice where the string occurs verbatim, else character by character."""
        if text.isascii():  # keys, ids, choice values: conversion never touches ASCII
            return text
        if text not in cache:
            at = simple_text.find(text)
            cache[text] = written_text[at : at + len(text)] if at >= 0 else text.translate(table)
        return cache[text]

    def restore(document: ParsedDocument) -> None:
        _restore(document, back)

    return out, restore


def _restore(value: Any, back: Callable[[str], str]) -> Any:
    """Map every string inside ``value`` back to the written characters (in place for containers)."""
    if isinstance(value, str):
        return back(value)
    if isinstance(value, list):
        value[:] = [_restore(v, back) for v in value]
        return value
    if isinstance(value, tuple):
        return tuple(_restore(v, back) for v in value)
    if isinstance(value, dict):
        items = [(_restore(k, back), _restore(v, back)) for k, v in value.items()]
        value.clear()
        value.update(items)
        return value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            setattr(value, f.name, _restore(getattr(value, f.name), back))
        return value
    return value
