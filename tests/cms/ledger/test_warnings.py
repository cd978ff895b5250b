"""临期 / 逾期 states, the dashboard panel, and each unit's ICS calendar."""

from __future__ import annotations

from datetime import date, timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from cms.ledger.calendar import unit_calendar
from cms.ledger.models import ProgressStatus, Task, TaskProgress
from cms.ledger.warnings import DUE_SOON, OVERDUE, warning_for, warnings_for
from cms.workflow.setup import EDITORS
from tests.cms.workflow.conftest import build_units
from tests.factories import make_attachment, make_notice, task_list

TODAY = date(2025, 6, 1)


def item(due: date | None, status: str = ProgressStatus.IN_PROGRESS, checkpoints: Any = None) -> Any:
    return SimpleNamespace(due_date=due, status=status, checkpoints=checkpoints, row_id="r")


@pytest.mark.parametrize(
    ("due", "status", "checkpoints", "expected"),
    [
        (TODAY - timedelta(1), "in_progress", None, (OVERDUE, TODAY - timedelta(1))),
        (TODAY - timedelta(1), "closed", None, None),
        (TODAY - timedelta(1), "requested", None, None),
        (TODAY, "not_started", None, (DUE_SOON, TODAY)),
        (TODAY + timedelta(15), "returned", None, (DUE_SOON, TODAY + timedelta(15))),
        (TODAY + timedelta(16), "in_progress", None, None),
        (None, "in_progress", None, None),
        # A check-in (节点) inside the window warns although the final date is far.
        (date(2025, 12, 31), "in_progress", ["2025-03-31", "2025-06-30", "2025-09-30"], (DUE_SOON, date(2025, 6, 30))),
        (date(2025, 12, 31), "in_progress", [{"date": "2025-09-30"}], None),
    ],
)
def test_warning_for__states_by_due_date_checkin_and_status(due, status, checkpoints, expected):
    warning = warning_for(item(due, status, checkpoints), TODAY, 30 if checkpoints else 15)
    assert ((warning.state, warning.on) if warning else None) == expected


def test_warning_for__window_is_the_setting(settings):
    settings.LEDGER_DUE_SOON_DAYS = 3
    assert warning_for(item(TODAY + timedelta(3)), TODAY).state == DUE_SOON
    assert warning_for(item(TODAY + timedelta(4)), TODAY) is None


def test_warnings_for__overdue_first_then_soonest():
    tasks = [item(TODAY + timedelta(5)), item(TODAY - timedelta(1)), item(TODAY + timedelta(2))]
    assert [(w.state, w.on) for w in warnings_for(tasks, TODAY)] == [
        (OVERDUE, TODAY - timedelta(1)),
        (DUE_SOON, TODAY + timedelta(2)),
        (DUE_SOON, TODAY + timedelta(5)),
    ]


@pytest.fixture
def towns(notice_index, django_user_model) -> dict[str, Any]:
    """甲镇 and 乙镇 with one overdue, one due-soon and one far item each way."""
    units = build_units()
    today = date.today()
    notice = make_notice(notice_index, title="2025年度目标责任")
    a, b = units["a"], units["b"]
    rows = [
        {"task": "甲镇已逾期任务", "deadline": f"{today - timedelta(3):%Y年%-m月%-d日}前", "units": [(a, "lead")]},
        {"task": "甲镇临期任务", "deadline": f"{today + timedelta(5):%Y年%-m月%-d日}前", "units": [(a, "lead")]},
        {"task": "甲镇远期任务", "deadline": f"{today.year + 2}年底前", "units": [(a, "lead")]},
        {"task": "乙镇已逾期任务", "deadline": f"{today - timedelta(3):%Y年%-m月%-d日}前", "units": [(b, "lead")]},
    ]
    make_attachment(notice, body=[task_list(rows)])
    user = django_user_model.objects.create_user("editor-a", "", "secret-pass-123")
    user.groups.add(units["group_a"])
    client = Client()
    client.force_login(user)
    return {**units, "client": client, "tasks": {t.task: t for t in Task.objects.all()}}


def test_dashboard__unit_editor_sees_own_due_soon_and_overdue_items(towns):
    assert towns["tasks"]["甲镇已逾期任务"].due_date < date.today()
    html = towns["client"].get(reverse("wagtailadmin_home")).content.decode()
    assert "临期/逾期任务" in html
    assert "甲镇已逾期任务" in html and "甲镇临期任务" in html
    assert "甲镇远期任务" not in html and "乙镇已逾期任务" not in html
    assert reverse("ledger_progress:calendar", args=[towns["a"].pk]) in html


def test_dashboard__closed_item_moves_to_recent_reviews_and_office_sees_all_units(towns, django_user_model):
    TaskProgress.objects.create(row_id=towns["tasks"]["甲镇已逾期任务"].row_id, status=ProgressStatus.CLOSED)
    html = towns["client"].get(reverse("wagtailadmin_home")).content.decode()
    warnings, reviews = html.split("近期复核结果")
    assert "甲镇已逾期任务" not in warnings and "甲镇临期任务" in warnings
    # The unit learns of the 销号 from the same panel.
    assert "甲镇已逾期任务" in reviews and "已销号" in reviews
    office = django_user_model.objects.create_user("office", "", "secret-pass-123")
    office.groups.add(Group.objects.get(name=EDITORS))
    client = Client()
    client.force_login(office)
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "乙镇已逾期任务" in html and "甲镇临期任务" in html


def test_calendar__unit_feed_lists_its_due_dates_and_refuses_other_units(towns):
    url = reverse("ledger_progress:calendar", args=[towns["a"].pk])
    response = towns["client"].get(url)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    assert "filename*=utf-8''" in response["Content-Disposition"]
    body = response.content.decode()
    assert body.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n") and body.endswith("END:VCALENDAR\r\n")
    unfolded = body.replace("\r\n ", "")
    assert unfolded.count("BEGIN:VEVENT") == 3
    due = towns["tasks"]["甲镇临期任务"].due_date
    assert f"DTSTART;VALUE=DATE:{due:%Y%m%d}" in unfolded and "SUMMARY:截止：甲镇临期任务" in unfolded
    assert "乙镇已逾期任务" not in unfolded
    assert all(len(line.encode()) <= 75 for line in body.split("\r\n"))
    # Same data, same bytes.
    assert towns["client"].get(url).content == response.content
    assert towns["client"].get(reverse("ledger_progress:calendar", args=[towns["b"].pk])).status_code == 404


def test_calendar__writes_checkins_and_escapes_text():
    notice = SimpleNamespace(doc_number="测〔2025〕1号", title="t", last_published_at=None)
    task = SimpleNamespace(
        row_id="abc",
        task="开展检查; 整改, 复查",
        detail="",
        topic="",
        notice=notice,
        deadline_text="每季度",
        due_date=date(2025, 12, 31),
        checkpoints=["2025-03-31", "2025-12-31"],
    )
    body = unit_calendar(SimpleNamespace(name="甲镇"), [task], host="example.org:8000").decode()
    assert body.count("BEGIN:VEVENT") == 2
    assert "UID:abc-20250331@example.org" in body and "UID:abc-due@example.org" in body
    assert "开展检查\\; 整改\\, 复查" in body.replace("\r\n ", "")
