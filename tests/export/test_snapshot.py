"""The public snapshot: same content as page-by-page reads, in a number of queries that does not grow."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import Page

from cms.documents.models import NoticePage
from cms.importer.models import ImportReport
from cms.importer.service import import_documents
from export.pages import build_pages
from export.snapshot import take_snapshot
from tests.factories import (
    AttachmentPageFactory,
    NoticePageFactory,
    ResponsibilityLetterPageFactory,
    TaskRowFactory,
    UnitFactory,
    make_notice,
    task_list,
)

pytestmark = pytest.mark.django_db

SEEDS = Path(__file__).resolve().parents[2] / "content" / "seeds"


def _notice_with_children(index, n: int):
    notice = NoticePageFactory(parent=index, title=f"通知{n}")
    letters = AttachmentPageFactory(parent=notice, number=1, title=f"目标责任书{n}", kind="letters")
    ResponsibilityLetterPageFactory(parent=letters, unit__name=f"单位{n}", title=f"责任书{n}")
    inner = AttachmentPageFactory(parent=letters, number=1, title=f"附件中的附件{n}")
    AttachmentPageFactory(parent=notice, number=2, title=f"重点项目清单{n}")
    AttachmentPageFactory(parent=notice, number=3, title=f"草稿附件{n}", published=False)
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


def test_take_snapshot__task_rows_of_a_factory_built_list_keep_units_and_order(notice_index):
    lead, support = UnitFactory(name="城关镇"), UnitFactory(name="应急管理局")
    rows = [TaskRowFactory(units=[(lead, "lead"), (support, "support")]), TaskRowFactory(task="第二项")]
    AttachmentPageFactory(parent=NoticePageFactory(parent=notice_index), body=[task_list(rows)])
    (attachment,) = take_snapshot()["notices"][0]["attachments"]
    (block,) = attachment["body"]
    stored = [row["value"] for row in block["value"]["rows"]]
    assert [row["task"] for row in stored] == [rows[0]["task"], "第二项"]
    assert [(u["value"]["name"], u["value"]["role"]) for u in stored[0]["units"]] == [
        ("城关镇", "lead"),
        ("应急管理局", "support"),
    ]


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


def test_take_snapshot__an_unpublished_ancestor_at_any_depth_hides_only_the_notices_below_it(notice_index):
    """Each section's own ancestors decide: a dead 公文库 hides its notices, not a live sibling section's."""
    from cms.documents.models import NoticeIndexPage

    home = notice_index.get_parent()
    other = home.add_child(instance=NoticeIndexPage(title="另一公文库", slug="other-notices"))
    other.save_revision().publish()
    _notice_with_children(notice_index, 1)
    _notice_with_children(other, 2)
    draft, _ = _notice_with_children(notice_index, 3)
    Page.objects.filter(pk=draft.pk).update(live=False)  # a dead notice is nobody's ancestor here

    def titles() -> list[str]:
        return sorted(n["title"] for n in take_snapshot()["notices"])

    assert titles() == ["通知1", "通知2"]
    Page.objects.filter(pk=other.pk).update(live=False)
    assert titles() == ["通知1"]
    Page.objects.filter(pk=home.pk).update(live=False)  # two levels up
    assert titles() == []
    Page.objects.filter(pk__in=[home.pk, other.pk]).update(live=True)
    assert titles() == ["通知1", "通知2"]
    assert set(NoticePage.objects.public().values_list("title", flat=True)) == {"通知1", "通知2"}


# --- 发布日期: the first publication, never the export date --------------------------


def _release(notice_id: int) -> str | None:
    (record,) = [n for n in take_snapshot()["notices"] if n["id"] == notice_id]
    return record["release_date"]


def test_take_snapshot__release_date_is_the_first_publication_and_republishing_keeps_it(notice_index):
    notice = make_notice(notice_index, written_date=date(2022, 11, 20))
    first = datetime(2022, 11, 25, 9, 30, tzinfo=UTC)
    NoticePage.objects.filter(pk=notice.pk).update(first_published_at=first)
    notice.refresh_from_db()
    notice.title += "（修订）"
    notice.save_revision().publish()
    assert _release(notice.pk) == "2022-11-25"


def test_take_snapshot__imported_notice_dates_from_its_written_date_not_the_import(notice_index):
    notice = make_notice(notice_index, written_date=date(2022, 11, 23))
    assert notice.first_published_at.year >= 2025  # published by the import, today
    assert _release(notice.pk) == timezone.localdate(notice.first_published_at).isoformat()
    ImportReport.objects.create(source_name="晋江.txt", notice=notice, text="")
    assert _release(notice.pk) == "2022-11-23"


def test_take_snapshot__explicit_published_date_wins(notice_index):
    notice = make_notice(notice_index, written_date=date(2022, 11, 23), published_date=date(2022, 12, 1))
    ImportReport.objects.create(source_name="门户.html", notice=notice, text="")
    assert _release(notice.pk) == "2022-12-01"


def test_build_pages__imported_2022_seed_shows_2022_as_its_release_date(notice_index):
    seed = next(SEEDS.glob("000_*.txt"))
    import_documents([(seed.name, seed.read_bytes())], publish=True, disclosure="主动公开")
    pages = {page.path: page.text for page in build_pages(take_snapshot())}
    (notice,) = [
        text
        for path, text in pages.items()
        if path.startswith("notices/") and path.count("/") == 1 and "晋政文〔2022〕201号" in text
    ]
    assert "<tr><th>发布日期</th><td>2022年11月" in notice
    assert str(timezone.localdate().year) + "年" not in notice.split("发布日期", 1)[1].split("</tr>", 1)[0]
    home = pages["index.md"].split("## 最新公开", 1)[1].split("##", 1)[0]
    assert "2022年11月" in home
