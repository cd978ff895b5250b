"""Every tracked item (obligation) of one stored page body: tasks, targets, indicator cells.

A unit's ledger must list everything it has to do, not only the rows of
task lists: the 共性目标 every addressee carries, the 个性目标 written for
one unit (a ``target_group`` or a 目标责任书 letter) and each cell of an
indicator table (``新建数 5``).  This module walks the stored JSON once and
yields each of them in the shape of a task row, with a ``kind`` and a stable
id derived from the block ids, so the admin index, the public ledgers and
progress reports all count the same items.

Pure Python over the stored JSON (no Django): the export's ledger step
uses it on the snapshot.
"""

from __future__ import annotations

import html
import re
import uuid
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, NamedTuple

from cms.core.indicators import format_number, indicator_columns, indicator_rows
from cms.core.markdown import list_items_with_ids
from cms.core.targets import group_targets, with_indicator
from cms.core.tasks import iter_task_rows

__all__ = [
    "ITEM_KINDS",
    "KIND_COMMON",
    "KIND_INDICATOR",
    "KIND_SPECIFIC",
    "KIND_TASK",
    "SOURCE_ADDRESSEE",
    "UnitLink",
    "addressee_refs",
    "body_text",
    "expand_units",
    "indicator_item_id",
    "is_target_document",
    "iter_obligations",
]

KIND_TASK = "任务"
KIND_COMMON = "共性目标"
KIND_SPECIFIC = "个性目标"
KIND_INDICATOR = "指标"
ITEM_KINDS: tuple[str, ...] = (KIND_TASK, KIND_COMMON, KIND_SPECIFIC, KIND_INDICATOR)

# A document whose paragraphs are targets: 目标责任(书), 责任目标, 工作目标.
_TARGET_TITLE = re.compile(r"目[标標]责任|目[标標]責任|[责責]任目[标標]|工作目[标標]|目[标標]任[务務]")
_TAG = re.compile(r"<[^>]+>")
_LEAD_SENTENCE = re.compile(r"^([^。；：]{2,40})[。：]")
# Indicator cell ids: uuid5 of the row and column ids, so the id is stable and fits 64 chars.
_INDICATOR_NAMESPACE = uuid.UUID("6c1f6f0e-3a47-5d1c-9a55-1d3c0f2a7b41")
_SKIPPED_KEYS = frozenset({"id", "type", "unit", "role", "level"})
# Marks a unit reference that comes from the notice's 主送 list, not from the row itself.
SOURCE_ADDRESSEE = "addressee"


def is_target_document(title: str) -> bool:
    """Whether a page's title makes its numbered paragraphs targets (目标责任 and the like)."""
    return bool(_TARGET_TITLE.search(title or ""))


def indicator_item_id(row_id: str, column_id: str) -> str:
    return str(uuid.uuid5(_INDICATOR_NAMESPACE, f"{row_id}/{column_id}"))


def _plain(rich: str) -> str:
    return html.unescape(_TAG.sub("", rich or "")).strip()


def _strings(raw: Any) -> Iterator[str]:
    if isinstance(raw, str):
        yield _plain(raw)
    elif isinstance(raw, dict):
        for key, value in raw.items():
            if key not in _SKIPPED_KEYS:
                yield from _strings(value)
    elif isinstance(raw, list):
        for value in raw:
            yield from _strings(value)


def body_text(raw_body: list[dict[str, Any]] | None) -> str:
    """All text of a stored body (rich text as plain text): what periods and years are read from."""
    return "\n".join(text for text in _strings(raw_body or []) if text)


def _split_target(text: str) -> tuple[str, str]:
    """``强化监管。具体内容……`` → (``强化监管``, ``具体内容……``); no short lead → ("", text)."""
    match = _LEAD_SENTENCE.match(text)
    if not match:
        return "", text
    rest = text[match.end() :].strip()
    return (match.group(1), rest) if rest else ("", text)


def _unit_ref(unit: Any, name: str) -> list[dict[str, Any]]:
    if unit is None and not name:
        return []
    return [{"unit": unit, "group": None, "name": name or "", "role": "lead", "division": ""}]


class UnitLink(NamedTuple):
    """One unit that must act on an item, and how it got there."""

    unit: int
    role: str  # lead / support / unstated
    group: int | None  # the group it carries the item through (各乡镇（街道）), or None
    addressee: bool  # from the notice's 主送 list, not from the item itself
    division: str = ""


# A row naming one unit twice (after a merge) keeps the stronger role.
_ROLE_STRENGTH = {"lead": 2, "support": 1, "unstated": 0}


def expand_units(refs: Sequence[dict[str, Any]], members: Mapping[int, Sequence[int]]) -> list[UnitLink]:
    """Every unit of an item's references, groups expanded to their members.

    One link per unit: a unit the item names twice (two merged units) keeps its
    stronger role (牵头 over 配合 over unstated); a unit the item names itself wins over the same unit
    reached through the 主送 list, which wins over one reached through a
    group (the strongest reason is the one shown).  ``members``: group id →
    member unit ids, in registry order.
    """
    ranked: dict[int, tuple[int, int, UnitLink]] = {}
    for position, ref in enumerate(refs):
        addressee = ref.get("source") == SOURCE_ADDRESSEE
        role = ref.get("role") or "lead"
        unit, group = ref.get("unit"), ref.get("group")
        candidates: list[tuple[int, UnitLink]] = []
        if unit is not None:
            candidates.append((1 if addressee else 0, UnitLink(unit, role, None, addressee, ref.get("division") or "")))
        elif group is not None:
            candidates += [(2, UnitLink(member, role, group, addressee)) for member in members.get(group, ())]
        for rank, link in candidates:
            held = ranked.get(link.unit)
            stronger = (
                held is not None
                and rank == held[0]
                and _ROLE_STRENGTH.get(link.role, 0) > _ROLE_STRENGTH.get(held[2].role, 0)
            )
            if held is None or rank < held[0] or stronger:
                ranked[link.unit] = (rank, held[1] if held else position, link)
    return [link for _, _, link in sorted(ranked.values(), key=lambda held: (held[1], held[0]))]


