"""consistent_read: a commit from another connection is not seen inside the block.

The test runs in both CI passes against the pass's own database engine: on
PostgreSQL a second Django connection to the test database, on SQLite a
temporary database file in WAL mode (the in-memory test database cannot
have a second connection). The concurrent writer is a plain driver
connection, independent of Django.
"""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from django.db import connections
from django.db.utils import load_backend

from cms.core.db import consistent_read

ALIAS = "h_backup_probe"


@pytest.fixture
def probe(django_db_setup, django_db_blocker, tmp_path: Path) -> Iterator[tuple[str, str, object]]:
    """(alias, table, writer): a Django connection, a committed table, and an independent writing connection."""
    settings = dict(connections["default"].settings_dict)
    vendor = connections["default"].vendor
    if vendor == "sqlite":
        settings["NAME"] = str(tmp_path / "probe.sqlite3")
    table = f"h_backup_probe_{uuid.uuid4().hex[:8]}"
    wrapper = load_backend(settings["ENGINE"]).DatabaseWrapper(settings, ALIAS)
    connections[ALIAS] = wrapper
    with django_db_blocker.unblock():
        with wrapper.cursor() as cursor:
            if vendor == "sqlite":
                cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute(f"CREATE TABLE {table} (n integer)")
            cursor.execute(f"INSERT INTO {table} VALUES (1)")  # noqa: S608 (generated name)
        if vendor == "sqlite":
            writer = sqlite3.connect(settings["NAME"], timeout=1, isolation_level=None)
        else:
            writer = psycopg.connect(
                dbname=settings["NAME"],
                user=settings["USER"],
                password=settings["PASSWORD"] or None,
                host=settings["HOST"] or None,
                port=settings["PORT"] or None,
                autocommit=True,
            )
        try:
            yield ALIAS, table, writer
        finally:
            writer.close()
            with wrapper.cursor() as cursor:
                cursor.execute(f"DROP TABLE {table}")
            wrapper.close()
            del connections[ALIAS]


def _count(alias: str, table: str) -> int:
    with connections[alias].cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608
        return cursor.fetchone()[0]


def test_consistent_read__does_not_see_a_commit_made_by_another_connection(probe):
    alias, table, writer = probe
    with consistent_read(alias):
        before = _count(alias, table)
        writer.execute(f"INSERT INTO {table} VALUES (2)")  # noqa: S608 (autocommit: committed now)
        during = _count(alias, table)
    after = _count(alias, table)
    assert (before, during, after) == (1, 1, 2)


def test_consistent_read__is_read_only_on_postgresql_and_a_snapshot_on_both(probe):
    alias, _table, _writer = probe
    connection = connections[alias]
    with consistent_read(alias), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW transaction_isolation")
            assert cursor.fetchone()[0] == "repeatable read"
            cursor.execute("SHOW transaction_read_only")
            assert cursor.fetchone()[0] == "on"
        else:
            assert connection.in_atomic_block
