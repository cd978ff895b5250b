"""``manage.py db_worker``: django-tasks-db's worker, which first recovers what a killed export worker left.

It shadows the library's command of the same name (``cms.publishing``
comes before ``django_tasks_db`` in ``INSTALLED_APPS``) and adds one step
before the worker loop: for the ``exports`` backend, a run left 进行中 by
a worker that was killed (``kill -9``, out of memory, a reboot) is marked
failed and an export is queued in its place, so a restarted worker puts the
public site right without waiting for the next publish.
"""

from __future__ import annotations

from typing import Any

from django_tasks_db.management.commands.db_worker import Command as WorkerCommand

from cms.publishing.services import recover_orphaned_runs
from cms.publishing.tasks import EXPORT_BACKEND


class Command(WorkerCommand):
    def handle(self, *args: Any, **options: Any) -> None:
        if options.get("backend_name") == EXPORT_BACKEND:
            run = recover_orphaned_runs()
            if run is not None:
                self.stdout.write(f"上次的导出进程意外中止，已重新排队网站导出 #{run.pk}。")
        super().handle(*args, **options)
