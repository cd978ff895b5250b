"""PostgreSQL variant: tsvectors built from the text plus its Chinese character pairs."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Model
from modelsearch.backends.database.postgres import postgres

from cms.core.chinese_search import index_text

from .mixin import ChineseQueryMixin


class ChinesePostgresObjectIndexer(postgres.ObjectIndexer):
    def as_vector(self, texts: list[tuple[str, Any]], for_autocomplete: bool = False) -> Any:
        return super().as_vector([(index_text(text), weight) for text, weight in texts], for_autocomplete)


class ChinesePostgresIndex(postgres.PostgresIndex):
    def add_items(self, model: type[Model], objs: Iterable[Model]) -> None:
        # PostgresIndex builds its rows through the module's ObjectIndexer name,
        # the one hook it offers; it is pointed at the subclass for good.
        postgres.ObjectIndexer = ChinesePostgresObjectIndexer
        super().add_items(model, objs)


class ChinesePostgresSearchBackend(ChineseQueryMixin, postgres.PostgresSearchBackend):
    index_class = ChinesePostgresIndex
