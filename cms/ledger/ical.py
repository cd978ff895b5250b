"""Due dates and check-ins (节点) as an iCalendar file (RFC 5545), from plain items.

Why a module of its own, without Django: the same calendar is served by the
admin (from ``Task`` rows, cms/ledger/calendar.py) and written into the
public site by the export's ledger process (from the snapshot's task dicts,
export/ledger_worker.py), which may import only pure cms helpers.  Both
turn their rows into :class:`CalendarItem` and call :func:`calendar_bytes`.

Written by hand: the format needed here is a handful of all-day VEVENTs.
The output is deterministic (sorted events, UIDs from the items' stable ids,
DTSTAMP from the data rather than the clock) so the same items give the same
bytes, as every other export of the project does.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

PRODID = "-//anweihui//target-ledger//ZH"
# DTSTAMP of an item whose notice carries no publication time: fixed, never the clock.
FALLBACK_STAMP = datetime(2000, 1, 1, tzinfo=UTC)
FALLBACK_DOMAIN = "localhost"


@dataclass(frozen=True)
class CalendarItem:
    """One ledger item as the calendar sees it."""

    uid: str  # the item's stable id (row id): events keep their UID across exports
    title: str
    description: str
    due: date | None
    checkins: tuple[date, ...] = ()
    stamp: datetime = FALLBACK_STAMP  # when the item's data last changed (UTC)

    @property
    def has_events(self) -> bool:
        return self.due is not None or bool(self.checkins)


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


def item_text(task: str, detail: str, topic: str, source: str, deadline_text: str) -> tuple[str, str]:
    """(title, description) of an item: the same wording in the admin's feed and the public one."""
    title = (task or detail or topic)[:60]
    description = "\n".join(filter(None, [detail[:300], f"文件：{source}", f"完成时限：{deadline_text}"]))
    return title, description


def parse_day(value: object) -> date | None:
    """A date from a ``date`` or an ISO string (the snapshot's form); anything else is no date."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def utc_stamp(value: datetime | str | None) -> datetime:
    """DTSTAMP from a publication time (aware datetime or ISO string with offset), to the second, in UTC."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            value = None
    if not isinstance(value, datetime):
        return FALLBACK_STAMP
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).replace(microsecond=0)


def domain_of(host: str) -> str:
    """The UID domain from a host (``example.org:8000`` → ``example.org``)."""
    return host.split(":")[0] or FALLBACK_DOMAIN


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


def item_events(item: CalendarItem, domain: str) -> list[tuple[date, str, list[str]]]:
    """(day, uid, lines) of the item's due date and of each check-in that is not the due date."""
    events = []
    if item.due:
        uid = f"{item.uid}-due@{domain}"
        events.append((item.due, uid, _event(uid, item.due, f"截止：{item.title}", item.description, item.stamp)))
    for day in sorted(set(item.checkins)):
        if day == item.due:
            continue
        uid = f"{item.uid}-{day:%Y%m%d}@{domain}"
        events.append((day, uid, _event(uid, day, f"节点：{item.title}", item.description, item.stamp)))
    return events


def calendar_bytes(name: str, items: Iterable[CalendarItem], domain: str) -> bytes:
    """The calendar ``name``: one event per due date and per check-in of ``items``, sorted by day and UID.

    An item listed twice (the same row reached through two pages) gives its
    events once: two events with one UID would make a phone calendar drop one.
    """
    events: dict[str, tuple[date, str, list[str]]] = {}
    for item in items:
        for event in item_events(item, domain):
            events.setdefault(event[1], event)
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(name)}",
        "X-WR-TIMEZONE:Asia/Shanghai",
    ]
    for _, _, event_lines in sorted(events.values(), key=lambda event: (event[0], event[1])):
        lines.extend(event_lines)
    lines.append("END:VCALENDAR")
    return ("\r\n".join(fold(line) for line in lines) + "\r\n").encode("utf-8")
