"""A unit's due dates and check-ins (节点) as an iCalendar file, for the admin.

The RFC 5545 writing lives in :mod:`cms.ledger.ical` (no Django), shared with
the public site's calendars the export writes; this module only turns
``Task`` rows into its items.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .ical import CalendarItem, calendar_bytes, domain_of, item_text, utc_stamp
from .models import Task
from .warnings import checkin_dates


def task_item(task: Task) -> CalendarItem:
    """The calendar's view of one row; DTSTAMP is its notice's last publication, so it changes only with the data."""
    source = task.notice.doc_number or task.notice.title
    title, description = item_text(task.task, task.detail, task.topic, source, task.deadline_text)
    return CalendarItem(
        uid=task.row_id,
        title=title,
        description=description,
        due=task.due_date,
        checkins=tuple(checkin_dates(task)),
        stamp=utc_stamp(getattr(task.notice, "last_published_at", None)),
    )


def unit_calendar(unit: Any, tasks: Iterable[Task], host: str) -> bytes:
    """The calendar of ``unit``: one event per due date and per check-in of its items."""
    return calendar_bytes(f"{unit.name}任务日历", (task_item(task) for task in tasks), domain_of(host))
