"""Queries with Chinese characters, rewritten for every variant of the database backend."""

from __future__ import annotations

from typing import Any

from modelsearch.backends.database.fallback import DatabaseSearchBackend
from modelsearch.query import PlainText

from cms.core.chinese_search import chinese_query, has_han


class ChineseQueryMixin:
    """Each Chinese word of a query is searched as all of its character pairs."""

    def search(self, query: Any, model_or_queryset: Any, fields: Any = None, operator: Any = None, **kwargs: Any):
        query, operator = _chinese_query(query, operator)
        return super().search(query, model_or_queryset, fields=fields, operator=operator, **kwargs)  # type: ignore[misc]

    def autocomplete(self, query: Any, model_or_queryset: Any, fields: Any = None, operator: Any = None, **kwargs: Any):
        query, operator = _chinese_query(query, operator)
        return super().autocomplete(query, model_or_queryset, fields=fields, operator=operator, **kwargs)  # type: ignore[misc]


def _chinese_query(query: Any, operator: str | None) -> tuple[Any, str | None]:
    if isinstance(query, str) and has_han(query):
        # A string becomes a query object that carries the operator itself.
        return chinese_query(PlainText(query, operator=operator or PlainText.DEFAULT_OPERATOR)), None
    return chinese_query(query), operator


class ChineseDatabaseSearchBackend(ChineseQueryMixin, DatabaseSearchBackend):
    """Without full-text support each pair is matched with icontains: nothing to add to the index."""
