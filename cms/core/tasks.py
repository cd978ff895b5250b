"""Task rows as they sit in a stored body stream.

One walker for the database task index, the public ledgers and the unit
pages, so a task is the same thing wherever it is counted.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from .markdown import list_items, list_items_with_ids


def iter_task_rows(raw_body: list[dict[str, Any]]) -> Iterator[tuple[str, dict[str, Any]]]:
    """(row_id, row) for every task-list row; ``row["units"]`` is a plain list."""
    for block in raw_body or []:
        if block.get("type") != "task_list":
            continue
        for row_id, row in list_items_with_ids(block.get("value", {}).get("rows")):
            units = [
                {
                    "unit": ref.get("unit"),
                    "name": ref.get("name") or "",
                    "role": ref.get("role") or "lead",
                    "division": ref.get("division") or "",
                }
                for ref in list_items(row.get("units"))
            ]
            yield row_id, {**row, "units": units}
