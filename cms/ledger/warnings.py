"""临期 / 逾期: which open ledger items need attention, and by when.

An item is 逾期 when its final due date has passed and it is not done; it is
临期 when its due date, or its next check-in (节点), falls within the next
``LEDGER_DUE_SOON_DAYS`` days. The rule reads only the item's own fields and
``today``, so a test moves the clock by passing another ``today``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone

from .models import DONE_STATUSES, Task

DUE_SOON = "due_soon"
OVERDUE = "overdue"
WARNING_LABELS = {DUE_SOON: "临期", OVERDUE: "逾期"}


def due_soon_days() -> int:
    return int(getattr(settings, "LEDGER_DUE_SOON_DAYS", 15))


def _as_date(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    if isinstance(value, dict):
        value = value.get("date") or value.get("due")
    if isinstance(value, str):
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def checkin_dates(task: Task) -> list[date]:
    """The item's dated check-ins (节点), sorted; empty before the dates work provides them.

    Read through ``getattr`` because the check-in column belongs to the
    due-date logic (cms/ledger/deadlines.py); any list of ISO dates or of
    ``{"date": …}`` entries is understood.
    """
    raw = getattr(task, "checkpoints", None) or []
    return sorted({d for d in (_as_date(item) for item in raw) if d is not None})


def next_checkin(task: Task, today: date) -> date | None:
    return next((d for d in checkin_dates(task) if d >= today), None)


@dataclass(frozen=True)
class Warning:
    task: Task
    state: str
    on: date  # the date that triggers it: the due date, or the next check-in

    @property
    def label(self) -> str:
        return WARNING_LABELS[self.state]

    def days(self, today: date) -> int:
        return (self.on - today).days


def warning_for(task: Task, today: date | None = None, days: int | None = None) -> Warning | None:
    """The item's warning state on ``today``, or ``None`` when it needs no attention."""
    today = today or timezone.localdate()
    days = due_soon_days() if days is None else days
    if task.status in DONE_STATUSES:
        return None
    if task.due_date and task.due_date < today:
        return Warning(task, OVERDUE, task.due_date)
    horizon = today + timedelta(days=days)
    candidates = [d for d in (task.due_date, next_checkin(task, today)) if d and today <= d <= horizon]
    if candidates:
        return Warning(task, DUE_SOON, min(candidates))
    return None


def warnings_for(tasks: Iterable[Task], today: date | None = None, days: int | None = None) -> list[Warning]:
    """Warnings of ``tasks``: 逾期 first (oldest first), then 临期 (soonest first)."""
    today = today or timezone.localdate()
    found = [w for w in (warning_for(task, today, days) for task in tasks) if w is not None]
    return sorted(found, key=lambda w: (w.state != OVERDUE, w.on, w.task.row_id))
