"""Real faults for the fault tests: a database server that drops the connection, a full disk.

Nothing here imitates the code under test.  On PostgreSQL the server really
ends the backend (``pg_terminate_backend`` from a second connection), so the
next statement fails the way it does when the database restarts or the
network drops.  SQLite has no server that can go away; there the query
fails with Django's ``OperationalError`` injected through
``connection.execute_wrapper``.  The full disk is a real tmpfs mounted with
a size limit, which needs root: skipped on a developer machine without it,
a failure in CI (``CI=true``), where the tests must run.
"""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.db import OperationalError, connection

SQLITE_FAULT = "disk I/O error (injected: the database went away)"


def terminate_backend() -> None:
    """End this process's PostgreSQL session from a second connection, and wait until it is gone."""
    import psycopg

    pid = connection.connection.info.backend_pid
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    params["dbname"] = "postgres"
    with psycopg.connect(**params, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [pid])
        for _ in range(200):
            if not admin.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid]).fetchone():
                return
            time.sleep(0.01)
    raise AssertionError(f"PostgreSQL backend {pid} did not end")


@contextmanager
def database_goes_away(when_sql_contains: str) -> Iterator[list[str]]:
    """The database goes away just before the first statement containing ``when_sql_contains``.

    Yields the list of statements the fault hit, so a test can assert that
    the fault really happened where it meant it to.
    """
    hit: list[str] = []

    def fault(execute, sql, params, many, context):
        if not hit and when_sql_contains in sql:
            hit.append(sql)
            if connection.vendor == "postgresql":
                terminate_backend()
            else:
                raise OperationalError(SQLITE_FAULT)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(fault):
        yield hit


def leftovers(*dirs: Path) -> list[Path]:
    """Hidden work directories an export left in ``dirs`` (``.site.build-*``, ``.docs.render-*``, ``.*.old-*``).

    The lock, the incremental state (``.<site>.export-state.json``) and the render cache
    (``.<site>.export-cache.pickle``, not its temporary files) are meant to stay.
    """
    return [
        path
        for folder in dirs
        if folder.exists()
        for path in folder.iterdir()
        if path.name.startswith(".") and not path.name.endswith((".lock", ".export-state.json", ".export-cache.pickle"))
    ]


# --- a small disk ---------------------------------------------------------------------------------


def _can_mount() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def require_mount() -> None:
    """Skip without root on a developer machine; in CI (root, CI=true) a missing mount is a failure."""
    if _can_mount():
        return
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail("CI must run the full-disk tests as root (they mount a tmpfs)")
    pytest.skip("full-disk tests mount a tmpfs and need root")


@dataclass
class SmallDisk:
    """A tmpfs at ``path`` whose size can be changed while it is mounted."""

    path: Path

    def resize(self, size_bytes: int) -> None:
        size = -(-size_bytes // 4096) * 4096
        subprocess.run(["mount", "-o", f"remount,size={size}", str(self.path)], check=True)

    def used(self) -> int:
        stat = os.statvfs(self.path)
        return (stat.f_blocks - stat.f_bfree) * stat.f_frsize

    def free(self) -> int:
        stat = os.statvfs(self.path)
        return stat.f_bavail * stat.f_frsize


@contextmanager
def small_disk(path: Path, size_bytes: int) -> Iterator[SmallDisk]:
    """Mount a tmpfs of ``size_bytes`` at ``path`` (created), unmounted afterwards."""
    require_mount()
    path.mkdir(parents=True, exist_ok=True)
    size = -(-size_bytes // 4096) * 4096
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs", str(path)], check=True)
    try:
        yield SmallDisk(path)
    finally:
        subprocess.run(["umount", "--lazy", str(path)], check=False)
