"""A unit's due dates and check-ins (节点) as an iCalendar file (RFC 5545).

Written by hand: the format needed here is a handful of all-day VEVENTs.
The output is deterministic (sorted events, UIDs from the items' stable ids,
DTSTAMP from the data rather than the clock) so the same ledger gives the
same bytes, as every other export of the project does.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from .models import Task
from .warnings import checkin_dates

PRODID = "-//anweihui//target-ledger//ZH"


def escape_text(value: str) -> str:
    """TEXT value escaping (RFC 5545 §3.3.11)."""
    return (
        value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\r\n", "\\n").replace("\n", "\\n")
    )


def fold(line: str) -> str:
    """Fold a content line at 75 octets without splitting a UTF-8 character (§3.1)."""
    out: list[str] = []
    current, size = "", 0
    for char in line:
        width = len(char.encode("utf-8"))
        limit = 75 if not out else 74  # continuation lines start with a space
        if size + width > limit:
            out.append(current)
            current, size = "", 0
        current += char
        size += width
    out.append(current)
    return "\r\n ".join(out)


def _event(uid: str, day: date, summary: str, description: str, stamp: datetime) -> list[str]:
    return [
        "BEGIN:VEVENT",
        f"UID:{uid}",
        f"DTSTAMP:{stamp:%Y%m%dT%H%M%SZ}",
        f"DTSTART;VALUE=DATE:{day:%Y%m%d}",
        f"DTEND;VALUE=DATE:{day + timedelta(days=1):%Y%m%d}",
        f"SUMMARY:{escape_text(summary)}",
        f"DESCRIPTION:{escape_text(description)}",
        "TRANSP:TRANSPARENT",
        "END:VEVENT",
    ]


def _stamp(task: Task) -> datetime:
    """A DTSTAMP that changes only when the item does: the notice's last publication."""
    published = getattr(task.notice, "last_published_at", None)
    if published:
        return published.astimezone(UTC).replace(microsecond=0)
    return datetime(2000, 1, 1, tzinfo=UTC)


def unit_calendar(unit: Any, tasks: Iterable[Task], host: str) -> bytes:
    """The calendar of ``unit``: one event per due date and per check-in of its items."""
    events: list[tuple[date, str, list[str]]] = []
    domain = host.split(":")[0] or "localhost"
    for task in tasks:
        title = (task.task or task.detail or task.topic)[:60]
        source = task.notice.doc_number or task.notice.title
        detail = "\n".join(filter(None, [task.detail[:300], f"文件：{source}", f"完成时限：{task.deadline_text}"]))
        stamp = _stamp(task)
        if task.due_date:
            uid = f"{task.row_id}-due@{domain}"
            events.append((task.due_date, uid, _event(uid, task.due_date, f"截止：{title}", detail, stamp)))
        for day in checkin_dates(task):
            if task.due_date and day == task.due_date:
                continue
            uid = f"{task.row_id}-{day:%Y%m%d}@{domain}"
            events.append((day, uid, _event(uid, day, f"节点：{title}", detail, stamp)))
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(unit.name + '任务日历')}",
        "X-WR-TIMEZONE:Asia/Shanghai",
    ]
    for _, _, event in sorted(events, key=lambda item: (item[0], item[1])):
        lines.extend(event)
    lines.append("END:VCALENDAR")
    return ("\r\n".join(fold(line) for line in lines) + "\r\n").encode("utf-8")
