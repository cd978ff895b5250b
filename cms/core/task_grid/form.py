"""Form handling of TaskListBlock when edited in the grid (one JSON field per task list)."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings

from .state import grid_to_stored, stored_to_grid


def grid_enabled() -> bool:
    """``TASK_GRID_EDITOR = False`` brings back Wagtail's nested forms (the benchmark compares both)."""
    return getattr(settings, "TASK_GRID_EDITOR", True)


class TaskGridFormMixin:
    """Mixed into TaskListBlock: the grid's state in, the same StructValue out."""

    def get_form_state(self, value: Any) -> Any:
        if not grid_enabled():
            return super().get_form_state(value)  # type: ignore[misc]
        return stored_to_grid(self.get_prep_value(value))  # type: ignore[attr-defined]

    def value_from_datadict(self, data: Any, files: Any, prefix: str) -> Any:
        if not grid_enabled():
            return super().value_from_datadict(data, files, prefix)  # type: ignore[misc]
        try:
            grid = json.loads(data.get(prefix) or "{}")
        except ValueError:
            grid = {}
        return self.to_python(grid_to_stored(grid if isinstance(grid, dict) else {}))  # type: ignore[attr-defined]

    def value_omitted_from_data(self, data: Any, files: Any, prefix: str) -> bool:
        if not grid_enabled():
            return super().value_omitted_from_data(data, files, prefix)  # type: ignore[misc]
        return prefix not in data
