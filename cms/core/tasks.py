"""Task rows as they sit in a stored body stream: built here, walked here.

One owner of the shape: the importer's loader and the test factories build
rows with :func:`task_row` / :func:`unit_ref`; the database task index, the
public ledgers and the unit pages walk them with :func:`iter_task_rows`, so
a task is the same thing wherever it is written or counted.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

from .markdown import list_items, list_items_with_ids


def unit_ref(
    unit: int | None, name: str, role: str = "lead", division: str = "", group: int | None = None
) -> dict[str, Any]:
    """One responsible unit of a row: registry id (or None), the name as written, lead/support/unstated,
    sub-division, and the unit group (各乡镇（街道）…) when the name is a collective reference."""
    return {"unit": unit, "group": group, "name": name, "role": role or "lead", "division": division}


def task_row(
    *,
    topic: str = "",
    task: str = "",
    detail: str = "",
    deadline: str = "",
    units: list[dict[str, Any]] | None = None,
    units_text: str = "",
) -> dict[str, Any]:
    """One stored task-list row; ``units`` are list items (``{"type": "item", "value": unit_ref(…), "id": …}``)."""
    return {
        "topic": topic,
        "task": task,
        "detail": detail,
        "deadline": deadline,
        "units": units or [],
        "units_text": units_text,
    }


def iter_task_rows(raw_body: list[dict[str, Any]]) -> Iterator[tuple[str, dict[str, Any]]]:
    """(row_id, row) for every task-list row; ``row["units"]`` is a plain list."""
    for block in raw_body or []:
        if block.get("type") != "task_list":
            continue
        for row_id, row in list_items_with_ids(block.get("value", {}).get("rows")):
            units = [
                {
                    "unit": ref.get("unit"),
                    "group": ref.get("group"),
                    "name": ref.get("name") or "",
                    "role": ref.get("role") or "lead",
                    "division": ref.get("division") or "",
                }
                for ref in list_items(row.get("units"))
            ]
            yield row_id, {**row, "units": units}


def _list_values(raw: Any) -> list[dict[str, Any]]:
    """The dict values of a stored ListBlock (with or without item ids), to be changed in place."""
    return [value for value in list_items(raw) if isinstance(value, dict)]


def replace_unit_refs(raw_body: list[dict[str, Any]], mapping: dict[int, int]) -> tuple[list[dict[str, Any]], int]:
    """A copy of a stored body with every registry unit pk in ``mapping`` replaced; and how many were.

    The one place that knows where unit pks sit in a stored body stream:
    task rows' unit refs (``task_list.rows[].units[].unit``), 个性目标
    (``target_group.unit``) and indicator rows (``indicator_table.rows[].unit``).
    A merge of units rewrites live pages and every revision with it, so
    publishing an old draft cannot bring an absorbed unit back. Names as
    written (``name``, ``unit_name``) are the source's words and stay.
    """
    body = copy.deepcopy(list(raw_body or []))
    count = 0

    def swap(holder: dict[str, Any]) -> None:
        nonlocal count
        old = holder.get("unit")
        if old is not None and old in mapping:
            holder["unit"] = mapping[old]
            count += 1

    for block in body:
        if not isinstance(block, dict) or not isinstance(block.get("value"), dict):
            continue
        value = block["value"]
        kind = block.get("type")
        if kind == "task_list":
            for row in _list_values(value.get("rows")):
                for ref in _list_values(row.get("units")):
                    swap(ref)
        elif kind == "target_group":
            swap(value)
        elif kind == "indicator_table":
            for row in _list_values(value.get("rows")):
                swap(row)
    return body, count
