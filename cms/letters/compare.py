"""Clause-by-clause comparison of a letter with its template.

Clauses are aligned by their text (``difflib`` over the list of clause
texts), so an inserted or deleted clause does not shift every later one into
a "changed" pair; within a changed pair the difference is shown character by
character, which is the right granularity for Chinese.  Every piece of text
is escaped before it is wrapped in ``<ins>``/``<del>``.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Literal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .clauses import Clause

# Unchanged runs longer than this are shortened to their ends around a change.
CONTEXT_CHARS = 40


@dataclass
class ClauseDiff:
    status: Literal["changed", "added", "removed"]
    label: str
    html: SafeString


@dataclass
class Comparison:
    diffs: list[ClauseDiff] = field(default_factory=list)
    identical: int = 0

    @property
    def differing(self) -> int:
        return len(self.diffs)


def _shorten(text: str, *, keep_start: bool, keep_end: bool) -> str:
    if len(text) <= 2 * CONTEXT_CHARS + 1:
        return text
    head = text[:CONTEXT_CHARS] if keep_start else ""
    tail = text[-CONTEXT_CHARS:] if keep_end else ""
    return f"{head}…{tail}"


def inline_diff(old: str, new: str) -> SafeString:
    """``old`` → ``new`` as escaped HTML with deletions in <del> and insertions in <ins>."""
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    opcodes = matcher.get_opcodes()
    parts: list[str] = []
    for index, (tag, i1, i2, j1, j2) in enumerate(opcodes):
        if tag == "equal":
            # Keep the text next to a change; elide the middle of long unchanged runs.
            text = _shorten(old[i1:i2], keep_start=index > 0, keep_end=index < len(opcodes) - 1)
            parts.append(escape(text))
            continue
        if tag in {"delete", "replace"}:
            parts.append(f"<del>{escape(old[i1:i2])}</del>")
        if tag in {"insert", "replace"}:
            parts.append(f"<ins>{escape(new[j1:j2])}</ins>")
    return mark_safe("".join(parts))  # noqa: S308 - every piece above is escaped


def compare_clauses(template: list[Clause], letter: list[Clause]) -> Comparison:
    """Only the clauses that differ, plus the number of identical clauses left out."""
    result = Comparison()
    matcher = difflib.SequenceMatcher(None, [c.text for c in template], [c.text for c in letter], autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            result.identical += i2 - i1
            continue
        old, new = template[i1:i2], letter[j1:j2]
        for before, after in zip(old, new, strict=False):
            result.diffs.append(ClauseDiff("changed", after.label, inline_diff(before.text, after.text)))
        for before in old[len(new) :]:
            result.diffs.append(ClauseDiff("removed", before.label, mark_safe(f"<del>{escape(before.text)}</del>")))  # noqa: S308
        for after in new[len(old) :]:
            result.diffs.append(ClauseDiff("added", after.label, mark_safe(f"<ins>{escape(after.text)}</ins>")))  # noqa: S308
    return result
