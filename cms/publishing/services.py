"""Queueing and running exports.

Kept apart from the task module so signals, views and tests share one
``request_export`` (the debounce) and one ``execute_run`` (what the worker
does), and so the task itself stays a one-line wrapper.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Iterator
from datetime import timedelta
from functools import partial
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks.exceptions import TaskResultDoesNotExist
from django_tasks_db.models import DBTaskResult

from export.build import ExportError, export_site

from .models import ExportRun, ExportStatus

logger = logging.getLogger("cms.publishing")

# A queued run whose enqueue never recorded a task id after this long is taken
# as lost (the process died between commit and enqueue) so it cannot block
# every later export through the debounce.
LOST_AFTER = timedelta(minutes=10)

# export_site reports a step when it has finished it; the line shown while the
# next step runs says what is happening now.
NEXT_STEP = {
    "快照": "正在渲染页面和台账……",
    "渲染": "正在用 mkdocs 构建网站（页面多时需要几分钟）……",
    "构建": "正在收尾……",
}
FIRST_STEP = "正在读取主动公开内容的快照……"
ORPHANED = (
    "导出进程意外中止（后台任务进程被终止，或服务器重启），这次导出没有完成。"
    "原有网站 {out_dir} 保持不变；下一次导出会包含这次的修改。"
)
BUSY = "另一个导出正在写入 {out_dir}，请等它完成后再试。"


class ExportInterrupted(Exception):
    """Recorded on the background task of a run whose worker died mid-export (there is no traceback)."""


def request_export(
    *,
    reason: str,
    user: Any = None,
    title: str = "",
) -> tuple[ExportRun, bool]:
    """Queue an export unless one is already waiting; return (run, created).

    Debounced: while a run is 排队中 further requests only bump its counter,
    so ten quick publishes give one export.  The task is enqueued with
    ``transaction.on_commit`` so the worker never starts before the publish
    that asked for it is visible to it.
    """
    with transaction.atomic():
        existing = ExportRun.objects.select_for_update().filter(status=ExportStatus.QUEUED).first()
        if existing is not None and _is_lost(existing):
            _finish(existing.pk, ExportStatus.FAILED, message="后台任务丢失，这次排队的导出没有执行；已重新排队。")
            existing = None
        if existing is not None:
            ExportRun.objects.filter(pk=existing.pk).update(requests=F("requests") + 1)
            existing.refresh_from_db()
            return existing, False
        user = user if getattr(user, "pk", None) else None
        try:
            with transaction.atomic():
                run = ExportRun.objects.create(
                    reason=reason, triggered_by=user, trigger_title=(title or "")[:255], status=ExportStatus.QUEUED
                )
        except IntegrityError:
            # Another process queued one between our read and our insert.
            run = ExportRun.objects.get(status=ExportStatus.QUEUED)
            ExportRun.objects.filter(pk=run.pk).update(requests=F("requests") + 1)
            run.refresh_from_db()
            return run, False
        transaction.on_commit(partial(enqueue_run, run.pk))
    return run, True


def enqueue_run(run_id: int) -> None:
    """Hand the run to the background worker; a broken queue fails the run visibly instead of hanging it."""
    from .tasks import run_export  # tasks imports this module

    try:
        result = run_export.enqueue(run_id)
    except Exception as error:
        logger.exception("Could not enqueue export run %s", run_id)
        _finish(run_id, ExportStatus.FAILED, message=f"无法把导出交给后台任务：{error}", only_if=ExportStatus.QUEUED)
        return
    ExportRun.objects.filter(pk=run_id).update(task_id=str(result.id)[:64])


def _is_lost(run: ExportRun) -> bool:
    """True when a queued run will never be picked up by a worker."""
    if not run.task_id:
        return run.created_at < timezone.now() - LOST_AFTER
    from .tasks import run_export  # tasks imports this module

    try:
        result = run_export.get_result(run.task_id)
    except TaskResultDoesNotExist:
        return True
    except NotImplementedError:  # a backend that cannot look results up
        return False
    return result.is_finished


def _finish(run_id: int, status: str, *, only_if: str | None = None, **fields: Any) -> None:
    runs = ExportRun.objects.filter(pk=run_id)
    if only_if:
        runs = runs.filter(status=only_if)
    runs.update(status=status, finished_at=timezone.now(), **fields)


@contextlib.contextmanager
def worker_lock(out_dir: Path) -> Iterator[bool | None]:
    """Held by the worker from claiming a run until its outcome is recorded.

    Yields True when this process holds it, False when another does, None
    where there is no ``flock`` (not POSIX).  The kernel drops an flock
    together with its process, SIGKILL and OOM kill included, so while one
    process holds it, a run some other process left 进行中 belongs to a
    worker that died: nothing else will ever finish it.
    """
    try:
        import fcntl  # POSIX only, hence inside the try
    except ImportError:  # pragma: no cover - not POSIX: orphaned runs are not detected
        yield None
        return
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    with open(out_dir.parent / f".{out_dir.name}.runs.lock", "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def fail_orphaned_runs(out_dir: Path) -> list[ExportRun]:
    """Mark runs a dead worker left 进行中 as failed, with their background task; call only under ``worker_lock``.

    Without this a killed worker's run says 进行中 for ever, and its task
    row stays RUNNING in the queue.  Returns the runs it failed.
    """
    orphans = list(ExportRun.objects.filter(status=ExportStatus.RUNNING).order_by("pk"))
    message = ORPHANED.format(out_dir=out_dir)
    for run in orphans:
        logger.warning("Export run %s was left running by a worker that died; marked failed", run.pk)
        _finish(run.pk, ExportStatus.FAILED, only_if=ExportStatus.RUNNING, message=message)
        if run.task_id:
            DBTaskResult.objects.filter(pk=run.task_id, status=TaskResultStatus.RUNNING).update(
                status=TaskResultStatus.FAILED,
                finished_at=timezone.now(),
                exception_class_path=f"{__name__}.{ExportInterrupted.__name__}",
                traceback=message,
            )
    return orphans


def recover_orphaned_runs() -> ExportRun | None:
    """At worker start: fail the runs a killed worker left 进行中 and queue one export in their place.

    Without the new run, the change the dead run was exporting would stay
    off the public site until somebody published again.  Does nothing
    while another worker holds the lock (its run is alive).
    """
    out_dir = Path(settings.SITE_OUTPUT_DIR)
    with worker_lock(out_dir) as held:
        orphans = fail_orphaned_runs(out_dir) if held else []
    if not orphans:
        return None
    last = orphans[-1]
    run, _ = request_export(reason=last.reason, user=last.triggered_by, title=last.trigger_title)
    return run


def execute_run(run_id: int) -> dict[str, Any]:
    """Run one queued export under the worker lock, first failing the runs of workers that died.

    A second worker that finds the lock taken fails its run at once with
    the same message ``export_site`` gives, so a run is only ever 进行中
    while its worker holds the lock.
    """
    out_dir = Path(settings.SITE_OUTPUT_DIR)
    with worker_lock(out_dir) as held:
        if held:
            fail_orphaned_runs(out_dir)
        return _execute(run_id, out_dir, busy=held is False)


def _execute(run_id: int, out_dir: Path, *, busy: bool) -> dict[str, Any]:
    """Run one queued export with the real exporter and record the outcome on the run.

    The run is claimed by moving it 排队中 → 进行中 in one UPDATE, so a second
    delivery of the same task does nothing, and a publish during the build
    queues the next run instead of being swallowed by this one.
    ``ExportError`` is the expected failure (message already in Chinese, the
    previous site already kept by ``export_site``); anything else is recorded
    too and re-raised so the worker keeps the traceback.
    """
    claimed = ExportRun.objects.filter(pk=run_id, status=ExportStatus.QUEUED).update(
        status=ExportStatus.RUNNING, started_at=timezone.now(), progress=FIRST_STEP
    )
    if not claimed:
        logger.info("Export run %s is not queued any more; skipped", run_id)
        return {"run": run_id, "status": "skipped"}
    if busy:
        message = BUSY.format(out_dir=out_dir)
        _finish(run_id, ExportStatus.FAILED, message=message, progress="")
        return {"run": run_id, "status": "failed", "message": message}

    done: list[str] = []

    def progress(message: str) -> None:
        done.append(message)
        step = message.split("：", 1)[0]
        current = NEXT_STEP.get(step)
        ExportRun.objects.filter(pk=run_id).update(progress="\n".join(done + ([current] if current else [])))

    src_dir = Path(settings.SITE_SOURCE_DIR)
    started = time.perf_counter()
    try:
        result = export_site(out_dir, src_dir, base_url=getattr(settings, "SITE_BASE_URL", None), progress=progress)
    except ExportError as error:
        _finish(
            run_id,
            ExportStatus.FAILED,
            duration=time.perf_counter() - started,
            message=str(error),
            progress="\n".join(done),
        )
        logger.warning("Export run %s failed: %s", run_id, error)
        return {"run": run_id, "status": "failed", "message": str(error)}
    except BaseException as error:
        _finish(
            run_id,
            ExportStatus.FAILED,
            duration=time.perf_counter() - started,
            message=f"导出失败：{type(error).__name__}：{error}。原有网站 {out_dir} 保持不变。",
            progress="\n".join(done),
        )
        raise
    duration = time.perf_counter() - started
    _finish(
        run_id,
        ExportStatus.SUCCEEDED,
        pages=result.pages,
        files=result.files,
        size=result.output_bytes,
        duration=duration,
        message=f"网站已更新：{result.out_dir}（{result.notices} 份公文，{result.pages} 个页面）",
        progress="\n".join(done),
    )
    return {"run": run_id, "status": "succeeded", "pages": result.pages, "files": result.files}
