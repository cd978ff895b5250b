"""Database helpers shared by the exporter and the backup.

``transaction.atomic()`` alone is not a snapshot on PostgreSQL: under its
default READ COMMITTED every statement sees what was committed before *that
statement*, so a publish landing between two queries of one export or one
backup gives a notice without its attachments, or pages without their
revisions. Readers that must see one moment use :func:`consistent_read`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, connections, transaction


@contextmanager
def consistent_read(using: str | None = None) -> Iterator[None]:
    """Run the block as one read-only snapshot of the database.

    PostgreSQL: a new transaction whose first statement is ``SET TRANSACTION
    ISOLATION LEVEL REPEATABLE READ, READ ONLY``; every query in the block
    then sees the data as of the block's first query, and a write in the
    block fails instead of silently mixing in. SQLite: a deferred
    transaction is already a snapshot once its first read takes the read
    lock (in WAL mode writers may commit meanwhile, unseen; otherwise they
    wait for the block to end).

    Inside an enclosing ``atomic`` block the isolation level can no longer be
    chosen (PostgreSQL rejects it after the first query), so the block simply
    joins the enclosing transaction, which then decides what it sees.
    """
    alias = using or DEFAULT_DB_ALIAS
    connection = connections[alias]
    outermost = not connection.in_atomic_block
    with transaction.atomic(using=alias):
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield
