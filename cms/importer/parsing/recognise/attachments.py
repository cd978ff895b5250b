"""Helpers that find 附件 boundaries: declared counts, letters, kinds and table titles.

Pure functions of the item stream, kept apart from the recogniser so the
attachment rules read on their own.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..tree import AttachmentKind, SourceParagraph, SourceTable
from .patterns import _LABEL, _NOTE_HEAD, _NOTE_ITEM, _TABLE_TITLE_END, Item, _letter_title, _numbering


def _note_line(text: str) -> bool:
    """A line of an 附件说明 list: "2. 标题" or a short title-like line."""
    return bool(_NOTE_ITEM.match(text)) or (
        len(text) <= 60 and "。" not in text and _numbering(text) is None and not _LABEL.match(text)
    )


def _declared_attachments(items: Sequence[Item]) -> int:
    """How many attachments an attachment's own 附件说明 lists (0 when it has none)."""
    for k in range(len(items) - 1, -1, -1):
        item = items[k]
        if isinstance(item, SourceParagraph) and _NOTE_HEAD.match(item.text):
            count = 1
            for follower in items[k + 1 :]:
                if isinstance(follower, SourceParagraph) and _note_line(follower.text):
                    count += 1
                else:
                    break
            return count
    return 0


def _split_letters(items: list[Item]) -> tuple[list[Item], list[tuple[str, str, int, list[Item]]]]:
    """Split an attachment body at per-unit letter titles (2023年岩前镇人民政府消防工作目标责任)."""
    shared: list[Item] = []
    letters: list[tuple[str, str, int, list[Item]]] = []
    i = 0
    while i < len(items):
        found = _letter_title(items, i)
        if found:
            title, unit, used = found
            letters.append((title, unit, items[i].line, []))
            i += used
            continue
        (letters[-1][3] if letters else shared).append(items[i])
        i += 1
    return shared, letters


def _attachment_kind(title: str, has_letters: bool) -> AttachmentKind:
    if has_letters or "责任书" in title:
        return "letters"
    if "清单" in title:
        return "tasks"
    if "方案" in title:
        return "plan"
    if "目标责任" in title:
        return "targets"
    return "other"


def _table_title_row(table: SourceTable) -> str | None:
    """The text of a first row that holds only the table's title."""
    if len(table.rows) < 2:
        return None
    texts = [cell.text for cell in table.rows[0] if cell.text]
    if len(texts) == 1 and len(texts[0]) <= 60 and _TABLE_TITLE_END.search(texts[0]):
        return texts[0]
    return None
