"""Check that parsing lost no text.

Every non-whitespace character of the source must be found somewhere in the
parsed structure: header fields, block values, titles, unit names, or the
numbering and label tokens the recogniser stripped.  The comparison is a
character multiset, so it is blind to order and tolerant of text that the
structure repeats (a 专题 filled down over several rows), but it catches any
character that was dropped.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Iterator
from datetime import date
from typing import Any

from .tree import Block, ParsedAttachment, ParsedDocument, ParsedLetter

__all__ = ["coverage", "parsed_strings"]

_SAMPLE = 20


def _counted(ch: str) -> bool:
    """Characters that carry text: not whitespace, control or invisible format characters."""
    return not ch.isspace() and unicodedata.category(ch)[0] != "C"


def _format_number(value: float | int) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def _values(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, bool) or value is None:
        return
    elif isinstance(value, int | float):
        yield _format_number(value)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _values(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _values(item)


def _blocks(blocks: list[Block]) -> Iterator[str]:
    for block in blocks:
        yield from _values(block.value)


def _letter(letter: ParsedLetter) -> Iterator[str]:
    yield letter.unit_name
    yield letter.title
    yield from _blocks(letter.body)


def _attachment(attachment: ParsedAttachment) -> Iterator[str]:
    yield attachment.title
    yield from _blocks(attachment.body)
    for letter in attachment.letters:
        yield from _letter(letter)
    for nested in attachment.attachments:
        yield from _attachment(nested)


def _date(value: date | None) -> str:
    return f"{value.year}年{value.month}月{value.day}日" if value else ""


def parsed_strings(doc: ParsedDocument) -> Iterator[str]:
    """All text the parsed document holds (what a loader would store)."""
    yield from (
        doc.title,
        doc.doc_number,
        doc.issuer,
        doc.signer,
        doc.recipients,
        doc.attachment_note,
        doc.signature,
        _date(doc.written_date),
        doc.disclosure_wording,
        doc.remarks,
        doc.copied_to,
        doc.printed_by,
        _date(doc.printed_date),
    )
    yield from _blocks(doc.body)
    for attachment in doc.attachments:
        yield from _attachment(attachment)
    yield from doc.stripped_tokens
    # dropped page chrome and the 信息公开 block are accounted for: the report lists them
    yield from (text for _, text in doc.chrome)
    yield from (text for _, text in doc.metadata_lines)


def coverage(source_text: str, doc: ParsedDocument) -> tuple[float, list[str]]:
    """Share of the source's characters found in ``doc``, and a sample of missing ones.

    Returns ``(1.0, [])`` when nothing was lost.  The sample lists the most
    frequent missing characters (at most 20), to point at what was dropped.
    """
    source = Counter(ch for ch in source_text if _counted(ch))
    total = sum(source.values())
    if not total:
        return 1.0, []
    parsed = Counter(ch for text in parsed_strings(doc) for ch in text if _counted(ch))
    missing = source - parsed
    lost = sum(missing.values())
    sample = [ch for ch, _count in missing.most_common(_SAMPLE)]
    return (total - lost) / total, sample
