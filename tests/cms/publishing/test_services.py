"""Faults in the background export: the database going away, the worker killed mid-build.

Transactional: the worker under test is real (in-process for the database
fault, a real ``db_worker`` subprocess for the kill), and a PostgreSQL
session ended by the server takes an enclosing test transaction with it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from cms.documents.setup import ensure_site_structure
from cms.publishing.models import ExportRun, ExportStatus
from tests.export.sitecheck import tree_digest
from tests.factories import make_notice, paragraph
from tests.faults import database_goes_away, leftovers

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[3]


def _html(out: Path, notice) -> str:
    return (out / "notices" / f"{notice.slug}.html").read_text(encoding="utf-8")


# --- the database goes away during the snapshot ---------------------------------------------------------


def test_execute_run__database_gone_during_snapshot_marks_the_run_failed_then_next_run_succeeds(site_dirs, run_worker):
    out, src = site_dirs
    out.mkdir(parents=True)
    (out / "index.html").write_text("PREVIOUS-SITE", encoding="utf-8")
    before = tree_digest(out)
    first = make_notice(ensure_site_structure(), body=[paragraph("DBGONEFIRST01")])
    failed = ExportRun.objects.get()

    with database_goes_away('FROM "units_unit"') as hit:
        run_worker()

    assert hit, "the fault must strike inside the snapshot"
    failed.refresh_from_db()
    assert failed.status == ExportStatus.FAILED
    assert "数据库" in failed.message and "快照" in failed.message and "保持不变" in failed.message, failed.message
    assert failed.finished_at is not None
    assert tree_digest(out) == before
    assert leftovers(out.parent, src) == []

    second = make_notice(ensure_site_structure(), body=[paragraph("DBGONESECOND01")])
    run_worker()

    retry = ExportRun.objects.exclude(pk=failed.pk).get()
    assert retry.status == ExportStatus.SUCCEEDED, retry.message
    assert "DBGONEFIRST01" in _html(out, first) and "DBGONESECOND01" in _html(out, second)
    assert leftovers(out.parent, src) == []
