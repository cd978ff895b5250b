"""The grid's form state: the stored task-list value flattened for the browser, and back.

The stored shape (ListBlock items ``{"type": "item", "value": …, "id": …}``)
stays owned by the blocks in cms/core/blocks/tasks.py; this module only moves the
same fields between that shape and the grid's flat rows, keeping every id.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps

ROW_FIELDS = ("topic", "task", "detail", "deadline", "units_text")
UNIT_FIELDS = ("name", "role", "division")


def _items(raw: Any) -> list[tuple[str | None, dict]]:
    result = []
    for item in raw or []:
        if isinstance(item, dict) and "value" in item and isinstance(item.get("value"), dict):
            result.append((item.get("id"), item["value"]))
        elif isinstance(item, dict):
            result.append((None, item))
    return result


def unit_labels(unit_ids: set[int]) -> dict[int, str]:
    unit_model = apps.get_model("units", "Unit")
    return dict(unit_model.objects.filter(pk__in=unit_ids).values_list("pk", "name"))


def stored_to_grid(stored: dict) -> dict[str, Any]:
    """Stored task-list JSON → ``{"title", "rows": [{id, …, "units": [{id, unit, label, …}]}]}``."""
    rows: list[dict[str, Any]] = []
    for row_id, row in _items(stored.get("rows")):
        units = [
            {
                "id": unit_id,
                "unit": ref.get("unit"),
                "group": ref.get("group"),
                **{name: ref.get(name) or "" for name in UNIT_FIELDS},
            }
            for unit_id, ref in _items(row.get("units"))
        ]
        rows.append({"id": row_id, **{name: row.get(name) or "" for name in ROW_FIELDS}, "units": units})
    labels = unit_labels({u["unit"] for row in rows for u in row["units"] if isinstance(u["unit"], int)})
    for row in rows:
        for unit in row["units"]:
            unit["label"] = labels.get(unit["unit"], "") if unit["unit"] else ""
            unit["role"] = unit["role"] or "lead"
    return {"title": stored.get("title") or "", "rows": rows}


def grid_to_stored(grid: dict) -> dict[str, Any]:
    """The grid's posted state → stored task-list JSON; rows and units without an id get one on save.

    Entirely blank rows are dropped.
    """
    rows = []
    for row in grid.get("rows") or []:
        if not isinstance(row, dict):
            continue
        units: list[dict[str, Any]] = [
            {
                "type": "item",
                "id": unit.get("id") or None,
                "value": {
                    "unit": _pk(unit.get("unit")),
                    "group": _pk(unit.get("group")),
                    **{name: str(unit.get(name) or "") for name in UNIT_FIELDS},
                },
            }
            for unit in row.get("units") or []
            if isinstance(unit, dict)
        ]
        for unit in units:
            unit["value"]["role"] = unit["value"]["role"] or "lead"
        value: dict[str, Any] = {**{name: str(row.get(name) or "") for name in ROW_FIELDS}, "units": units}
        if not units and not any(value[name].strip() for name in ROW_FIELDS):
            continue  # a row left entirely blank (a new list starts with one) is no task
        rows.append({"type": "item", "id": row.get("id") or None, "value": value})
    return {"title": str(grid.get("title") or ""), "rows": rows}


def _pk(value: Any) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None
