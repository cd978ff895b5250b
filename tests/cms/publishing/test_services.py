"""Faults in the background export: the database going away, the worker killed mid-build.

Transactional: the worker under test is real (in-process for the database
fault, a real ``db_worker`` subprocess for the kill), and a PostgreSQL
session ended by the server takes an enclosing test transaction with it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django_tasks_db.models import DBTaskResult

from cms.documents.setup import ensure_site_structure
from cms.publishing import services
from cms.publishing.models import ExportRun, ExportStatus
from cms.publishing.tasks import run_export
from export.build import ExportResult
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


# --- the worker is killed while mkdocs builds -------------------------------------------------------------


def _worker(database_url: str, out: Path, src: Path, *, batch: bool) -> subprocess.Popen[str]:
    """The real ``manage.py db_worker --backend exports`` in its own process, on the shared database."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cms.settings.test",
        "DATABASE_URL": database_url,
        "TEST_SITE_OUTPUT_DIR": str(out),
        "TEST_SITE_SOURCE_DIR": str(src),
    }
    command = [sys.executable, "manage.py", "db_worker", "--backend", "exports", "--no-reload", "--no-startup-delay"]
    command += ["--batch"] if batch else ["--interval", "0.2"]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def _finish(worker: subprocess.Popen[str]) -> str:
    output, _ = worker.communicate(timeout=300)
    assert worker.returncode == 0, output
    return output


def _children(pid: int) -> list[int]:
    """Processes whose parent is ``pid`` (from /proc: the worker's mkdocs subprocess)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def _alive(pid: int) -> bool:
    """True while ``pid`` runs (a zombie waiting for its reaper counts as gone)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def _wait_for(condition, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def test_execute_run__worker_killed_mid_build_keeps_the_site_and_the_next_run_recovers(site_dirs, shared_database):
    out, src = site_dirs
    index = ensure_site_structure()
    first = make_notice(index, body=[paragraph("KILLFIRST01")])
    _finish(_worker(shared_database, out, src, batch=True))
    assert ExportRun.objects.get().status == ExportStatus.SUCCEEDED
    before = tree_digest(out)

    second = make_notice(index, body=[paragraph("KILLSECOND01")])
    killed = ExportRun.objects.get(status=ExportStatus.QUEUED)
    worker = _worker(shared_database, out, src, batch=False)
    try:
        [mkdocs] = _wait_for(
            lambda: [pid for pid in _children(worker.pid) if "mkdocs" in _cmdline(pid)], 120, "mkdocs to start"
        )
        _wait_for(lambda: list(out.parent.glob(".site.build-*/site/*")), 60, "mkdocs to write the new site")
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=30)
        # A build takes seconds here; the orphaned mkdocs must not build on into what the next export cleans up.
        _wait_for(lambda: not _alive(mkdocs), 1, "mkdocs to die with its worker")
    finally:
        if worker.poll() is None:
            worker.kill()
        worker.communicate()

    killed.refresh_from_db()
    assert killed.status == ExportStatus.RUNNING, "nothing could record the kill"
    assert tree_digest(out) == before, "the previous site must stay online, complete"

    # The restarted worker puts things right by itself: nobody publishes again.
    log = _finish(_worker(shared_database, out, src, batch=True))

    assert "已重新排队" in log, log
    killed.refresh_from_db()
    assert killed.status == ExportStatus.FAILED
    assert "导出进程意外中止" in killed.message and killed.finished_at is not None
    assert DBTaskResult.objects.get(id=killed.task_id).status == "FAILED"
    replacement = ExportRun.objects.order_by("-pk").first()
    assert replacement.pk > killed.pk and replacement.reason == killed.reason
    assert replacement.status == ExportStatus.SUCCEEDED, replacement.message
    assert "KILLFIRST01" in _html(out, first) and "KILLSECOND01" in _html(out, second)
    assert not ExportRun.objects.filter(status__in=[ExportStatus.RUNNING, ExportStatus.QUEUED]).exists()
    assert leftovers(out.parent, src) == []


# --- the worker lock -----------------------------------------------------------------------------------------


def test_execute_run__fails_a_run_left_running_by_a_dead_worker_before_exporting(site_dirs, monkeypatch):
    """A worker died after this worker started: its run is failed when this worker's next run begins."""
    orphan = ExportRun.objects.create(status=ExportStatus.RUNNING)  # what a killed worker leaves: no lock held
    queued = ExportRun.objects.create(status=ExportStatus.QUEUED)
    monkeypatch.setattr(services, "export_site", _exported)

    assert run_export.call(queued.pk)["status"] == "succeeded"

    orphan.refresh_from_db()
    assert orphan.status == ExportStatus.FAILED and "导出进程意外中止" in orphan.message
    queued.refresh_from_db()
    assert queued.status == ExportStatus.SUCCEEDED


def test_execute_run__while_another_worker_holds_the_lock_fails_at_once_and_leaves_its_run_alone(
    site_dirs, monkeypatch
):
    out, _ = site_dirs
    alive = ExportRun.objects.create(status=ExportStatus.RUNNING)  # its worker holds the lock below
    queued = ExportRun.objects.create(status=ExportStatus.QUEUED)
    monkeypatch.setattr(services, "export_site", lambda *a, **k: pytest.fail("must not export beside another"))

    with services.worker_lock(out) as held:
        assert held
        outcome = run_export.call(queued.pk)
        assert services.recover_orphaned_runs() is None

    assert outcome["status"] == "failed"
    queued.refresh_from_db()
    assert queued.status == ExportStatus.FAILED and "另一个导出正在写入" in queued.message
    alive.refresh_from_db()
    assert alive.status == ExportStatus.RUNNING


def _exported(out_dir: Path, src_dir: Path, **kwargs) -> ExportResult:
    return ExportResult(out_dir=out_dir, docs_dir=src_dir / "docs", notices=0, pages=1, files=1)
