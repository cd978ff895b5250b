"""个性目标 (target groups) as they sit in a stored body stream: built, walked and labelled here.

One owner of the shape (as :mod:`cms.core.tasks` is of task rows): the
importer's loader builds a group with :func:`target_group` and
:func:`target`; the ledger's obligations (and so the ledger sync and the
public ledgers), the unit pages and the Markdown renderer walk it with
:func:`group_targets`.  Pure Python over the stored JSON.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .markdown import list_items_with_ids

__all__ = ["GroupTarget", "group_targets", "target", "target_group", "with_indicator"]


def target(text: str, indicator: str = "") -> dict[str, Any]:
    """One stored target: its text and its quantitative indicator (≥85%, or "")."""
    return {"text": text, "indicator": indicator}


def target_group(unit: int | None, unit_name: str, targets: Any) -> dict[str, Any]:
    """One unit's 个性目标: the registry unit (or None), its name as written, the targets (a ListBlock value)."""
    return {"unit": unit, "unit_name": unit_name, "targets": targets}


def with_indicator(text: str, indicator: str) -> str:
    """``text（指标：≥85%）``: a target's text with its indicator, as ledgers and unit pages print it."""
    return f"{text}（指标：{indicator}）" if indicator else text


@dataclass(frozen=True)
class GroupTarget:
    target_id: str
    text: str
    indicator: str
    raw: dict[str, Any]  # the stored value, for the block that renders it

    @property
    def label(self) -> str:
        return with_indicator(self.text, self.indicator)


def group_targets(value: dict[str, Any]) -> list[GroupTarget]:
    """The targets of a stored target group, in order, with their stable ids."""
    return [
        GroupTarget(target_id, item.get("text") or "", item.get("indicator") or "", item)
        for target_id, item in list_items_with_ids(value.get("targets"))
    ]
