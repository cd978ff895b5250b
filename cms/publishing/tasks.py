"""The background task.  Bound to the ``exports`` backend alias, not ``default``.

Wagtail's own tasks (reference index, search index, image focal points) are
declared with ``@task()`` and so go to ``default``, which stays the immediate
backend: they keep running in-process with no worker.  Exports take seconds
to minutes, so they go to the database backend and ``manage.py db_worker
--backend exports`` runs them.
"""

from __future__ import annotations

from typing import Any

from django_tasks import task

from .services import execute_run

EXPORT_BACKEND = "exports"


@task(backend=EXPORT_BACKEND)
def run_export(run_id: int) -> dict[str, Any]:
    """Export the public site for one queued ``ExportRun``."""
    return execute_run(run_id)
