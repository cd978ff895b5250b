"""SQLite (FTS5) variant: the Chinese character pairs are added to each indexed column."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Model
from django.utils.functional import cached_property
from modelsearch.backends.database.sqlite import sqlite

from cms.core.chinese_search import index_text

from .mixin import ChineseQueryMixin


class ChineseSQLiteObjectIndexer(sqlite.ObjectIndexer):
    @cached_property
    def title(self) -> str:
        return index_text(super().title)

    @cached_property
    def body(self) -> str:
        return index_text(super().body)

    @cached_property
    def autocomplete(self) -> str:
        return index_text(super().autocomplete)


class ChineseSQLiteIndex(sqlite.SQLiteIndex):
    def add_items(self, model: type[Model], objs: Iterable[Model]) -> None:
        # SQLiteIndex builds its rows through the module's ObjectIndexer name,
        # the one hook it offers; it is pointed at the subclass for good.
        sqlite.ObjectIndexer = ChineseSQLiteObjectIndexer
        super().add_items(model, objs)


class ChineseSQLiteSearchBackend(ChineseQueryMixin, sqlite.SQLiteSearchBackend):
    index_class = ChineseSQLiteIndex
