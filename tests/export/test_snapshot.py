"""The public snapshot: same content as page-by-page reads, in a number of queries that does not grow."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page

from export.snapshot import take_snapshot
from tests.factories import UnitFactory, make_attachment, make_letter, make_notice

pytestmark = pytest.mark.django_db


def _notice_with_children(index, n: int):
    notice = make_notice(index, title=f"通知{n}")
    letters = make_attachment(notice, number=1, title=f"目标责任书{n}", kind="letters")
    make_letter(letters, UnitFactory(name=f"单位{n}"), title=f"责任书{n}")
    inner = make_attachment(letters, number=1, title=f"附件中的附件{n}")
    make_attachment(notice, number=2, title=f"重点项目清单{n}")
    make_attachment(notice, number=3, title=f"草稿附件{n}", publish=False)
    return notice, inner


def _queries(callable_) -> int:
    with CaptureQueriesContext(connection) as captured:
        callable_()
    return len(captured.captured_queries)


def test_take_snapshot__tree_of_attachments_letters_and_nested_attachments(notice_index):
    _notice_with_children(notice_index, 1)
    (notice,) = take_snapshot()["notices"]
    assert [a["title"] for a in notice["attachments"]] == ["目标责任书1", "重点项目清单1"]
    letters = notice["attachments"][0]
    assert [letter["title"] for letter in letters["letters"]] == ["责任书1"]
    assert [a["title"] for a in letters["attachments"]] == ["附件中的附件1"]


def test_take_snapshot__query_count_does_not_grow_with_notices(notice_index):
    _notice_with_children(notice_index, 1)
    few = _queries(take_snapshot)
    for n in range(2, 6):
        _notice_with_children(notice_index, n)
    assert len(take_snapshot()["notices"]) == 5
    assert _queries(take_snapshot) == few


def test_take_snapshot__live_notice_under_an_unpublished_section_stays_out(notice_index):
    _notice_with_children(notice_index, 1)
    Page.objects.filter(pk=notice_index.pk).update(live=False)
    assert take_snapshot()["notices"] == []
    Page.objects.filter(pk=notice_index.pk).update(live=True)
    assert [n["title"] for n in take_snapshot()["notices"]] == ["通知1"]
