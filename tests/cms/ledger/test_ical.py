"""The RFC 5545 writer shared by the admin's and the public site's calendars (no Django needed)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from cms.ledger.ical import CalendarItem, calendar_bytes, fold, item_text, parse_day, utc_stamp


def _item(uid: str = "abc", **fields) -> CalendarItem:
    values = {"title": "开展检查", "description": "文件：测〔2025〕1号", "due": date(2025, 12, 31)}
    return CalendarItem(uid=uid, **{**values, **fields})


def test_fold__never_splits_a_character():
    line = "SUMMARY:" + "安全生产" * 40
    folded = fold(line)
    parts = folded.split("\r\n ")
    assert "".join(parts) == line and all(len(p.encode()) <= 75 for p in parts)


def test_calendar_bytes__one_event_per_due_date_and_checkin_sorted_by_day():
    item = _item(checkins=(date(2025, 12, 31), date(2025, 3, 31)))
    body = calendar_bytes("甲镇任务日历", [item], "example.org").decode()
    starts = [line for line in body.split("\r\n") if line.startswith("DTSTART")]
    # The check-in on the due date is the due date's event, not a second one.
    assert starts == ["DTSTART;VALUE=DATE:20250331", "DTSTART;VALUE=DATE:20251231"]
    assert "UID:abc-20250331@example.org" in body and "UID:abc-due@example.org" in body
    assert "X-WR-CALNAME:甲镇任务日历" in body


def test_calendar_bytes__same_item_twice_gives_its_events_once():
    body = calendar_bytes("日历", [_item(), _item()], "example.org").decode()
    assert body.count("BEGIN:VEVENT") == 1


def test_calendar_bytes__dtstamp_comes_from_the_data_not_the_clock():
    stamp = utc_stamp("2025-03-01T10:00:00+08:00")
    assert stamp == datetime(2025, 3, 1, 2, tzinfo=UTC)
    body = calendar_bytes("日历", [_item(stamp=stamp)], "example.org").decode()
    assert "DTSTAMP:20250301T020000Z" in body
    assert calendar_bytes("日历", [_item(stamp=stamp)], "example.org") == body.encode()
    assert "DTSTAMP:20000101T000000Z" in calendar_bytes("日历", [_item(stamp=utc_stamp(None))], "x").decode()


def test_item_text__escaped_in_the_event():
    title, description = item_text("开展检查; 整改, 复查", "", "", "测〔2025〕1号", "每季度")
    body = calendar_bytes("日历", [_item(title=title, description=description)], "x").decode()
    unfolded = body.replace("\r\n ", "")
    assert "SUMMARY:截止：开展检查\\; 整改\\, 复查" in unfolded
    assert "DESCRIPTION:文件：测〔2025〕1号\\n完成时限：每季度" in unfolded


def test_parse_day__iso_strings_and_dates_only():
    assert parse_day("2025-06-30") == date(2025, 6, 30)
    assert parse_day(date(2025, 6, 30)) == date(2025, 6, 30)
    assert parse_day("每季度") is None and parse_day(None) is None