def addressee_refs(addressees: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
    """The notice's 主送 units and groups as unit references of its 共性目标.

    Role ``unstated``: a 主送 list names who must act, never who leads.
    ``source`` says the reference comes from the notice, so ledgers can show 主送.
    """
    refs = []
    for item in addressees or []:
        unit, group = item.get("unit"), item.get("group")
        if unit is None and group is None:
            continue
        refs.append(
            {
                "unit": unit,
                "group": group,
                "name": item.get("name") or "",
                "role": "unstated",
                "division": "",
                "source": SOURCE_ADDRESSEE,
            }
        )
    return refs


def _target_row(kind: str, topic: str, text: str, units: list[dict[str, Any]], indicator: str = "") -> dict[str, Any]:
    task, detail = _split_target(text)
    if indicator not in text:
        detail = with_indicator(detail, indicator)
    return {
        "kind": kind,
        "topic": topic,
        "task": task,
        "detail": detail,
        "deadline": "",
        "units": units,
        "units_text": "、".join(ref["name"] for ref in units if ref["name"]),
        "target_value": None,
    }


def iter_obligations(
    raw_body: list[dict[str, Any]] | None,
    *,
    title: str = "",
    letter_unit: int | None = None,
    letter_unit_name: str = "",
    paragraph_targets: bool = True,
    addressees: list[dict[str, Any]] | None = None,
) -> Iterator[tuple[str, dict[str, Any]]]:
    """(item_id, row) for every tracked item of one page body, in document order.

    * task-list rows: kind 任务 (ids as :func:`cms.core.tasks.iter_task_rows`);
    * ``target`` blocks and, on a 目标责任 page (see :func:`is_target_document`),
      numbered paragraphs: 共性目标, or 个性目标 of ``letter_unit`` on a
      目标责任书 letter;
    * ``target_group`` targets: 个性目标 of the group's unit;
    * indicator cells with a non-zero value: 指标 of the row's unit.

    ``paragraph_targets=False`` for a cover notice whose targets sit in its
    attachments (its numbered points say how to carry them out).

    ``addressees``: the notice's 主送 units and groups (``{"unit": pk}`` or
    ``{"group": pk}`` with a ``name``); a 共性目标 that names no unit of its
    own applies to all of them (see :func:`addressee_refs`).  Task rows may
    carry group references (``unit`` None, ``group`` pk) as written.
    """
    common_units = addressee_refs(addressees)
    for item_id, row in _obligations(raw_body, title, letter_unit, letter_unit_name, paragraph_targets):
        if row["kind"] == KIND_COMMON and not row["units"] and common_units:
            row = {**row, "units": [dict(ref) for ref in common_units]}
        yield item_id, row


def _obligations(
    raw_body: list[dict[str, Any]] | None,
    title: str,
    letter_unit: int | None,
    letter_unit_name: str,
    paragraph_targets: bool,
) -> Iterator[tuple[str, dict[str, Any]]]:
    task_rows = dict(iter_task_rows(raw_body or []))
    on_letter = letter_unit is not None or bool(letter_unit_name)
    paragraphs_are_targets = paragraph_targets and (on_letter or is_target_document(title))
    plain_kind = KIND_SPECIFIC if on_letter else KIND_COMMON
    plain_units = _unit_ref(letter_unit, letter_unit_name) if on_letter else []
    topic = ""
    for block in raw_body or []:
        kind, value, block_id = block.get("type"), block.get("value") or {}, block.get("id") or ""
        if kind == "heading":
            topic = value.get("text") or ""
        elif kind == "task_list":
            for row_id, _ in list_items_with_ids(value.get("rows")):
                if row_id in task_rows:
                    yield row_id, {**task_rows[row_id], "kind": KIND_TASK, "target_value": None}
        elif kind == "target" and block_id:
            yield (
                block_id,
                _target_row(plain_kind, topic, value.get("text") or "", plain_units, value.get("indicator") or ""),
            )
        elif kind == "paragraph" and paragraphs_are_targets and block_id and int(value.get("level") or 0) > 0:
            text = _plain(value.get("text") or "")
            if text:
                yield block_id, _target_row(plain_kind, topic, text, plain_units)
        elif kind == "target_group":
            units = _unit_ref(value.get("unit"), value.get("unit_name") or "")
            for target in group_targets(value):
                yield target.target_id, _target_row(KIND_SPECIFIC, topic, target.text, units, target.indicator)
        elif kind == "indicator_table":
            yield from _indicator_items(value, topic)


def _indicator_items(value: dict[str, Any], topic: str) -> Iterator[tuple[str, dict[str, Any]]]:
    columns = indicator_columns(value)
    title = value.get("title") or topic
    for row in indicator_rows(value):
        units = _unit_ref(row.unit, row.unit_name)
        for column, number in row.cells(columns):
            if number in (None, "") or not isinstance(number, int | float) or number == 0:
                continue
            yield (
                indicator_item_id(row.row_id, column.column_id),
                {
                    "kind": KIND_INDICATOR,
                    "topic": title,
                    "task": column.item_label,
                    "detail": f"{column.name} {format_number(number)}",
                    "deadline": "",
                    "units": units,
                    "units_text": "、".join(ref["name"] for ref in units if ref["name"]),
                    "target_value": float(number),
                },
            )
