"""Fixtures for the background export: throwaway site directories and a database a worker subprocess can share."""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
from django.db import connection


@pytest.fixture
def site_dirs(settings, tmp_path: Path) -> tuple[Path, Path]:
    """(out, src) in a temp dir: the export under test never touches the project's site/."""
    out, src = tmp_path / "site", tmp_path / "site_src"
    settings.SITE_OUTPUT_DIR = out
    settings.SITE_SOURCE_DIR = src
    return out, src


@pytest.fixture
def shared_database(transactional_db) -> Iterator[str]:
    """A ``DATABASE_URL`` that a worker subprocess can open and that this test reads and writes too.

    PostgreSQL: the test database itself (transactional, so committed rows
    are visible to the subprocess).  SQLite: the in-memory test database is
    copied into a file and this test's connection is moved onto that file
    until the end of the test, then moved back.
    """
    settings = connection.settings_dict
    if connection.vendor == "postgresql":
        user = settings["USER"] or ""
        password = f":{settings['PASSWORD']}" if settings["PASSWORD"] else ""
        host = settings["HOST"] or "127.0.0.1"
        port = settings["PORT"] or 5432
        yield f"postgres://{user}{password}@{host}:{port}/{settings['NAME']}"
        return
    directory = Path(tempfile.mkdtemp(prefix="worker-db-"))
    path = directory / "db.sqlite3"
    connection.ensure_connection()
    with closing(sqlite3.connect(path)) as copy:
        connection.connection.backup(copy)
    in_memory = connection.connection
    on_file = connection.get_new_connection({**connection.get_connection_params(), "database": str(path)})
    on_file.isolation_level = None  # autocommit, as Django keeps it outside atomic blocks
    connection.connection = on_file
    try:
        yield f"sqlite:///{path}"
    finally:
        connection.connection = in_memory
        on_file.close()
        shutil.rmtree(directory, ignore_errors=True)
