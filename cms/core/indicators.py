"""Indicator tables as they sit in a stored body stream: built, walked and labelled here.

One owner of the shape (as :mod:`cms.core.tasks` is of task rows): the
importer's loader builds tables with :func:`indicator_table`; the Markdown
renderer, the ledger's obligations (and so the ledger sync and the public
ledgers) and the unit pages read them through :func:`indicator_columns` and
:func:`indicator_rows`, and name columns and numbers with the labels here.
Pure Python over the stored JSON: the export uses it on the snapshot.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .markdown import list_items, list_items_with_ids

__all__ = [
    "IndicatorColumn",
    "IndicatorRow",
    "format_number",
    "indicator_column",
    "indicator_columns",
    "indicator_row",
    "indicator_rows",
    "indicator_table",
]


def format_number(value: float | int | None) -> str:
    """A cell's number as printed: ``5`` not ``5.0``, ``0.5`` as is, nothing for an empty cell."""
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def indicator_column(group: str, name: str) -> dict[str, Any]:
    """One stored column: its group header (市政消火栓建设任务, or "") and its name (新建数)."""
    return {"group": group, "name": name}


def indicator_row(unit: int | None, unit_name: str, values: Any) -> dict[str, Any]:
    """One stored row: the registry unit (or None), its name as written, the cells (a ListBlock value)."""
    return {"unit": unit, "unit_name": unit_name, "values": values}


def indicator_table(*, title: str, row_header: str, columns: Any, rows: Any) -> dict[str, Any]:
    """One stored table; ``columns`` and ``rows`` are ListBlock values of the two builders above."""
    return {"title": title, "row_header": row_header, "columns": columns, "rows": rows}


@dataclass(frozen=True)
class IndicatorColumn:
    column_id: str
    group: str
    name: str

    @property
    def heading(self) -> str:
        """``市政消火栓建设任务·新建数``: the column in one line, as a unit's page lists its cells."""
        return "·".join(part for part in (self.group, self.name) if part)

    @property
    def item_label(self) -> str:
        """``市政消火栓建设任务：新建数``: the column as the task of a tracked ledger item."""
        return f"{self.group}：{self.name}" if self.group else self.name


@dataclass(frozen=True)
class IndicatorRow:
    row_id: str
    unit: Any  # the stored registry reference, as stored (None when unresolved)
    unit_name: str
    values: list[Any]

    def cells(self, columns: Sequence[IndicatorColumn]) -> list[tuple[IndicatorColumn, Any]]:
        """(column, value) of each cell, as far as both the row and the header go."""
        return list(zip(columns, self.values, strict=False))


def indicator_columns(value: dict[str, Any]) -> list[IndicatorColumn]:
    return [
        IndicatorColumn(column_id, column.get("group") or "", column.get("name") or "")
        for column_id, column in list_items_with_ids(value.get("columns"))
    ]


def indicator_rows(value: dict[str, Any]) -> list[IndicatorRow]:
    return [
        IndicatorRow(row_id, row.get("unit"), row.get("unit_name") or "", list_items(row.get("values")))
        for row_id, row in list_items_with_ids(value.get("rows"))
    ]
