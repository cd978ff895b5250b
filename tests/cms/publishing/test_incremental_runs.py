"""The background export after a publish is incremental, and the next publishes still coalesce.

Real worker (``db_worker --backend exports --batch`` in-process), real MkDocs.
"""

from __future__ import annotations

import pytest
from wagtail.models import Page

from cms.documents.setup import ensure_site_structure
from cms.publishing.models import ExportRun, ExportStatus
from tests.export.sitecheck import readable
from tests.factories import make_notice, paragraph

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_execute_run__publish_after_a_full_export_is_built_incrementally(site_dirs, run_worker):
    out, _ = site_dirs
    index = ensure_site_structure()
    first = make_notice(index, body=[paragraph("首次导出的正文。")])
    others = [make_notice(index, body=[paragraph(f"其他通知{n}。")]) for n in range(4)]
    run_worker()
    full = ExportRun.objects.get()
    assert full.status == ExportStatus.SUCCEEDED, full.message

    for n in range(3):  # several publishes in a row: one queued export
        page = Page.objects.get(pk=first.pk).specific
        page.body = [*page.body.raw_data, paragraph(f"第{n}次修改。")]
        page.save_revision().publish()
    assert ExportRun.objects.filter(status=ExportStatus.QUEUED).count() == 1
    run_worker()

    latest = ExportRun.objects.exclude(pk=full.pk).get()
    assert latest.status == ExportStatus.SUCCEEDED, latest.message
    assert "增量" in latest.progress, latest.progress
    assert "第2次修改。" in readable(out / "notices" / f"{first.slug}.html")
    assert all((out / "notices" / f"{notice.slug}.html").is_file() for notice in others)
