"""Wagtail's database search backend, able to find Chinese words (see cms.core.chinese_search).

Configured in ``WAGTAILSEARCH_BACKENDS``; Wagtail calls :func:`SearchBackend`
like the module it replaces, which picks the PostgreSQL, SQLite (FTS5) or
plain-database variant by the connection.  After switching an existing site to
this backend, rebuild the index once with ``manage.py update_index``.
"""

from __future__ import annotations

from typing import Any

from django.db import connection
from modelsearch.backends import database

from .mixin import ChineseDatabaseSearchBackend


def SearchBackend(params: dict[str, Any]) -> Any:
    """The variant of the database backend for the current connection (Wagtail looks up this name)."""
    stock = database.SearchBackend(params)
    # Function-level imports: each vendor module loads models that exist only on that database.
    if connection.vendor == "postgresql":
        from .postgres import ChinesePostgresSearchBackend  # its models exist only on PostgreSQL

        return ChinesePostgresSearchBackend(params)
    if type(stock).__name__ == "SQLiteSearchBackend":
        from .sqlite import ChineseSQLiteSearchBackend  # its models exist only on SQLite

        return ChineseSQLiteSearchBackend(params)
    return ChineseDatabaseSearchBackend(params)
