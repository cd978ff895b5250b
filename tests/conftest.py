from __future__ import annotations

import io
import signal
from collections.abc import Callable, Iterator

import pytest
from django.core.management import call_command

from cms.documents.setup import ensure_site_structure


@pytest.fixture
def notice_index(db):
    return ensure_site_structure()


@pytest.fixture
def admin_user(db, django_user_model):
    return django_user_model.objects.create_superuser("admin", "", "secret-pass-123")


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


WORKER_SIGNALS = [signal.SIGINT, signal.SIGTERM, *([signal.SIGQUIT] if hasattr(signal, "SIGQUIT") else [])]


@pytest.fixture
def run_worker(monkeypatch) -> Iterator[Callable[[], str]]:
    """Run the real ``db_worker --backend exports --batch`` in-process until the queue is empty.

    The worker calls ``close_old_connections()`` between tasks, which closes a
    connection that sits inside the test's transaction; it is made a no-op
    here (there is no old connection in a test).  The worker also installs
    its own SIGINT/SIGTERM handlers; they are restored afterwards so pytest's
    Ctrl+C still works.
    """
    import django_tasks_db.management.commands.db_worker as db_worker

    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    saved = {sig: signal.getsignal(sig) for sig in WORKER_SIGNALS}

    def run() -> str:
        out = io.StringIO()
        try:
            call_command(
                "db_worker", "--backend", "exports", "--batch", "--no-startup-delay", "--no-reload", stdout=out
            )
        finally:
            for sig, handler in saved.items():
                signal.signal(sig, handler)
        return out.getvalue()

    yield run
